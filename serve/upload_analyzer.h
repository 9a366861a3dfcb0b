// The Analyzer of the web upload: pipeline::analyze_report, the same report, JSON and plain
// errors as `policyindex analyze`. A library of its own (pi_serve_upload) so that the rest of
// serve/ does not link the pipeline.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/result.h"
#include "serve/web_upload.h"

namespace policyindex::serve {

// An Analyzer over the corpus of DATA_DIR (what to borrow, models) with the taxonomy of
// TAXONOMY_FILE ("" for the built-in one), and the list of its models. Errors: the taxonomy.
struct UploadServices {
  Analyzer analyzer;
  ModelList models;
};
[[nodiscard]] Result<UploadServices> make_upload_services(const std::filesystem::path& data_dir,
                                                          const std::string& taxonomy_file);

}  // namespace policyindex::serve
