// Plain errors for the file given to `analyze`: each a sentence naming the file. The checks
// of the content and the extraction errors are shared with the web upload
// (pipeline/analyze_report.h); this adds what only a path can get wrong.
#pragma once

#include <string>

#include "common/result.h"

namespace policyindex::app {

// Checks FILE before extraction: it exists, is a regular file, is not empty, and its
// content (sniffed, not its name) is a PDF, Word (DOCX), HTML or text file. Errors are one
// plain sentence naming FILE ("FILE is a directory, not a file").
[[nodiscard]] Status check_analyze_input(const std::string& file);

}  // namespace policyindex::app
