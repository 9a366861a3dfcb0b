// The crawler: one Boost.Asio event loop driving libcurl's multi interface; frontier,
// politeness, robots.txt, redirects, retries, conditional GET and link discovery. Writes
// into the store (corpus/); knows nothing of PDF or Xapian. The parts (private headers in
// this folder): crawl.h wires them; frontier.h, engine.h, clock.h, response_policy.h,
// follow.h, sink.h; the catalog rows are corpus/crawl_ledger.h's.
//
// Thread-safety: crawl() runs its event loop on the calling thread; the Store is used from
// there and, during the run, from one commit thread of its own (never both at once).
// curl_global_init must have been called (main() does it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"
#include "corpus/site_status.h"

namespace policyindex::crawler {

// "policyindex/VERSION (+CONTACT_URL)": names the program and a contact.
std::string default_user_agent();

// A URL to start from, attached to a municipality (by name; empty = unattached).
struct Seed {
  std::string url;
  std::string municipality;
  std::string doc_type;  // set for registry sources (sources.tsv); empty for websites/seeds
  std::string kind = "seed";  // source | seed | website (as stored in the catalog's sources)
};

// Adaptive revisit (crawler/revisit.h): which known documents a refresh re-checks tonight.
// Listings (pages that link to documents) and seeds every night; other documents when due:
// the interval doubles with each check that finds no change (at least a tenth of the time
// since the document last changed, HTTP's heuristic freshness), from `base_s` up to `cap_s`,
// back to `base_s` on a change, each spread by up to +-`spread` so that documents found the
// same night do not fall due together; a sitemap <lastmod> newer than the last check makes
// a document due at once, one not newer keeps it out until `cap_s`. A night checks at most
// `max_share` of the known documents (listings aside; at least `min_budget`): the most
// overdue first, the rest on the nights after, so that the nights after a first crawl,
// whose documents all start their schedules together, stay cheap too.
struct RevisitOptions {
  bool full = false;        // re-check every known document now, whatever its schedule (--full)
  int64_t now_s = 0;        // the wall time schedules are computed at (Unix s); 0 = the clock
  int64_t base_s = 86400;   // the shortest interval (a changed or new document)
  int64_t cap_s = 30 * 86400;  // the longest
  double spread = 0.1;      // random spread of each interval, as a fraction
  double max_share = 0.08;  // documents checked per night, as a share of the known ones; 0 = all due
  int64_t min_budget = 50;  // ... but at least this many
};

struct CrawlOptions {
  // A registry directory (municipalities.tsv with websites, sources.tsv). Its municipalities
  // are upserted into the catalog; websites become seeds of kind "website" and sources.tsv
  // URLs seeds of kind "source" with their doc_type.
  std::filesystem::path registry;
  std::vector<Seed> seeds;
  // Re-crawl, conditionally, every stored source/seed and the known crawled documents that
  // are due (all of them with revisit.full).
  bool refresh = false;
  RevisitOptions revisit;

  int64_t max_docs = 0;          // 0 = no limit; counts stored responses (pages + documents)
  // Pages (HTML reached by following links; not seeds, sources, documents or sitemaps)
  // started per host in one run; 0 = no limit. Pages over it are recorded as disallowed.
  int64_t max_pages_per_host = 1000;
  // Transfers in flight, all hosts together. A politeness-bound crawl keeps each busy host
  // at one start per delay; that takes hosts x response time / delay transfers (Little's
  // law): 351 towns at 1 s with answers of 0.3-0.7 s need 100-250.
  int concurrency = 256;
  int per_host = 2;              // transfers in flight per host
  int delay_ms = 1000;           // minimum time between two request starts on one host
  int depth = 3;                 // link depth from a seed
  uint64_t max_bytes = 50ull << 20;  // decoded body cap
  int connect_timeout_ms = 10000;
  int timeout_ms = 180000;       // whole transfer
  int low_speed_bytes = 1024;    // abort when slower than this many bytes/s ...
  int low_speed_seconds = 30;    // ... for this long
  int retries = 3;               // extra attempts on 5xx, 429, timeouts and resets
  int retry_base_ms = 1000;      // first backoff; doubles each attempt, plus jitter
  int retry_after_cap_ms = 120000;  // Retry-After is honoured up to this
  int host_failure_limit = 8;    // consecutive failed attempts before a host is parked
  int max_crawl_delay_ms = 30000;   // robots.txt Crawl-delay is honoured up to this
  // Check each registry website's home page (it must name the town and Massachusetts) and
  // crawl no further on a site that fails; false (--no-verify) records the verdict and crawls.
  bool verify_sites = true;
  std::string user_agent;        // empty = default_user_agent()
  // Extra "HOST:PORT:ADDRESS" entries for libcurl's resolve list (tests, benchmarks).
  std::vector<std::string> resolve;
  // Stop on SIGINT/SIGTERM: in-flight transfers are dropped and the frontier is kept, so the
  // next crawl resumes.
  bool handle_signals = false;
};

// Live counters for a progress display.
struct Progress {
  int64_t fetched = 0;    // responses handled (stored, 304, errors)
  int64_t stored = 0;     // new documents + new versions
  int64_t queued = 0;     // waiting in the frontier
  int64_t in_flight = 0;
  int64_t failed = 0;
  uint64_t bytes = 0;     // decoded body bytes received
  double elapsed_s = 0;
  // Hosts with the most work left: (host, queued + in flight), largest first, at most 3.
  std::vector<std::pair<std::string, int64_t>> stragglers;
};

// Receives progress a few times per second, on the crawl's thread.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void update(const Progress& p) = 0;
};

