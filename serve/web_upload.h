// The upload of one's own policy (/analyze, /api/analyze): the form, multipart/form-data
// parsing, the limits, and the report of the file (the same report, HTML writer, JSON and
// plain errors as `policyindex analyze`). The analysis itself is injected (an Analyzer: app/
// gives pipeline::analyze_report), so serve/ knows nothing of extraction. Nothing is stored.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "query/query.h"
#include "query/report.h"
#include "serve/http_handler.h"

namespace policyindex::serve {

// One part of a multipart/form-data body.
struct FormPart {
  std::string name;          // the form field
  std::string filename;      // "" for a plain field
  std::string content_type;  // as the client said (never trusted for the type)
  std::string data;
};

// Parses BODY as multipart/form-data with the boundary of CONTENT_TYPE (RFC 7578 / 2046):
// a quoted or bare boundary of 1-70 characters, parts separated by CRLF--boundary, the
// preamble and epilogue ignored, a missing close delimiter an error. Errors are plain
// sentences (kInvalidArgument).
[[nodiscard]] Result<std::vector<FormPart>> parse_multipart(std::string_view content_type, std::string_view body);

struct UploadLimits {
  size_t max_bytes = size_t{20} << 20;     // the file; the request may be a little larger
  int max_pages = 100;                     // PDF pages past this are not read (a warning says so)
  int timeout_s = 60;                      // wall and CPU seconds of the extraction
  size_t memory_bytes = size_t{1} << 30;   // the extraction worker's memory
  size_t max_concurrent = 2;               // uploads at once; more: 503 with Retry-After
};

// What an Analyzer is given, and what it answers.
struct UploadInput {
  std::string name;   // the file's name as the user gave it (for the report; never a path)
  std::string bytes;
  std::string town, model;  // "" when not chosen
};
struct UploadReport {
  query::Report report;
  std::string json;  // the JSON of `analyze --format json` for the same file
};
// Errors are plain sentences naming the file, with the extraction's code.
using Analyzer = std::function<Result<UploadReport>(const UploadInput&, const UploadLimits&)>;
// The model documents of the corpus that a report may be compared with (names).
using ModelList = std::function<std::vector<std::string>()>;

// The upload service of one server: the analyzer, the limits and the count of uploads in
// progress. Thread-safe.
class Uploads {
 public:
  Uploads(Analyzer analyzer, ModelList models, UploadLimits limits = {});
  Uploads(const Uploads&) = delete;
  Uploads& operator=(const Uploads&) = delete;

  const UploadLimits& limits() const { return limits_; }
  // Holds one of the max_concurrent places while it lives.
  class Slot {
   public:
    explicit Slot(std::atomic<size_t>* count) : count_(count) {}
    Slot(Slot&& o) noexcept : count_(o.count_) { o.count_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (count_) count_->fetch_sub(1);
    }

   private:
    std::atomic<size_t>* count_;
  };
  // A place, or nothing when max_concurrent uploads are in progress.
  std::optional<Slot> try_acquire();
  bool full() const { return in_progress_.load() >= limits_.max_concurrent; }
  size_t in_progress() const { return in_progress_.load(); }

  Result<UploadReport> analyze(const UploadInput& input) const { return analyzer_(input, limits_); }
  std::vector<std::string> models() const { return models_ ? models_() : std::vector<std::string>(); }

 private:
  Analyzer analyzer_;
  ModelList models_;
  UploadLimits limits_;
  std::atomic<size_t> in_progress_{0};
};

// True for the targets the upload routes answer (/analyze, /api/analyze, with a query).
bool is_upload_target(std::string_view target);

// The answer when max_concurrent uploads are in progress: 503, Retry-After, a plain message
// (JSON for /api/analyze, a page for /analyze).
HttpResponse upload_busy_response(std::string_view target, const Uploads& uploads);

// Answers /analyze (GET: the form; POST: the report page) and /api/analyze (POST: the JSON
// report). Without UPLOADS the routes say uploads are off (404 page / JSON).
HttpResponse upload_route(const HttpRequest& request, Api& api, Uploads* uploads);

}  // namespace policyindex::serve
