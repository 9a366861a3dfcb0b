// Adaptive revisit: which known documents a refresh re-checks tonight, and each document's
// next schedule after a check (the policy of crawler.h's RevisitOptions). The schedule is
// kept in the catalog (corpus/revisit.h).
//
// - A listing (an HTML page that links to documents the crawl would fetch) and every seed or
//   registry source are re-read every night: that is where a new document appears, and a
//   new link is followed the same night.
// - Another document is due when its next_due has come (within half a day: the nightly job
//   does not start at the same second each night). After a check the interval is
//   max(base * 2^unchanged_checks, age / 10) — age = time since it last changed, or since the
//   server's Last-Modified — capped at cap_s; a change resets it to base. The first interval
//   of a document is drawn at random between base and that value, and later ones are spread
//   by +-spread, so that documents found the same night do not all fall due on one night.
// - A sitemap's <lastmod> newer than the last check makes a document due: the same night
//   when tonight's sitemap says so (the document joins the run when the sitemap is read),
//   and at the next refresh when a sitemap read earlier did; a <lastmod> not newer than the
//   last check keeps it out until the cap.
//
// - A night checks at most RevisitOptions::max_share of the known documents (at least
//   min_budget; listings are not counted): the most urgent first, the others stay due.
//
// Private to crawler/. The plan is made before the run (loop thread); the loop reads
// sitemaps with it; the commit thread records new schedules with it (states() is read-only
// during the run).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "corpus/revisit.h"
#include "crawler/crawler.h"
#include "crawler/records.h"

namespace policyindex::crawler {

class Frontier;

inline constexpr int64_t kRevisitSlackS = 12 * 3600;

// What one check of a document found.
struct RevisitCheck {
  enum class Result { kChanged, kUnchanged } result = Result::kUnchanged;  // new = changed
  std::optional<int64_t> last_modified_s;  // the server's Last-Modified, when it sent one
  std::optional<corpus::RevisitRole> role;  // when this check read the page's links
};

// The schedule after a check at `now_s` (pure: the same inputs give the same schedule).
corpus::RevisitState next_revisit_state(const RevisitOptions& o,
                                        const std::optional<corpus::RevisitState>& previous,
                                        int64_t document_id, std::string_view url,
                                        const RevisitCheck& check, int64_t now_s);

// True when the document is to be re-checked at `now_s`.
bool revisit_due(const RevisitOptions& o, const corpus::RevisitState& s, int64_t now_s);

// True when a page (HTML, as fetched or stored) is a listing: it links to at least one
// document file the crawl would fetch from it.
bool looks_like_listing(const Item& page, std::string_view html);

// An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT", and the obsolete RFC 850 and asctime
// forms) as Unix seconds.
std::optional<int64_t> parse_http_date(std::string_view text);
// A W3C datetime as sitemaps write it (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.s]]
// with Z or +-hh:mm) as Unix seconds.
std::optional<int64_t> parse_w3c_datetime(std::string_view text);

// <url> entries of a sitemap that carry a <loc> and a valid <lastmod>: (loc, lastmod).
std::vector<std::pair<std::string, int64_t>> parse_sitemap_lastmods(std::string_view xml);

class Revisit {
 public:
  Revisit(const CrawlOptions& options, corpus::Catalog& catalog);

  // The wall time of this run's schedules.
  int64_t now_s() const { return now_s_; }
  // Adaptive on this run: a refresh without --full.
  bool adaptive() const { return adaptive_; }

  // -- before the run -------------------------------------------------------------------
  // Reads every document's schedule.
  [[nodiscard]] Status load();
  // Whether the known document is due tonight (a document without a schedule is).
  bool due(int64_t document_id) const;
  // A known document to check tonight if it is due and within the night's budget.
  void consider(Item it, int64_t document_id);
  // Appends to `items` the documents chosen for tonight: every listing, then the due ones,
  // most urgent first (a sitemap said it changed; no schedule yet; most overdue for its
  // interval), up to the budget. The others are kept out (deferred).
  void choose(std::vector<Item>& items);
  // After the run's URLs are queued: deferred URLs that were queued anyway (a seed) are
  // fetched; the others are marked seen, so that links to them are not followed. Returns
  // how many stay out.
  int64_t hold_back(Frontier& frontier);

  // -- the loop -------------------------------------------------------------------------
  // A sitemap of `sitemap` was read: deferred documents whose <lastmod> is newer than their
  // last check are queued now (and appended to `queued` for their frontier rows); the
  // <lastmod> of every known URL is appended to `lastmods` for the catalog.
  void read_sitemap(const Item& sitemap, std::string_view xml, const KnownMap& known,
                    Frontier& frontier, std::vector<Item>& queued,
                    std::vector<std::pair<std::string, int64_t>>& lastmods);

  // -- the commit thread ----------------------------------------------------------------
  // Records a check of a document (inside the batch's transaction).
  [[nodiscard]] Status record(int64_t document_id, std::string_view url, const RevisitCheck& c);
  [[nodiscard]] Status record_lastmods(const std::vector<std::pair<std::string, int64_t>>& v);

 private:
  struct Deferred {
    Item item;
    int64_t document_id = 0;
  };
  struct Candidate {
    double urgency = 0;
    Deferred d;
  };
  double urgency(int64_t document_id) const;
  void defer(Item it, int64_t document_id);
  const RevisitOptions& opts_;
  int64_t now_s_ = 0;
  bool adaptive_ = false;
  corpus::RevisitStore store_;
  std::unordered_map<int64_t, corpus::RevisitState> states_;  // read-only during the run
  std::unordered_map<std::string, Deferred> deferred_;        // loop only
  std::vector<Candidate> due_;        // before the run: due documents (listings aside)
  std::vector<Item> listings_;        // before the run
  int64_t considered_ = 0;
};

}  // namespace policyindex::crawler
