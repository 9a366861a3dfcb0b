// The refresh job: lock -> baseline -> crawl (conditional) -> extract + tag -> index ->
// changes -> report (pipeline.h). The stages that fail are recorded in the report and the
// next stages run anyway: they finish what an earlier, interrupted run stored.

#include <chrono>
#include <thread>

#include "corpus/job_state.h"
#include "pipeline/pipeline.h"

namespace policyindex::pipeline {
namespace {

// A WAL checkpoint on its own connection and thread; join() (or the destructor) waits for it.
class BackgroundCheckpoint {
 public:
  explicit BackgroundCheckpoint(std::filesystem::path catalog_path)
      : thread_([path = std::move(catalog_path)] { corpus::checkpoint_wal(path); }) {}
  BackgroundCheckpoint(const BackgroundCheckpoint&) = delete;
  BackgroundCheckpoint& operator=(const BackgroundCheckpoint&) = delete;
  ~BackgroundCheckpoint() { join(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

// Records each phase's wall time for the report.
class Phases {
 public:
  Phases(std::chrono::steady_clock::time_point t0, changes::RefreshReport& report)
      : last_(t0), report_(report) {}
  // Ends the current phase (the first is "start") and begins `name`.
  void start(Stage stage) {
    close();
    current_ = std::string(stage_name(stage));
  }
  void close() {
    const auto now = std::chrono::steady_clock::now();
    report_.phase_seconds.emplace_back(current_, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  std::chrono::steady_clock::time_point last_;
  changes::RefreshReport& report_;
  std::string current_ = "start";
};

// The conditional re-crawl: every known document and stored source/seed, plus any new
// seeds or registry. Per-URL failures are listed, not fatal.
void crawl_stage(corpus::Store& store, const RefreshOptions& options, const Progress* progress,
                 changes::RefreshReport& report) {
  crawler::CrawlOptions c = options.crawl;
  c.refresh = true;
  auto summary = run_crawl(store, c, progress);
  if (!summary) {
    report.phase_errors.push_back("crawl: " + summary.error().message);
    return;
  }
  report.run_id = summary->run_id;
  report.urls = static_cast<int64_t>(summary->new_documents.size() + summary->new_versions.size() +
                                     summary->unchanged.size() + summary->gone.size() +
                                     summary->failed.size());
  report.requests = summary->requests;
  report.conditional = summary->conditional;
  report.unchanged = static_cast<int64_t>(summary->unchanged.size());
  for (const auto& f : summary->failed) report.failures.push_back({f.url, "crawl", f.reason});
}

// Every version not extracted by the current extractor and taxonomy. Per-version errors
// are stored and listed; only a failure of the whole stage is a phase error.
void extract_stage(corpus::Store& store, const SectionTagger& tagger, const Progress* progress,
                   changes::RefreshReport& report) {
  auto r = run_extract(store, tagger, ExtractOptions{}, progress);
  if (!r) {
    report.phase_errors.push_back("extract: " + r.error().message);
    return;
  }
  for (const auto& f : r->failures) {
    report.failures.push_back({"document " + std::to_string(f.document_id) + " version " +
                                   std::to_string(f.version_id),
                               "extract", f.error});
  }
}

// The incremental index update: documents whose current version, status or extraction
// differs from what the index holds.
void index_stage(corpus::Store& store, const Progress* progress, changes::RefreshReport& report) {
  auto stats = run_index(store, index::IndexOptions{}, progress);
  if (!stats) {
    report.phase_errors.push_back("index: " + stats.error().message);
    return;
  }
  report.indexed = static_cast<int64_t>(stats->documents_indexed + stats->documents_removed);
}

// The change log: what changed in which document and section since the last report.
void changes_stage(corpus::Catalog& catalog, const changes::Scoring& scoring,
                   const Progress* progress, changes::RefreshReport& report) {
  if (progress && progress->started) progress->started(Stage::kChanges);
  auto set = changes::compute_changes(catalog, scoring);
  if (set) {
    if (auto st = changes::record_changes(catalog, *set, report.run_id); st) {
      report.changes = std::move(*set);
    } else {
      report.phase_errors.push_back("changes: " + st.error().message);
    }
  } else {
    report.phase_errors.push_back("changes: " + set.error().message);
  }
  if (progress && progress->finished) {
    const size_t n = report.changes.documents.size();
    progress->finished(Stage::kChanges, {n, n, 0, 0});
  }
}

}  // namespace

Result<changes::RefreshReport> run_refresh(const std::filesystem::path& data_dir,
                                         const RefreshOptions& options, const Progress* progress) {
  const auto t0 = std::chrono::steady_clock::now();
  auto store = corpus::Store::open(data_dir);
  if (!store) return tl::make_unexpected(store.error());
  auto lock = corpus::DirLock::try_acquire(store->dir(), "refresh");
  if (!lock) return tl::make_unexpected(lock.error());
  changes::RefreshReport report;
  Phases phases(t0, report);
  report.started_at = corpus::now_iso8601();
  report.stale_lock_pid = lock->previous_pid();
  auto& catalog = store->catalog();
  if (auto b = changes::ensure_change_baseline(catalog); !b) return tl::make_unexpected(b.error());
  auto tagger = SectionTagger::create(options.taxonomy);
  if (!tagger) return make_error(tagger.error().code, "refresh: " + tagger.error().message);
  // provisions::score over the taxonomy in use, with its labels.
  std::unique_ptr<changes::Scoring> scoring = changes::taxonomy_scoring(tagger->taxonomy_ptr());
  if (!scoring) return make_error(ErrorCode::kInternal, "refresh: no scoring for the taxonomy");

  phases.start(Stage::kCrawl);
  crawl_stage(*store, options, progress, report);
  // The crawl's catalog writes (a fetch-log row and last_checked per URL, the frontier) sit
  // in the WAL; copying them into the database file was the last thing the process did, on
  // closing the catalog (~15 ms after a no-change refresh of 5,050 URLs). A second
  // connection checkpoints them now, on the core the crawl's server side no longer uses,
  // while extract, index and changes run; PASSIVE: it waits for no reader or writer.
  BackgroundCheckpoint checkpoint(store->dir() / "catalog.sqlite");
  // Extract, index and changes run even when the crawl failed: they finish what an earlier,
  // interrupted run stored.
  phases.start(Stage::kExtract);
  extract_stage(*store, *tagger, progress, report);
  phases.start(Stage::kIndex);
  index_stage(*store, progress, report);
  phases.start(Stage::kChanges);
  changes_stage(catalog, *scoring, progress, report);
  if (auto towns = corpus::towns_with_documents(catalog); towns) report.towns = *towns;
  checkpoint.join();
  phases.close();

  report.finished_at = corpus::now_iso8601();
  report.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace policyindex::pipeline
