// The frontier: per-host queues, each best first (by relevance, then depth, then discovery
// order); when transfer slots are scarce, the hosts with the most politeness-bound time
// left (queued requests x delay) start first, ties in the order they became ready
// (round-robin when there is no delay); with politeness (at most `per_host`
// transfers in flight per host, `delay_ms` between two starts on a host, raised by a
// robots.txt Crawl-delay), robots.txt rules checked before a URL starts, retries held back
// for their backoff, the --max-docs budget, the per-host page budget
// (--max-pages-per-host), and hosts parked after repeated failures. It also keeps what the
// link policy needs to remember during a run: the towns' own hosts (SiteMap), the URL
// variants admitted per pattern (calendar and facet traps), and the hosts whose paths are
// case-insensitive (IIS), whose URLs are deduplicated with the path lower-cased.
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
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "crawler/clock.h"
#include "crawler/crawler.h"
#include "crawler/internal.h"
#include "crawler/records.h"

namespace policyindex::crawler {

enum class RobotsState { kUnknown, kFetching, kReady, kUnreachable };

// The relevance that puts an item ahead of every discovered link (seeds, registry sources).
inline constexpr int kRelevanceSeed = 1000000;
// Sitemaps (from robots.txt, nested in an index) wait behind the links with policy words:
// their entries are kept only for policy words in the URL, which links usually show first.
inline constexpr int kRelevanceSitemap = 0;

// A host's queued items, best first: larger relevance, then smaller depth, then the order
// they were queued in. Items pushed to the front (redirect hops, retries whose backoff is
// over) go before all of them, last pushed first.
class HostQueue {
 public:
  void push(Item it, int relevance);
  void push_front(Item it) { front_.push_front(std::move(it)); }
  bool empty() const { return front_.empty() && heap_.empty(); }
  size_t size() const { return front_.size() + heap_.size(); }
  const Item& top() const { return front_.empty() ? heap_.front().item : front_.front(); }
  Item pop();

 private:
  struct Entry {
    int relevance;
    int depth;
    uint64_t seq;
    Item item;
  };
  // std::push_heap's "less": the entry served later.
  static bool later(const Entry& a, const Entry& b) {
    if (a.relevance != b.relevance) return a.relevance < b.relevance;
    if (a.depth != b.depth) return a.depth > b.depth;
    return a.seq > b.seq;
  }
  std::deque<Item> front_;
  std::vector<Entry> heap_;
  uint64_t seq_ = 0;
};

struct Host {
  std::string origin;  // scheme://host[:port]
  std::string name;    // host name, for same-site tests
  HostQueue queue;
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
  int64_t pages_started = 0;  // pages (not documents, sitemaps or robots.txt) started
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

  // URLs queued or done in this run (redirect targets included). On a case-insensitive
  // (IIS) host, spellings that differ only in the case of the path are one URL.
  bool seen(const std::string& url) const;
  void mark_seen(const std::string& url);
  void reserve(size_t n) { seen_.reserve(seen_.size() + n); }

  // Marks `host` as serving case-insensitive paths (an IIS "Server" header, .aspx pages);
  // URLs ending in .aspx, .asp, .ashx or .axd mark their host when they are seen.
  void mark_case_insensitive(std::string_view host);
  bool case_insensitive(std::string_view host) const;

  // The towns' own hosts, for the link policy (filled at setup).
  SiteMap& sites() { return sites_; }
  const SiteMap& sites() const { return sites_; }

  // Counts a discovered URL against the cap of its variant pattern (variant_pattern): a
  // date-trap URL (is_date_trap) or one with 3+ query parameters (a facet) is admitted at
  // most kMaxDateVariants times per pattern, other URLs with a query kMaxQueryVariants
  // times per pattern, and every query variant of one path kMaxVariantsPerPath times.
  // Returns false, counting nothing, when a cap is reached.
  static constexpr int kMaxDateVariants = 6;
  static constexpr int kMaxQueryVariants = 30;
  static constexpr int kMaxVariantsPerPath = 60;
  bool admit_variant(const Url& u);

  // The host of a URL, made on first use.
  Host& host_of(const Url& u);
  // Queues an item on its host (the caller has checked seen() or owns the URL) with its
  // relevance (link_relevance; larger first). Without one, seeds and sources come first,
  // then sitemaps, then by the URL's and anchor's own words. A URL that does not parse is
  // dropped as failed.
  void enqueue(Item it, int relevance);
  void enqueue(Item it);
  static int default_relevance(const Item& it);
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
  static int64_t remaining_ms(const Host& h);

  const CrawlOptions& opts_;
  Dispatcher& d_;
  std::map<std::string, std::unique_ptr<Host>, std::less<>> hosts_;  // by origin
  std::vector<Host*> order_;  // round-robin order (first seen first)
  std::vector<Host*> ready_;  // schedule()'s hosts that may start now (kept for its capacity)
  size_t rr_ = 0;
  std::unordered_set<std::string> seen_;
  std::unordered_set<std::string> folded_;      // seen URLs with the path lower-cased
  std::unordered_set<std::string> iis_hosts_;   // case-insensitive hosts
  std::unordered_map<std::string, int> variants_;  // admitted URLs per pattern / per path
  SiteMap sites_;
  int64_t queued_ = 0;  // in host queues (not delayed)
  bool limit_reached_ = false;
};

}  // namespace policyindex::crawler
