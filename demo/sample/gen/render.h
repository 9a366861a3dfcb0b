// Renderings of a parsed sample document. Each throws std::runtime_error naming OUT on
// failure.
#pragma once

#include <filesystem>

#include "demo/sample/gen/markup.h"

namespace policyindex::sample_gen {

// A text PDF (US Letter): embedded DejaVu fonts, headings larger and bold, running header
// and footer with "Page N of M", struck spans with a drawn line through them.
// Escapes &, < and > (and " when QUOTES) for XML and HTML text and attributes.
std::string markup_escape(std::string_view s, bool quotes);

void render_pdf(const Doc& doc, const std::filesystem::path& out);

// The same pages drawn into images at DPI (a scan: slightly rotated, a little noise) and
// placed one per PDF page, with no text layer.
void render_scanned_pdf(const Doc& doc, const std::filesystem::path& out, double dpi = 200);

// WordprocessingML: Title/Heading1-3 styles, w:b, w:i, w:strike (struck), w:u (inserted),
// header and footer parts, core properties.
void render_docx(const Doc& doc, const std::filesystem::path& out);

// A standalone HTML page with the site's banner and navigation; struck spans in <del>,
// inserted in <ins>. Encoded as doc.encoding, declared in <meta charset>.
void render_html(const Doc& doc, const std::filesystem::path& out);

}  // namespace policyindex::sample_gen
