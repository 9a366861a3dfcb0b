// policyindex refresh: what cron or a systemd timer runs every night.
//
//   lock -> baseline -> crawl (conditional) -> extract + tag -> index -> changes -> report
//
// Every step works from the catalog, so a refresh killed anywhere (kill -9 included) is
// finished by the next one: the crawl resumes its frontier, extract takes the versions not
// extracted yet, index the documents whose indexed version lags, and the change log the
// documents whose change_state lags (changes/changes.h). The steps that belong to other
// modules are the run_* functions below, one each, so that wiring them is local.
//
// Exit codes: 0 the refresh ran to the end (its summary line says "ok", or "partial" when
// some URLs or versions failed: they are listed in the report and retried next time);
// 1 it could not run or a whole step failed (the summary says "failed"; what was done is
// kept); 2 bad usage; 75 another refresh holds the lock (nothing was done).

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "app/app.h"
#include "app/crawl_cli.h"
#include "app/pipeline.h"
#include "crawler/crawler.h"
#include "index/index.h"
#include "corpus/corpus.h"
#include "provisions/provisions.h"
#include "changes/changes.h"

namespace policyindex::app {
namespace {

struct RefreshOptions {
  std::string report_path;
  std::string format;  // empty: from the report file's extension, else text
  CrawlCli crawl;      // the same crawl options as `crawl`; refresh mode is always on
};

// What the crawl step tells the report.
struct CrawlStep {
  std::optional<int64_t> run_id;
  int64_t urls = 0;
  int64_t requests = 0;
  int64_t conditional = 0;
  int64_t unchanged = 0;
  std::vector<changes::RunFailure> failures;
};

struct ExtractStep {
  int64_t extracted = 0;
  std::vector<changes::RunFailure> failures;  // versions that could not be extracted
};

struct IndexStep {
  int64_t documents = 0;
};

// ---- Steps owned by other modules ------------------------------------------------------

// The conditional re-crawl: every known document and stored source/seed, plus any new
// --seed / --registry. Per-URL failures are listed, not fatal.
Result<CrawlStep> run_crawl(corpus::Store& store, const RefreshOptions& options, bool quiet) {
  crawler::CrawlOptions c = options.crawl.options;
  c.refresh = true;
  c.handle_signals = true;
  auto progress = make_crawl_progress(quiet);
  auto summary = crawler::crawl(store, c, progress.get());
  progress.reset();
  if (!summary) return make_error(summary.error().code, "crawl: " + summary.error().message);
  CrawlStep step;
  step.run_id = summary->run_id;
  step.urls = static_cast<int64_t>(summary->new_documents.size() + summary->new_versions.size() +
                                   summary->unchanged.size() + summary->gone.size() +
                                   summary->failed.size());
  step.requests = summary->requests;
  step.conditional = summary->conditional;
  step.unchanged = static_cast<int64_t>(summary->unchanged.size());
  for (const auto& f : summary->failed) step.failures.push_back({f.url, "crawl", f.reason});
  return step;
}

// Every version not extracted by the current extractor and taxonomy: extracted, tagged and
// stored (app/pipeline.h). Per-version errors are stored and listed; only a failure of the
// whole step is an Error.
Result<ExtractStep> run_extract(corpus::Store& store, const SectionTagger& tagger, bool quiet) {
  ExtractJobOptions job;
  job.progress = !quiet && ::isatty(STDERR_FILENO);
  auto r = run_extract_job(store, tagger, job);
  if (!r) return make_error(r.error().code, "extract: " + r.error().message);
  ExtractStep step;
  step.extracted = static_cast<int64_t>(r->extracted);
  for (const auto& f : r->failures) {
    step.failures.push_back({"document " + std::to_string(f.document_id) + " version " +
                                 std::to_string(f.version_id),
                             "extract", f.error});
  }
  return step;
}

// The incremental index update: documents whose current version, status or extraction
// differs from what the index holds.
Result<IndexStep> run_index(corpus::Store& store, bool quiet) {
  index::IndexOptions options;
  if (!quiet && ::isatty(STDERR_FILENO)) {
    options.progress = [](const index::IndexProgress& p) {
      std::fprintf(stderr, "\r\033[Kindex: %zu/%zu documents", p.documents_done, p.documents_total);
      std::fflush(stderr);
    };
  }
  auto stats = index::update_index(store, options);
  if (options.progress) std::fprintf(stderr, "\n");
  if (!stats) return make_error(stats.error().code, "index: " + stats.error().message);
  IndexStep step;
  step.documents = static_cast<int64_t>(stats->documents_indexed + stats->documents_removed);
  return step;
}

// provisions::score over the taxonomy in use (--taxonomy or the built-in one), with its labels.
Result<std::unique_ptr<changes::Scoring>> make_scoring(const SectionTagger& tagger) {
  return changes::taxonomy_scoring(tagger.taxonomy_ptr());
}

// ---- Orchestration ---------------------------------------------------------------------

Result<int64_t> towns_with_documents(corpus::Catalog& catalog) {
  auto stmt = catalog.prepare(
      "SELECT count(DISTINCT municipality_id) FROM documents WHERE municipality_id IS NOT NULL");
  if (!stmt) return tl::make_unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  return stmt->int64(0);
}

Status write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return make_error(ErrorCode::kIo, tmp + ": cannot write the report");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return make_error(ErrorCode::kIo, path + ": cannot write the report");
  }
  return {};
}

