// File type from the bytes, never from a name or a Content-Type.

#include <algorithm>
#include <cctype>
#include <cstring>

#include "extract/extract.h"
#include "extract/sniff.h"

namespace policyindex::extract {
namespace {

std::string lower_prefix(std::string_view bytes, size_t n) {
  std::string out(bytes.substr(0, std::min(n, bytes.size())));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool looks_like_text(std::string_view bytes) {
  // Control characters other than whitespace mean binary. Bytes >= 0x80 may be UTF-8 or a
  // legacy 8-bit charset: both are text.
  size_t n = std::min<size_t>(bytes.size(), 8192), bad = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == 0) return false;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++bad;
  }
  return bad * 100 <= n;  // a stray control byte or two in a text file is tolerated
}

}  // namespace

std::string_view file_type_name(FileType t) {
  switch (t) {
    case FileType::kPdf: return "pdf";
    case FileType::kHtml: return "html";
    case FileType::kDocx: return "docx";
    case FileType::kText: return "text";
    case FileType::kUnknown: return "unknown";
  }
  return "unknown";
}

FileType sniff_type(std::string_view bytes) {
  // PDF: the header may follow a little junk (the spec allows it within the first 1 KB).
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return FileType::kPdf;
  // ZIP local file header; a DOCX names word/document.xml in its central directory.
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), "PK\x03\x04", 4) == 0) {
    if (bytes.find("word/document.xml") != std::string_view::npos) return FileType::kDocx;
    // Another main part name: [Content_Types].xml and word/ parts still say WordprocessingML.
    if (bytes.find("[Content_Types].xml") != std::string_view::npos &&
        bytes.find("word/") != std::string_view::npos) {
      return FileType::kDocx;
    }
    return FileType::kUnknown;
  }
  std::string_view body = bytes;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  size_t i = 0;
  while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
  std::string head = lower_prefix(body.substr(i), 512);
  for (const char* tag : {"<!doctype html", "<html", "<head", "<body", "<!--", "<?xml", "<meta",
                          "<title", "<div", "<p>", "<p ", "<h1", "<table", "<script"}) {
    if (head.rfind(tag, 0) == 0) {
      if (std::string_view(tag) == "<?xml" && head.find("<html") == std::string::npos &&
          lower_prefix(body, 4096).find("<html") == std::string::npos) {
        break;  // some other XML
      }
      return FileType::kHtml;
    }
  }
  if (looks_like_text(bytes)) return FileType::kText;
  return FileType::kUnknown;
}

std::string_view sniff_media_type(std::string_view bytes) {
  if (bytes.empty()) return "";
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
    return "application/msword";  // OLE compound file (Word 97-2003; Excel and others too)
  }
  if (bytes.substr(0, 5) == "{\\rtf") return "application/rtf";
  switch (sniff_type(bytes)) {
    case FileType::kPdf: return "application/pdf";
    case FileType::kDocx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case FileType::kHtml: return "text/html";
    case FileType::kText: return "text/plain";
    case FileType::kUnknown: break;
  }
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), "PK\x03\x04", 4) == 0) {
    if (bytes.substr(30, 47) == "mimetypeapplication/vnd.oasis.opendocument.text") {
      return "application/vnd.oasis.opendocument.text";
    }
    return "application/zip";
  }
  return "";
}

}  // namespace policyindex::extract
