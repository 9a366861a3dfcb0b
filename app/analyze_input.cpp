#include "app/analyze_input.h"

#include <filesystem>
#include <fstream>

#include "pipeline/analyze_report.h"

namespace policyindex::app {

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
  // The checks of the content are shared with the web upload (pipeline/analyze_report.h).
  return pipeline::check_analyze_bytes(file, head);
}

}  // namespace policyindex::app
