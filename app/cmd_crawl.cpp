// policyindex crawl: fetch municipal pages and documents into the store.

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "corpus/corpus.h"
#include "crawler/crawler.h"

namespace policyindex::app {
namespace {

std::string human_bytes(uint64_t b) {
  char buf[32];
  if (b >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(b) / (1ull << 30));
  else if (b >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1ull << 20));
  else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(b) / 1024);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  return buf;
}

// One status line on stderr, rewritten in place.
class TtyProgress : public crawler::ProgressSink {
 public:
  void update(const crawler::Progress& p) override {
    double rate = p.elapsed_s > 0 ? static_cast<double>(p.fetched) / p.elapsed_s : 0;
    std::string line = "fetched " + std::to_string(p.fetched) + "  stored " +
                       std::to_string(p.stored) + "  queued " + std::to_string(p.queued) +
                       "  in flight " + std::to_string(p.in_flight) + "  failed " +
                       std::to_string(p.failed) + "  " + human_bytes(p.bytes);
    char buf[32];
    std::snprintf(buf, sizeof buf, "  %.1f/s", rate);
    line += buf;
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

void print_text(const crawler::CrawlSummary& s) {
  std::cout << "crawl run " << s.run_id << (s.resumed ? " (resumed)" : "") << ": "
            << s.new_documents.size() << " new documents, " << s.new_versions.size()
            << " new versions, " << s.unchanged.size() << " unchanged, " << s.gone.size()
            << " gone, " << s.failed.size() << " failed, " << s.disallowed.size()
            << " disallowed; " << s.requests << " requests (" << s.conditional << " conditional, "
            << s.retries << " retries), " << human_bytes(s.bytes) << " in " << s.elapsed_s
            << " s\n";
  if (s.interrupted) std::cout << "interrupted: run it again to continue\n";
  if (s.limit_reached) std::cout << "stopped at --max-docs\n";
  for (const auto& o : s.new_documents) {
    std::cout << "new          " << o.url << " (" << o.doc_type << ")\n";
  }
  for (const auto& o : s.new_versions) {
    std::cout << "new version  " << o.url << " (version " << o.old_version_id.value_or(0) << " -> "
              << o.new_version_id.value_or(0) << ")\n";
  }
  for (const auto& o : s.gone) std::cout << "gone         " << o.url << "\n";
  for (const auto& o : s.failed) std::cout << "failed       " << o.url << ": " << o.reason << "\n";
  for (const auto& o : s.disallowed) std::cout << "disallowed   " << o.url << ": " << o.reason << "\n";
  for (const auto& h : s.parked_hosts) {
    std::cout << "parked host  " << h.host << ": " << h.reason << " (" << h.urls_skipped
              << " URLs skipped)\n";
  }
}

}  // namespace

void register_crawl(Registry& r) {
  struct Opts {
    crawler::CrawlOptions c;
    std::vector<std::string> seeds;
    std::string registry, town, format = "text";
  };
  auto o = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand("crawl", "Fetch municipal pages and documents into the store");
  sub->add_option("--registry", o->registry,
                  "Registry directory (municipalities.tsv with websites, sources.tsv)");
  sub->add_option("--seed", o->seeds, "A URL to start from (repeatable)");
  sub->add_option("--town", o->town,
                  "Municipality the --seed URLs belong to (default: matched by website host)");
  sub->add_option("--max-docs", o->c.max_docs, "Stop after storing this many responses (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--concurrency", o->c.concurrency, "Transfers in flight, all hosts together")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  sub->add_option("--per-host", o->c.per_host, "Transfers in flight per host")
      ->capture_default_str()->check(CLI::Range(1, 256));
  sub->add_option("--delay-ms", o->c.delay_ms, "Minimum time between requests to one host")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  sub->add_option("--depth", o->c.depth, "Link depth followed from a seed")
      ->capture_default_str()->check(CLI::Range(0, 20));
  sub->add_option("--max-bytes", o->c.max_bytes, "Largest body stored (decoded bytes)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--user-agent", o->c.user_agent, "User-Agent (default names policyindex and a contact URL)");
  sub->add_option("--retries", o->c.retries, "Retries on 5xx, 429, timeouts and resets")
      ->capture_default_str()->check(CLI::Range(0, 20));
  sub->add_option("--timeout-ms", o->c.timeout_ms, "Timeout of one whole transfer")
      ->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--connect-timeout-ms", o->c.connect_timeout_ms, "Connect timeout")
      ->capture_default_str()->check(CLI::PositiveNumber);
  sub->add_option("--resolve", o->c.resolve, "HOST:PORT:ADDRESS, as curl --resolve (repeatable)");
  sub->add_flag("--refresh", o->c.refresh,
                "Also re-check, conditionally, every known document and stored source");
  sub->add_option("--format", o->format, "Summary format")->check(CLI::IsMember({"text", "json"}));
  Globals& g = r.globals;
  r.add(sub, [o, &g]() -> int {
    if (!o->registry.empty()) o->c.registry = o->registry;
    for (const auto& s : o->seeds) o->c.seeds.push_back({s, o->town, "", "seed"});
    if (!o->town.empty() && o->seeds.empty()) {
      std::cerr << "policyindex crawl: --town needs --seed\n";
      return kExitUsage;
    }
    auto store = corpus::Store::open(corpus::default_data_dir(g.data_dir));
    if (!store) return fail(store.error());
    o->c.handle_signals = true;
    std::unique_ptr<TtyProgress> progress;
    if (!g.quiet && ::isatty(STDERR_FILENO)) progress = std::make_unique<TtyProgress>();
    auto summary = crawler::crawl(*store, o->c, progress.get());
    progress.reset();
    if (!summary) {
      if (summary.error().code == ErrorCode::kInvalidArgument) {
        std::cerr << "policyindex crawl: " << summary.error().message << "\n";
        return kExitUsage;
      }
      return fail(summary.error());
    }
    if (o->format == "json") {
      std::cout << crawler::summary_json(*summary) << "\n";
    } else {
      print_text(*summary);
    }
    return kExitOk;
  });
}

}  // namespace policyindex::app