// What a run did with one URL (the summary's lists, by this).
enum class UrlResult { kNew, kNewVersion, kUnchanged, kGone, kFailed, kDisallowed, kBlocked };

// "new", "new_version", "unchanged", "gone", "failed", "disallowed", "blocked" (the summary
// JSON's "outcome").
std::string_view to_string(UrlResult r);

// What happened to one URL in a run.
struct UrlOutcome {
  std::string url;
  std::optional<int64_t> document_id;
  std::optional<int64_t> municipality_id;
  std::string doc_type;
  std::optional<int64_t> old_version_id;  // new versions and unchanged
  std::optional<int64_t> new_version_id;  // new documents and new versions
  std::optional<int64_t> http_status;
  UrlResult outcome = UrlResult::kFailed;
  std::string reason;   // failed/disallowed: why, naming the cause ("timeout after 30 s", ...)
  uint64_t bytes = 0;
};

struct ParkedHost {
  std::string host;    // scheme://host[:port]
  std::string reason;  // "robots.txt unreachable: HTTP 503", "8 consecutive failures: ..."
  int64_t urls_skipped = 0;
};

struct CrawlSummary {
  int64_t run_id = 0;
  bool resumed = false;      // continued an interrupted run's frontier
  bool interrupted = false;  // stopped by a signal; the frontier is kept
  bool limit_reached = false;  // --max-docs stopped it
  int64_t requests = 0;      // HTTP requests made (robots.txt, redirects and retries included)
  int64_t retries = 0;
  int64_t conditional = 0;   // requests sent with If-None-Match / If-Modified-Since
  int64_t not_due = 0;       // refresh: known documents left out tonight (not due yet)
  uint64_t bytes = 0;
  double elapsed_s = 0;
  std::vector<UrlOutcome> new_documents;
  std::vector<UrlOutcome> new_versions;
  std::vector<UrlOutcome> unchanged;   // 304, or 200 with the same bytes
  std::vector<UrlOutcome> gone;        // 404/410 of a known document (marked gone, kept)
  std::vector<UrlOutcome> failed;
  std::vector<UrlOutcome> disallowed;  // robots.txt, scheme, scope
  // A login wall or a firewall challenge (reason "login wall: ..." / "challenge: ..."):
  // never stored; recorded per town and host in the catalog (corpus/site_status.h).
  std::vector<UrlOutcome> blocked;
  // The registry websites checked in this run, in the order they were decided.
  std::vector<corpus::SiteCheck> site_checks;
  std::vector<ParkedHost> parked_hosts;
};

// Crawls into `store`. Starts a new run, or resumes the latest unfinished run when its
// frontier still has work (a crawl killed by SIGKILL continues where it stopped). Seeds and
// registry sources are stored in the catalog's sources table for later refreshes.
// Per-URL failures are data in the summary and the fetch log; an error is returned only when
// the crawl cannot run (bad registry, unusable store, no seeds).
[[nodiscard]] Result<CrawlSummary> crawl(corpus::Store& store, const CrawlOptions& options,
                                         ProgressSink* progress = nullptr);

// The summary as JSON (the shape `crawl --format json` prints). With `full` false the
// per-URL lists of unchanged documents are left out (counts stay).
std::string summary_json(const CrawlSummary& s, bool full = true);

}  // namespace policyindex::crawler
