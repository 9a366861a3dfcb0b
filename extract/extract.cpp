// extract(): sniff the type, run the format's parser, segment.

#include "extract/internal.h"

namespace policyindex::extract {

Result<Document> extract(std::string_view bytes, const Options& options) {
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
