// The crawl: wires the parts together and runs them on the engine's loop. Setup and resume
// (setup.cpp) fill the frontier; the frontier decides what starts (frontier.h); the engine
// fetches (engine.h); the response policy says what a response means (response_policy.h);
// links are followed (follow.h); results go to the sink, which writes blobs and commits
// (sink.h). Private to crawler/; crawler.h's crawl() is the public entry.
#pragma once

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "corpus/crawl_ledger.h"
#include "crawler/clock.h"
#include "crawler/crawler.h"
#include "crawler/engine.h"
#include "crawler/frontier.h"
#include "crawler/records.h"
#include "crawler/response_policy.h"
#include "crawler/revisit.h"
#include "crawler/sink.h"

namespace policyindex::crawler {

// crawl() with its seams given: `engine` (owned; destroyed when the loop has ended) and
// `clock` (the engine's time; must outlive the call). Options are not checked here.
[[nodiscard]] Result<CrawlSummary> run_crawl(corpus::Store& store, const CrawlOptions& options,
                                             ProgressSink* progress, std::unique_ptr<Engine> engine,
                                             const Clock& clock);

class Crawl final : private Dispatcher {
 public:
  Crawl(corpus::Store& store, const CrawlOptions& options, ProgressSink* progress,
        std::unique_ptr<Engine> engine, const Clock& clock);
  ~Crawl() override;
  Crawl(const Crawl&) = delete;
  Crawl& operator=(const Crawl&) = delete;

  Result<CrawlSummary> run();

 private:
  // -- setup (setup.cpp) ----------------------------------------------------------------
  Status prepare_run();
  // A resumed run's registry websites (setup.cpp): the verdicts `run` recorded hold; the
  // websites it fetched without one (`fetched`) are fetched again and checked.
  Status resume_site_checks(int64_t run, const std::unordered_set<std::string>& websites,
                            std::vector<Item> fetched);

  // -- the loop (crawl.cpp) -------------------------------------------------------------
  // Dispatcher
  bool has_capacity() const override { return in_flight_ < opts_.concurrency; }
  bool budget_spent() const override {
    return opts_.max_docs > 0 && ok_count_ + docs_in_flight_ >= opts_.max_docs;
  }
  void fetch_robots(Host& h) override;
  void start(Host& h, Item it) override;
  void drop(Item it, Disposition d, corpus::FetchOutcome outcome, std::string reason) override;

  void pump();
  void maybe_done();
  void tick();
  HttpRequest base_request(const std::string& url) const;
  void robots_done(Host& h, const std::string& body, HttpResponse r, Clock::TimePoint start);
  void on_done(Host& h, Item it, HttpResponse r, Body& body, bool conditional);
  std::optional<std::string> platform_guard(const Item& it);
  // The key of platform_requests_: "adapter\ttown id" ("-" for no town).
  static std::string platform_key(std::string_view adapter, std::optional<int64_t> town);
  void platform_done(Item& it, const HttpResponse& r, Body& body, Finished& f);
  void retry_or_fail(Host& h, Item it, const HttpResponse& r, const Verdict& v,
                     corpus::FetchRecord log);
  void redirect(Item it, const HttpResponse& r, corpus::FetchRecord log);
  void finish(Finished f);
  Finished failed(Item it, Disposition d, corpus::FetchOutcome outcome, std::string reason);
  void collect();
  Progress snapshot() const;

  // -- registry website checks (verify.cpp) --------------------------------------------
  // Checks a registry website's home page (it.verify) and records the verdict in `f`; true
  // when its links may be followed (verified, or --no-verify).
  bool check_home_page(const Item& it, std::string_view bytes, bool html, Finished& f);
  // The verdict of a registry website that was not read: blocked or unreachable.
  void note_site_not_read(Finished& f);
  // Why an item on host `h` is not crawled (its site failed its check); empty when it is.
  std::string not_verified(const Host& h, const Item& it) const;
  double seconds_since_start() const;

  corpus::Store& store_;
  corpus::CrawlLedger ledger_;
  const CrawlOptions& opts_;
  ProgressSink* progress_;
  std::unique_ptr<Engine> engine_;
  const Clock& clock_;
  std::mt19937_64 rng_;
  std::string ua_, agent_token_;

  CrawlSummary summary_;
  Clock::TimePoint started_{};
  KnownMap known_;  // by URL; read-only during the run (the commit thread reads it too)
  RunStart start_;  // the run's first transaction, for the sink
  Revisit revisit_;  // which known documents are due; their schedules (the commit thread's)
  Frontier frontier_;
  Sink sink_;

  std::optional<Clock::TimePoint> wake_at_;
  int in_flight_ = 0;
  int64_t docs_in_flight_ = 0;
  int64_t ok_count_ = 0;
  int64_t fetched_ = 0, failed_ = 0, stored_ = 0;
  uint64_t bytes_ = 0;
  // Requests started per platform adapter and town ("adapter\ttown id"): the guard against
  // listings that never end. A resumed run starts from the requests its run has done.
  std::unordered_map<std::string, int> platform_requests_;
  bool stopping_ = false;
  std::optional<Error> fatal_;
  std::unordered_map<int64_t, std::string> town_names_;      // by municipality id
  std::unordered_map<std::string, std::string> unverified_;  // origin -> why not crawled
};

}  // namespace policyindex::crawler
