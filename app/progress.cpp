#include "app/progress.h"

#include <cstdio>
#include <iostream>

#include "app/crawl_cli.h"

namespace policyindex::app {

CliProgress::CliProgress(const ProgressStyle& style, bool quiet) : style_(style) {
  // The crawl line decides for itself (a terminal, not quiet).
  crawl_sink_ = make_crawl_progress(quiet);
  progress_.crawl = crawl_sink_.get();
  // The crawl's line ends (its sink's newline) when the crawl does.
  progress_.finished = [this](pipeline::Stage stage, const pipeline::StageCounts&) {
    if (stage == pipeline::Stage::kCrawl) {
      progress_.crawl = nullptr;
      crawl_sink_.reset();
    }
    if (line_open_) std::fprintf(stderr, "\n");
    line_open_ = false;
  };
  if (!style_.show) return;
  progress_.started = [this](pipeline::Stage stage) {
    if (style_.announce) std::cerr << style_.announce_prefix << ": " << pipeline::stage_name(stage) << "…\n";
  };
  progress_.advanced = [this](pipeline::Stage stage, const pipeline::StageCounts& c) {
    if (stage == pipeline::Stage::kExtract) {
      std::fprintf(stderr, "\r\033[Kextract: %zu/%zu  (%zu failed)", c.done, c.total, c.failed);
    } else if (stage == pipeline::Stage::kIndex) {
      if (style_.index_sections) {
        std::fprintf(stderr, "\rindex: %zu/%zu documents, %zu sections", c.done, c.total, c.sections);
      } else {
        std::fprintf(stderr, "\r\033[Kindex: %zu/%zu documents", c.done, c.total);
      }
    } else {
      return;  // the crawl's line is its sink's
    }
    std::fflush(stderr);
    line_open_ = true;
  };
}

}  // namespace policyindex::app
