// The analyze job: one local file extracted (in a worker process, like every extraction),
// its sections tagged and scored on the seven questions. Nothing is stored.

#include <fstream>
#include <sstream>
#include <thread>

#include "pipeline/pipeline.h"

namespace policyindex::pipeline {

Result<Analysis> analyze_file(const std::string& file, const SectionTagger& tagger,
                              const AnalyzeOptions& options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, file + ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return analyze_bytes(file, bytes.str(), tagger, options);
}

Result<Analysis> analyze_bytes(const std::string& file, std::string_view bytes, const SectionTagger& tagger,
                               const AnalyzeOptions& options) {
  extract::Options extract_options;
  extract_options.ocr = options.ocr;
  extract_options.max_pages = options.max_pages;
  extract_options.ocr_threads =
      options.ocr_threads > 0 ? options.ocr_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  extract::Limits limits;
  limits.wall_seconds = options.timeout_s;
  limits.cpu_seconds = options.timeout_s;
  limits.memory_bytes = options.memory_bytes;
  auto doc = extract::extract_isolated(bytes, extract_options, limits);
  if (!doc) return make_error(doc.error().code, file + ": " + doc.error().message);

  Analysis out;
  out.file = file;
  out.document = std::move(*doc);
  out.tags.reserve(out.document.sections.size());
  for (const extract::Section& s : out.document.sections) out.tags.push_back(tagger.tag_raw(s));
  std::vector<provisions::TaggedSection> for_score;
  for (size_t i = 0; i < out.document.sections.size(); ++i) {
    const extract::Section& s = out.document.sections[i];
    for_score.push_back({s.number.empty() ? s.key : s.number, s.heading, s.page, &out.tags[i]});
  }
  out.scorecard = provisions::score(tagger.taxonomy(), provisions::scored_hits(file, for_score));
  // The file's standing is reported beside its provisions; it never removes them (analyze
  // scores what the file says, whatever its status).
  size_t hits = 0;
  for (const auto& t : out.tags) hits += t.hits.size();
  out.standing = document_standing(out.document, hits);
  return out;
}

}  // namespace policyindex::pipeline
