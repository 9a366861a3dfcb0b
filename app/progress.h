// The command line's progress display for pipeline jobs (pipeline/pipeline.h): status lines
// on stderr, rewritten in place, on a terminal only.
#pragma once

#include <memory>
#include <string>

#include "pipeline/pipeline.h"

namespace policyindex::app {

// How a command shows its stages.
struct ProgressStyle {
  bool show = false;          // a terminal and no --quiet; nothing is shown otherwise
  bool announce = false;      // "refresh: crawl…" on a line of its own as each stage starts
  std::string announce_prefix = "refresh";
  bool index_sections = false;  // the index line counts sections ("index" command)
};

// A Progress printing to stderr in STYLE; its crawl sink is the crawl status line
// (crawl_cli.h) when shown. Keeps what it points to alive.
class CliProgress {
 public:
  CliProgress(const ProgressStyle& style, bool quiet);
  CliProgress(const CliProgress&) = delete;
  CliProgress& operator=(const CliProgress&) = delete;
  const pipeline::Progress* get() const { return &progress_; }

 private:
  ProgressStyle style_;
  std::unique_ptr<crawler::ProgressSink> crawl_sink_;
  pipeline::Progress progress_;
  bool line_open_ = false;  // a status line waits for its newline
};

}  // namespace policyindex::app