// A WAL checkpoint on its own connection and thread; join() (or the destructor) waits for it.
// Best effort: an error only leaves the work to the next checkpoint.
class BackgroundCheckpoint {
 public:
  explicit BackgroundCheckpoint(std::filesystem::path catalog_path)
      : thread_([path = std::move(catalog_path)] {
          if (auto cat = corpus::Catalog::open(path)) (void)cat->exec("PRAGMA wal_checkpoint(PASSIVE)");
        }) {}
  BackgroundCheckpoint(const BackgroundCheckpoint&) = delete;
  BackgroundCheckpoint& operator=(const BackgroundCheckpoint&) = delete;
  ~BackgroundCheckpoint() { join(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

// Announces each phase on a terminal and records its wall time for the report.
class Phases {
 public:
  Phases(bool show, std::chrono::steady_clock::time_point t0, changes::RefreshReport& report)
      : show_(show), last_(t0), report_(report) {}
  // Ends the current phase (the first is "start") and begins `name`.
  void start(const char* name) {
    close();
    current_ = name;
    if (show_) std::cerr << "refresh: " << name << "…\n";
  }
  void close() {
    const auto now = std::chrono::steady_clock::now();
    report_.phase_seconds.emplace_back(current_, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  bool show_;
  std::chrono::steady_clock::time_point last_;
  changes::RefreshReport& report_;
  std::string current_ = "start";
};

int run_refresh(const Globals& globals, const RefreshOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<changes::ReportFormat> explicit_format;
  if (!options.format.empty()) {
    auto f = changes::parse_report_format(options.format);
    if (!f) return fail(f.error());
    explicit_format = *f;
  }
  const auto format = changes::report_format_for(options.report_path, explicit_format);

  auto store = corpus::Store::open(corpus::default_data_dir(globals.data_dir));
  if (!store) return fail(store.error());
  auto lock = corpus::DirLock::try_acquire(store->dir(), "refresh");
  if (!lock) {
    if (lock.error().code == ErrorCode::kBusy) {
      std::cerr << "policyindex: refresh: " << lock.error().message << "\n";
      return kExitLocked;
    }
    return fail(lock.error());
  }
  const bool progress = !globals.quiet && ::isatty(STDERR_FILENO);
  changes::RefreshReport report;
  Phases phases(progress, t0, report);
  report.started_at = corpus::now_iso8601();
  report.stale_lock_pid = lock->previous_pid();
  auto& catalog = store->catalog();
  if (auto b = changes::ensure_change_baseline(catalog); !b) return fail(b.error());
  auto tagger = SectionTagger::create(globals.taxonomy);
  if (!tagger) return fail("refresh: " + tagger.error().message);
  auto scoring = make_scoring(*tagger);
  if (!scoring) return fail("refresh: " + scoring.error().message);

  phases.start("crawl");
  if (auto c = run_crawl(*store, options, globals.quiet); c) {
    report.run_id = c->run_id;
    report.urls = c->urls;
    report.requests = c->requests;
    report.conditional = c->conditional;
    report.unchanged = c->unchanged;
    for (auto& f : c->failures) report.failures.push_back(std::move(f));
  } else {
    report.phase_errors.push_back(c.error().message);
  }
  // The crawl's catalog writes (a fetch-log row and last_checked per URL, the frontier) sit
  // in the WAL; copying them into the database file was the last thing the process did, on
  // closing the catalog (~15 ms after a no-change refresh of 5,050 URLs). A second
  // connection checkpoints them now, on the core the crawl's server side no longer uses,
  // while extract, index and changes run; PASSIVE: it waits for no reader or writer.
  BackgroundCheckpoint checkpoint(store->dir() / "catalog.sqlite");
  // Extract, index and changes run even when the crawl failed: they finish what an earlier,
  // interrupted run stored.
  phases.start("extract");
  if (auto e = run_extract(*store, *tagger, globals.quiet); e) {
    for (auto& f : e->failures) report.failures.push_back(std::move(f));
  } else {
    report.phase_errors.push_back(e.error().message);
  }
  phases.start("index");
  if (auto i = run_index(*store, globals.quiet); i) {
    report.indexed = i->documents;
  } else {
    report.phase_errors.push_back(i.error().message);
  }
  phases.start("changes");
  if (auto set = changes::compute_changes(catalog, **scoring); set) {
    if (auto st = changes::record_changes(catalog, *set, report.run_id); st) {
      report.changes = std::move(*set);
    } else {
      report.phase_errors.push_back("changes: " + st.error().message);
    }
  } else {
    report.phase_errors.push_back("changes: " + set.error().message);
  }
  if (auto towns = towns_with_documents(catalog); towns) report.towns = *towns;
  checkpoint.join();
  phases.close();

  report.finished_at = corpus::now_iso8601();
  report.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string summary = changes::summary_line(report);
  if (!options.report_path.empty()) {
    if (auto st = write_atomically(options.report_path, changes::render_report(report, format)); !st) {
      return fail(st.error());
    }
    std::cout << summary << "\n";
  } else if (format == changes::ReportFormat::kJson) {
    std::cout << changes::render_json(report);  // carries "summary"
  } else {
    std::cout << changes::render_report(report, format);
    if (format == changes::ReportFormat::kMarkdown) std::cout << "\n" << summary << "\n";
  }
  for (const auto& e : report.phase_errors) std::cerr << "policyindex: refresh: " << e << "\n";
  return report.phase_errors.empty() ? kExitOk : kExitFailure;
}

}  // namespace

void register_refresh(Registry& r) {
  auto* sub = r.app.add_subcommand(
      "refresh",
      "Re-crawl conditionally, extract and index what changed, and report what changed.\n"
      "Exit codes: 0 ran (summary 'ok' or 'partial'), 1 could not run or a step failed, "
      "2 bad usage, 75 another refresh is running.");
  auto opts = std::make_shared<RefreshOptions>();
  sub->add_option("--report", opts->report_path,
                  "Write the report to FILE (format from the extension: .json, .md, else text); "
                  "stdout then gets only the one-line summary");
  sub->add_option("--format", opts->format, "Report format: text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown", "md"}));
  add_crawl_options(sub, opts->crawl);
  Globals& globals = r.globals;
  r.add(sub, [&globals, opts] {
    if (auto st = finish_crawl_options(opts->crawl); !st) {
      std::cerr << "policyindex refresh: " << st.error().message << "\n";
      return kExitUsage;
    }
    return run_refresh(globals, *opts);
  });
}

}  // namespace policyindex::app
