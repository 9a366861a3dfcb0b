// The stages as jobs with progress: crawl, index, and the three chained (crawl -> extract ->
// index). The extract job is pipeline/extract_job.cpp, refresh pipeline/refresh.cpp.

#include "pipeline/pipeline.h"

namespace policyindex::pipeline {
namespace {

// The crawler's progress, told to the observer as Stage::kCrawl and passed on to its sink.
class CrawlForward : public crawler::ProgressSink {
 public:
  explicit CrawlForward(const Progress& progress) : progress_(progress) {}
  void update(const crawler::Progress& p) override {
    if (progress_.crawl) progress_.crawl->update(p);
    if (progress_.advanced) {
      const auto n = [](int64_t v) { return static_cast<size_t>(std::max<int64_t>(v, 0)); };
      progress_.advanced(Stage::kCrawl,
                         {n(p.fetched), n(p.fetched + p.queued + p.in_flight), n(p.failed), 0});
    }
  }

 private:
  const Progress& progress_;
};

StageCounts crawl_counts(const crawler::CrawlSummary& s) {
  const size_t urls = s.new_documents.size() + s.new_versions.size() + s.unchanged.size() +
                      s.gone.size() + s.failed.size() + s.disallowed.size() +
                      s.blocked.size();
  return {urls, urls, s.failed.size(), 0};
}

}  // namespace

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::kCrawl: return "crawl";
    case Stage::kExtract: return "extract";
    case Stage::kIndex: return "index";
    case Stage::kChanges: return "changes";
  }
  return "?";
}

Result<crawler::CrawlSummary> run_crawl(corpus::Store& store, const crawler::CrawlOptions& options,
                                        const Progress* progress) {
  if (!progress) return crawler::crawl(store, options, nullptr);
  if (progress->started) progress->started(Stage::kCrawl);
  CrawlForward forward(*progress);
  auto summary = crawler::crawl(store, options, &forward);
  if (progress->finished) {
    progress->finished(Stage::kCrawl, summary ? crawl_counts(*summary) : StageCounts{});
  }
  return summary;
}

Result<index::IndexStats> run_index(corpus::Store& store, const index::IndexOptions& options,
                                    const Progress* progress) {
  if (!progress) return index::update_index(store, options);
  if (progress->started) progress->started(Stage::kIndex);
  index::IndexOptions o = options;
  StageCounts last;
  o.progress = [&](const index::IndexProgress& p) {
    last = {p.documents_done, p.documents_total, 0, p.sections_added};
    if (options.progress) options.progress(p);
    if (progress->advanced) progress->advanced(Stage::kIndex, last);
  };
  auto stats = index::update_index(store, o);
  if (stats) {
    last.done = stats->documents_indexed + stats->documents_removed;
    last.sections = stats->sections_added;
    last.total = std::max(last.total, last.done);
  }
  if (progress->finished) progress->finished(Stage::kIndex, last);
  return stats;
}

Result<BuildResult> run_build(corpus::Store& store, const SectionTagger& tagger,
                              const BuildOptions& options, const Progress* progress) {
  BuildResult out;
  auto crawled = run_crawl(store, options.crawl, progress);
  if (!crawled) return make_error(crawled.error().code, "crawl: " + crawled.error().message);
  out.crawl = std::move(*crawled);
  auto extracted = run_extract(store, tagger, options.extract, progress);
  if (!extracted) return make_error(extracted.error().code, "extract: " + extracted.error().message);
  out.extract = std::move(*extracted);
  auto indexed = run_index(store, options.index, progress);
  if (!indexed) return make_error(indexed.error().code, "index: " + indexed.error().message);
  out.index = *indexed;
  return out;
}

}  // namespace policyindex::pipeline
