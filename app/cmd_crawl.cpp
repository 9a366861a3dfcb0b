// policyindex crawl: fetch municipal pages and documents into the store.

#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "app/crawl_cli.h"
#include "corpus/corpus.h"
#include "crawler/crawler.h"

namespace policyindex::app {
namespace {

void print_text(const crawler::CrawlSummary& s) {
  std::cout << "crawl run " << s.run_id << (s.resumed ? " (resumed)" : "") << ": "
            << s.new_documents.size() << " new documents, " << s.new_versions.size()
            << " new versions, " << s.unchanged.size() << " unchanged, " << s.gone.size()
            << " gone, " << s.failed.size() << " failed, " << s.disallowed.size()
            << " disallowed, " << s.blocked.size() << " blocked; " << s.requests << " requests (" << s.conditional << " conditional, "
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
  for (const auto& o : s.blocked) std::cout << "blocked      " << o.url << ": " << o.reason << "\n";
  size_t verified = 0;
  for (const auto& c : s.site_checks) {
    if (c.verdict == corpus::SiteVerdict::kVerified) {
      ++verified;
      continue;
    }
    std::cout << "site " << corpus::to_string(c.verdict) << "  " << c.town << " " << c.url << ": "
              << c.reason << "\n";
  }
  if (!s.site_checks.empty()) {
    std::cout << "sites checked: " << s.site_checks.size() << ", verified " << verified << ", not verified "
              << s.site_checks.size() - verified << "\n";
  }
  for (const auto& h : s.parked_hosts) {
    std::cout << "parked host  " << h.host << ": " << h.reason << " (" << h.urls_skipped
              << " URLs skipped)\n";
  }
}

}  // namespace

void register_crawl(Registry& r) {
  struct Opts {
    CrawlCli cli;
    std::string format = "text";
  };
  auto o = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand("crawl", "Fetch municipal pages and documents into the store");
  add_crawl_options(sub, o->cli);
  sub->add_flag("--refresh", o->cli.options.refresh,
                "Also re-check, conditionally, every known document and stored source");
  sub->add_option("--format", o->format, "Summary format")->check(CLI::IsMember({"text", "json"}));
  Globals& g = r.globals;
  r.add(sub, [o, &g]() -> int {
    if (auto st = finish_crawl_options(o->cli); !st) {
      std::cerr << "policyindex crawl: " << st.error().message << "\n";
      return kExitUsage;
    }
    auto store = corpus::Store::open(corpus::default_data_dir(g.data_dir));
    if (!store) return fail(store.error());
    o->cli.options.handle_signals = true;
    auto progress = make_crawl_progress(g.quiet);
    auto summary = crawler::crawl(*store, o->cli.options, progress.get());
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
