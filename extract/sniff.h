// The media type of a file from its bytes, for the crawler (which records what it fetched
// by content, not by the server's Content-Type): no dependency beyond the standard library,
// so the crawler links it without the extractors (library pi_sniff).
#pragma once

#include <string_view>

namespace policyindex::extract {

// "application/pdf" (%PDF- within the first KB), DOCX
// ("application/vnd.openxmlformats-officedocument.wordprocessingml.document": a ZIP with
// [Content_Types].xml and word/ parts), "application/vnd.oasis.opendocument.text" (ODT),
// "application/zip" (another ZIP), "application/rtf" ({\rtf), "application/msword" (an OLE
// compound file: Word 97-2003 .doc), "text/html" (HTML sniffing), "text/plain" (text), or ""
// when the bytes say nothing (binary of another kind, or empty).
std::string_view sniff_media_type(std::string_view bytes);

}  // namespace policyindex::extract
