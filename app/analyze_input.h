// Plain errors for the file given to `analyze`: each a sentence naming the file.
#pragma once

#include <string>

#include "common/result.h"

namespace policyindex::app {

// Checks FILE before extraction: it exists, is a regular file, is not empty, and its
// content (sniffed, not its name) is a PDF, Word (DOCX), HTML or text file. Errors are one
// plain sentence naming FILE ("FILE is a directory, not a file").
[[nodiscard]] Status check_analyze_input(const std::string& file);

// The extraction error ERROR of FILE in plain words: a corrupt PDF is "FILE is not a
// readable PDF (it may be damaged or incomplete)", an encrypted one needs its password, ...
std::string plain_extract_error(const std::string& file, const Error& error);

}  // namespace policyindex::app
