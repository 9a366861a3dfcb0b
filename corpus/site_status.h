// What kept the crawl out of a town's sites, and whether each registry website is the
// town's: the catalog's blocks and site_checks tables behind typed methods. The crawl
// writes them (through CrawlLedger, inside its batches); town coverage, `crawl` and status
// reports read them, so a town with no document can say "blocked" or "site not verified"
// rather than "nothing found".
//
// Thread-safety: like the Catalog it wraps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"
#include "corpus/fetch_outcome.h"

namespace policyindex::corpus {

// A registry website's check: its home page (after redirects) names the municipality and
// Massachusetts (verified), or not (mismatch, with the reason), or could not be read
// (unreachable: network error, HTTP error) or kept us out (blocked: robots.txt, login wall,
// firewall challenge).
enum class SiteVerdict { kVerified, kMismatch, kUnreachable, kBlocked };
// "verified", "mismatch", "unreachable", "blocked".
std::string_view to_string(SiteVerdict v);
std::optional<SiteVerdict> site_verdict_from_string(std::string_view name);

// One (town, host, kind) of block, as last met.
struct HostBlock {
  int64_t municipality_id = 0;  // 0: a URL of no known town
  std::string town;             // the municipality's name; empty for 0
  std::string host;
  FetchOutcome kind = FetchOutcome::kDisallowed;  // is_block(kind)
  std::string url;                                // the last URL blocked
  std::string reason;
  std::optional<int64_t> http_status;
  int64_t count = 0;  // URLs blocked so far, over every run
  std::string first_seen, last_seen;
  std::optional<int64_t> run_id;  // the last run that met it
};

struct SiteCheck {
  int64_t municipality_id = 0;
  std::string town;  // filled by the reads
  std::string host;  // of the registry website
  std::string url;   // the registry website
  std::string final_url;
  SiteVerdict verdict = SiteVerdict::kUnreachable;
  std::string reason;
  std::string checked_at;
  std::optional<int64_t> run_id;
};

// A town's block summary: its hosts and why each kept us out.
struct TownBlocks {
  int64_t municipality_id = 0;
  std::string town;
  std::vector<HostBlock> blocks;
};

class SiteStatus {
 public:
  // Wraps `catalog`, which must outlive this.
  explicit SiteStatus(Catalog& catalog) : catalog_(catalog) {}

  // -- writes (inside the caller's transaction) -----------------------------------------
  // Adds one blocked URL: the (town, host, kind) row is made or its count, URL, reason,
  // status, last_seen and run updated. A kind that is not a block is refused.
  [[nodiscard]] Status record_block(std::optional<int64_t> municipality_id, std::string_view url,
                                    FetchOutcome kind, std::string_view reason,
                                    std::optional<int64_t> http_status, std::optional<int64_t> run_id,
                                    std::string_view now);
  // Replaces the check of (c.municipality_id, c.host).
  [[nodiscard]] Status record_site_check(const SiteCheck& c);

  // -- reads ------------------------------------------------------------------------------
  // Blocks of TOWN (or of every town, the unknown one as 0 last), by town name, host, kind.
  [[nodiscard]] Result<std::vector<HostBlock>> blocks(std::optional<int64_t> town = std::nullopt);
  // The same grouped per town.
  [[nodiscard]] Result<std::vector<TownBlocks>> blocks_by_town();
  // Site checks of TOWN (or of every town), by town name and host.
  [[nodiscard]] Result<std::vector<SiteCheck>> site_checks(std::optional<int64_t> town = std::nullopt);

 private:
  Catalog& catalog_;
};

// "host[:port]" of an http(s) URL, lower case as stored; the text itself when it is no URL.
std::string url_host(std::string_view url);

}  // namespace policyindex::corpus
