// The frontier: per-host queues served round-robin, with politeness (at most `per_host`
// transfers in flight per host, `delay_ms` between two starts on a host, raised by a
// robots.txt Crawl-delay), robots.txt rules checked before a URL starts, retries held back
// for their backoff, the --max-docs budget, and hosts parked after repeated failures.
//
// The frontier decides *what* may start now; the crawl (its Dispatcher) starts it. It runs
// on the crawl's loop thread only. Private to crawler/.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "crawler/clock.h"
#include "crawler/crawler.h"
#include "crawler/internal.h"
#include "crawler/records.h"

namespace policyindex::crawler {

enum class RobotsState { kUnknown, kFetching, kReady, kUnreachable };

struct Host {
  std::string origin;  // scheme://host[:port]
  std::string name;    // host name, for same-site tests
  std::deque<Item> queue;
  std::vector<Item> delayed;  // retries waiting for their backoff
  int in_flight = 0;
  Clock::TimePoint next_start{};
  RobotsState robots_state = RobotsState::kUnknown;
  Robots robots = Robots::allow_all();
  int delay_ms = 0;
  int consecutive_failures = 0;
  bool parked = false;
  std::string park_reason;
  int64_t skipped = 0;
  bool seed_host = false;  // read the sitemaps robots.txt names
  std::optional<int64_t> municipality_id;
};

// What the frontier asks of the crawl.
class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  // True while another transfer may start (all hosts together).
  virtual bool has_capacity() const = 0;
  // True when --max-docs is used up (stored and in flight).
  virtual bool budget_spent() const = 0;
  // Starts the host's robots.txt request (the host's state is kFetching).
  virtual void fetch_robots(Host& h) = 0;
  // Starts the item's request (the frontier has counted it in flight on the host).
  virtual void start(Host& h, Item it) = 0;
  // The item will not be fetched: disallowed by robots.txt, its host parked, a bad URL.
  virtual void drop(Item it, Disposition d, corpus::FetchOutcome outcome, std::string reason) = 0;
};

class Frontier {
 public:
  // `options` and `dispatcher` must outlive the frontier.
  Frontier(const CrawlOptions& options, Dispatcher& dispatcher) : opts_(options), d_(dispatcher) {}
  Frontier(const Frontier&) = delete;
  Frontier& operator=(const Frontier&) = delete;

  // URLs queued or done in this run (redirect targets included).
  bool seen(const std::string& url) const { return seen_.count(url) != 0; }
  void mark_seen(const std::string& url) { seen_.insert(url); }
  void reserve(size_t n) { seen_.reserve(seen_.size() + n); }

  // The host of a URL, made on first use.
  Host& host_of(const Url& u);
  // Queues an item on its host (the caller has checked seen() or owns the URL). A URL that
  // does not parse is dropped as failed.
  void enqueue(Item it);
  // Queues a redirected item at the front of its (new) host's queue.
  void requeue_front(Host& h, Item it);
  // Holds a retry back until `it.not_before`.
  void retry_later(Host& h, Item it) { h.delayed.push_back(std::move(it)); }

  // Starts what may start now, by the rules above, through the dispatcher; returns when
  // something held back (a host's delay, a retry's backoff) may start next.
  std::optional<Clock::TimePoint> schedule(Clock::TimePoint now);

  // A request starts on the host now: counted in flight, the next start held back by the
  // host's delay.
  void started(Host& h, Clock::TimePoint now);
  void ended(Host& h) { --h.in_flight; }

  // Host failures: consecutive ones park the host at --host-failure-limit (its queue is
  // dropped as failed); any other answer resets the count.
  void count_failure(Host& h) { ++h.consecutive_failures; }
  void reset_failures(Host& h) { h.consecutive_failures = 0; }
  void park_if_failing(Host& h, const std::string& last_reason);
  void park(Host& h, std::string reason);

  // True when --max-docs held a URL back.
  bool limit_reached() const { return limit_reached_; }
  // True while something is queued that may still start (retries count even at the limit).
  bool has_work() const;

  // Queued URLs (retries waiting included), for progress.
  int64_t queued() const;
  // Hosts with the most work left: (origin, queued + in flight), largest first, at most n.
  std::vector<std::pair<std::string, int64_t>> stragglers(size_t n) const;
  std::vector<ParkedHost> parked_hosts() const;

 private:
  void drain_parked(Host& h);

  const CrawlOptions& opts_;
  Dispatcher& d_;
  std::map<std::string, std::unique_ptr<Host>, std::less<>> hosts_;  // by origin
  std::vector<Host*> order_;  // round-robin order (first seen first)
  size_t rr_ = 0;
  std::unordered_set<std::string> seen_;
  int64_t queued_ = 0;  // in host queues (not delayed)
  bool limit_reached_ = false;
};

}  // namespace policyindex::crawler
