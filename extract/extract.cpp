// extract(): sniff the type, run the format's parser, segment.

#include <csignal>
#include <cstring>
#include <vector>

#include "extract/internal.h"

namespace policyindex::extract {

Result<Document> extract(std::string_view bytes, const Options& options) {
  // "KIND" faults every document, "KIND:MARK" only documents containing MARK.
  std::string_view fault = options.test_fault;
  if (size_t colon = fault.find(':'); colon != std::string_view::npos) {
    fault = bytes.find(fault.substr(colon + 1)) != std::string_view::npos ? fault.substr(0, colon) : std::string_view();
  }
  if (!fault.empty()) {
    if (fault == "crash") std::raise(SIGSEGV);
    if (fault == "hang") for (volatile bool spin = true; spin;) {}
    if (fault == "balloon") {
      std::vector<std::vector<char>> hog;
      for (;;) hog.emplace_back(64u << 20, 'x');  // touches every page
    }
  }
  if (bytes.empty()) return make_error(ErrorCode::kParse, "empty file");
  if (bytes.size() > options.max_bytes)
    return make_error(ErrorCode::kTooLarge, "file of " + std::to_string(bytes.size()) +
                                                " bytes is over the limit of " +
                                                std::to_string(options.max_bytes));
  FileType type = sniff_type(bytes);
  Result<detail::Parsed> parsed = [&]() -> Result<detail::Parsed> {
    switch (type) {
      case FileType::kPdf: return detail::parse_pdf(bytes, options);
      case FileType::kHtml: return detail::parse_html(bytes, options);
      case FileType::kDocx: return detail::parse_docx(bytes, options);
      case FileType::kText: return detail::parse_text(bytes, options);
      case FileType::kUnknown: break;
    }
    return make_error(ErrorCode::kUnsupported, "unsupported file type (not PDF, HTML, DOCX or text)");
  }();
  if (!parsed) return tl::make_unexpected(parsed.error());
  return detail::segment(std::move(*parsed), type);
}

}  // namespace policyindex::extract
