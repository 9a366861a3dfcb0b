// Crawl options on the command line and the crawl progress line, shared by `crawl`,
// `refresh` and `demo`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "crawler/crawler.h"

namespace policyindex::app {

struct CrawlCli {
  crawler::CrawlOptions options;
  std::vector<std::string> seeds;
  std::string registry;
  std::string town;
  std::string now;  // --now, ISO 8601 UTC
};

// Adds --registry, --seed, --town, --max-docs, --max-pages-per-host, --concurrency, --per-host,
// --delay-ms, --depth, --max-bytes, --user-agent, --retries, --timeout-ms, --connect-timeout-ms,
// --resolve, --no-verify, --full and --now.
void add_crawl_options(CLI::App* sub, CrawlCli& cli);

// Moves --registry and --seed/--town into cli.options. Bad combinations are an
// ErrorCode::kInvalidArgument error (exit 2).
[[nodiscard]] Status finish_crawl_options(CrawlCli& cli);

// One status line on stderr, rewritten in place; null when stderr is not a terminal or
// QUIET is set.
std::unique_ptr<crawler::ProgressSink> make_crawl_progress(bool quiet);

std::string human_bytes(uint64_t bytes);

}  // namespace policyindex::app
