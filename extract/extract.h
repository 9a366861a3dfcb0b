// Extraction: bytes of a stored version in, a normalized section tree out. Knows nothing of
// HTTP, the store or Xapian.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace policyindex::extract {

enum class FileType { kPdf, kHtml, kDocx, kText, kUnknown };

// "pdf", "html", "docx", "text", "unknown".
std::string_view file_type_name(FileType t);

// The type of a file from its bytes (never its name): %PDF-, a ZIP holding
// word/document.xml, HTML sniffing, else text when it decodes as text.
FileType sniff_type(std::string_view bytes);

struct Section {
  std::string key;      // stable within the document: from the number when there is one
  std::string number;   // "50-103", "2.129.040", "3", "a", "" when unnumbered
  std::string heading;  // "Order", "" when none
  int level = 1;        // 1 = top
  int page = 0;         // 1-based first page; 0 when the format has no pages
  int page_end = 0;
  std::string text;     // the section's body text, UTF-8 NFC, paragraphs separated by "\n\n"
  size_t start = 0;     // offsets of the section in Document::text
  size_t end = 0;
};

struct Document {
  FileType type = FileType::kUnknown;
  std::string title;
  int pages = 0;                     // 0 when the format has no pages
  std::vector<int> ocr_pages;        // 1-based pages whose text came from OCR
  std::string text;                  // the whole normalized text
  std::vector<Section> sections;     // in document order
  std::vector<std::string> struck;   // deleted (struck-through) passages, not in `text`
  std::vector<std::string> warnings; // recoverable problems
};

struct Options {
  std::string content_type;  // HTTP Content-Type when known (a charset hint only)
  bool ocr = true;           // OCR pages that have no text layer
  size_t max_bytes = 200u << 20;
  int max_pages = 5000;
};

// Extracts one document. Errors (encrypted, corrupt, too large, unsupported) name the
// reason; the caller adds the input's name.
[[nodiscard]] Result<Document> extract(std::string_view bytes, const Options& options = {});

}  // namespace policyindex::extract
