// policyindex refresh: what cron or a systemd timer runs every night. The job is
// pipeline::run_refresh (lock -> baseline -> crawl (conditional) -> extract + tag -> index ->
// changes); this prints its report.
//
// Exit codes: 0 the refresh ran to the end (its summary line says "ok", or "partial" when
// some URLs or versions failed: they are listed in the report and retried next time);
// 1 it could not run or a whole step failed (the summary says "failed"; what was done is
// kept); 2 bad usage; 75 another refresh holds the lock (nothing was done).

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/app.h"
#include "app/crawl_cli.h"
#include "app/progress.h"
#include "corpus/corpus.h"
#include "pipeline/pipeline.h"
#include "changes/changes.h"

namespace policyindex::app {
namespace {

struct RefreshOptions {
  std::string report_path;
  std::string format;  // empty: from the report file's extension, else text
  CrawlCli crawl;      // the same crawl options as `crawl`; refresh mode is always on
};

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

int run_refresh(const Globals& globals, const RefreshOptions& options) {
  std::optional<changes::ReportFormat> explicit_format;
  if (!options.format.empty()) {
    auto f = changes::parse_report_format(options.format);
    if (!f) return fail(f.error());
    explicit_format = *f;
  }
  const auto format = changes::report_format_for(options.report_path, explicit_format);

  ProgressStyle style;
  style.show = !globals.quiet && ::isatty(STDERR_FILENO);
  style.announce = true;
  CliProgress progress(style, globals.quiet);
  pipeline::RefreshOptions job;
  job.crawl = options.crawl.options;
  job.crawl.handle_signals = true;
  job.taxonomy = globals.taxonomy;
  auto result = pipeline::run_refresh(corpus::default_data_dir(globals.data_dir), job, progress.get());
  if (!result) {
    if (result.error().code == ErrorCode::kBusy) {
      std::cerr << "policyindex: refresh: " << result.error().message << "\n";
      return kExitLocked;
    }
    return fail(result.error());
  }
  const changes::RefreshReport& report = *result;
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
