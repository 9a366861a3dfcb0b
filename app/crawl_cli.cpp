#include "app/crawl_cli.h"

#include <unistd.h>

#include <cstdio>

#include "corpus/revisit.h"

namespace policyindex::app {
namespace {

class TtyProgress : public crawler::ProgressSink {
 public:
  void update(const crawler::Progress& p) override {
    double rate = p.elapsed_s > 0 ? static_cast<double>(p.fetched) / p.elapsed_s : 0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "  %.1f/s", rate);
    std::string line = "fetched " + std::to_string(p.fetched) + "  stored " +
                       std::to_string(p.stored) + "  queued " + std::to_string(p.queued) +
                       "  in flight " + std::to_string(p.in_flight) + "  failed " +
                       std::to_string(p.failed) + "  " + human_bytes(p.bytes) + buf;
    if (!p.stragglers.empty()) {
      line += "  busiest:";
      for (const auto& [host, n] : p.stragglers) line += " " + host + "(" + std::to_string(n) + ")";
    }
    if (line.size() > 160) line.resize(160);
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    shown_ = true;
  }
  ~TtyProgress() override {
    if (shown_) std::fprintf(stderr, "\n");
  }

 private:
  bool shown_ = false;
};

}  // namespace

std::string human_bytes(uint64_t b) {
  char buf[32];
  if (b >= (1ull << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(b) / (1ull << 30));
  } else if (b >= (1ull << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1ull << 20));
  } else if (b >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(b) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  }
  return buf;
}

void add_crawl_options(CLI::App* sub, CrawlCli& cli) {
  auto& c = cli.options;
  sub->add_option("--registry", cli.registry,
                  "Registry directory (municipalities.tsv with websites, sources.tsv)");
  sub->add_option("--seed", cli.seeds, "A URL to start from (repeatable; kept for later refreshes)");
  sub->add_flag_callback(
      "--no-verify", [&cli] { cli.options.verify_sites = false; },
      "Crawl registry websites whose home page does not name the town and Massachusetts "
      "(the verdict is still recorded)");
  sub->add_option("--town", cli.town,
                  "Municipality the --seed URLs belong to (default: matched by website host)");
  sub->add_option("--max-docs", c.max_docs, "Stop after storing this many responses (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--max-pages-per-host", c.max_pages_per_host,
                  "Pages followed per host in one run, best first (0: no limit)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  sub->add_option("--concurrency", c.concurrency,
                  "Transfers in flight, all hosts together. A statewide crawl of hundreds of "
                  "hosts, each allowed one request per --delay-ms, needs about one transfer "
                  "per busy host (hosts x response time / delay) to keep every host at its pace")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  sub->add_option("--per-host", c.per_host, "Transfers in flight per host")
      ->capture_default_str()->check(CLI::Range(1, 256));
  sub->add_option("--delay-ms", c.delay_ms, "Minimum time between requests to one host")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  sub->add_option("--depth", c.depth, "Link depth followed from a seed")
      ->capture_default_str()->check(CLI::Range(0, 20));
  sub->add_option("--max-bytes", c.max_bytes, "Largest body stored (decoded bytes)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--user-agent", c.user_agent,
                  "User-Agent (default names policyindex and a contact URL)");
  sub->add_option("--retries", c.retries, "Retries on 5xx, 429, timeouts and resets")
      ->capture_default_str()->check(CLI::Range(0, 20));
  sub->add_option("--timeout-ms", c.timeout_ms, "Timeout of one whole transfer")
      ->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--connect-timeout-ms", c.connect_timeout_ms, "Connect timeout")
      ->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--resolve", c.resolve, "HOST:PORT:ADDRESS, as curl --resolve (repeatable)");
  sub->add_flag("--full", c.revisit.full,
                "Refresh: re-check every known document now, not only those due (adaptive revisit)");
  sub->add_option("--now", cli.now,
                  "Schedule revisits as if it were this time (YYYY-MM-DDTHH:MM:SSZ; simulations)");
}

Status finish_crawl_options(CrawlCli& cli) {
  if (!cli.town.empty() && cli.seeds.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "--town needs --seed");
  }
  if (!cli.now.empty()) {
    auto t = corpus::unix_from_iso8601(cli.now);
    if (!t) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--now: '" + cli.now + "' is not a UTC time like 2026-12-07T03:15:00Z");
    }
    cli.options.revisit.now_s = *t;
  }
  if (!cli.registry.empty()) cli.options.registry = cli.registry;
  for (const auto& s : cli.seeds) cli.options.seeds.push_back({s, cli.town, "", "seed"});
  return {};
}

std::unique_ptr<crawler::ProgressSink> make_crawl_progress(bool quiet) {
  if (quiet || !::isatty(STDERR_FILENO)) return nullptr;
  return std::make_unique<TtyProgress>();
}

}  // namespace policyindex::app
