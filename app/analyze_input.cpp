#include "app/analyze_input.h"

#include <filesystem>
#include <fstream>

#include "extract/extract.h"

namespace policyindex::app {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// What a file that is none of the supported types looks like, for the message.
std::string looks_like(std::string_view head) {
  if (starts_with(head, "\x89PNG") || starts_with(head, "\xFF\xD8\xFF") || starts_with(head, "GIF8") ||
      starts_with(head, "II*") || starts_with(head, "MM\0*"))
    return " (it looks like an image: scan it to PDF, or give a PDF with its text)";
  if (starts_with(head, "PK\x03\x04")) return " (it looks like a ZIP archive that is not a Word document)";
  if (starts_with(head, "\xD0\xCF\x11\xE0")) return " (it looks like an old Word .doc file: save it as .docx or PDF)";
  if (starts_with(head, "{\\rtf")) return " (it looks like an RTF file: save it as .docx or PDF)";
  return "";
}

}  // namespace

Status check_analyze_input(const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st)) return make_error(ErrorCode::kNotFound, file + " does not exist");
  if (fs::is_directory(st)) return make_error(ErrorCode::kInvalidArgument, file + " is a directory, not a file");
  if (!fs::is_regular_file(st)) return make_error(ErrorCode::kInvalidArgument, file + " is not a regular file");
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, file + " cannot be opened (check its permissions)");
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.empty()) return make_error(ErrorCode::kParse, file + " is empty (0 bytes)");
  if (head.find_first_not_of(" \t\r\n") == std::string::npos)
    return make_error(ErrorCode::kParse, file + " is empty (only blank space)");
  if (extract::sniff_type(head) == extract::FileType::kUnknown)
    return make_error(ErrorCode::kUnsupported, file + " is not a PDF, Word (DOCX), HTML or text file" + looks_like(head));
  return {};
}

std::string plain_extract_error(const std::string& file, const Error& error) {
  const std::string& m = error.message;
  auto has = [&](std::string_view s) { return m.find(s) != std::string::npos; };
  if (has("encrypted")) return file + " is an encrypted PDF: it needs a password to open; ask for an unlocked copy";
  if (has("corrupt or unreadable PDF") || has("PDF has no pages") || has("XRef") || has("trailer"))
    return file + " is not a readable PDF (it may be damaged or incomplete)";
  if (has("empty file")) return file + " is empty";
  if (has("unsupported file type")) return file + " is not a PDF, Word (DOCX), HTML or text file";
  if (error.code == ErrorCode::kTooLarge) return file + " is too large to analyze (" + m + ")";
  if (has("timed out") || has("time limit")) return file + " took too long to read (" + m + "); try --timeout";
  // The extractor's own words, already naming the file when they come from analyze_file.
  return m.rfind(file, 0) == 0 ? m : file + ": " + m;
}

}  // namespace policyindex::app
