// The crawler's rows in the catalog: crawl runs, the frontier (the URLs of a run and their
// state, so that a killed crawl resumes), documents and versions found by crawling, and the
// fetch log. Every statement the crawler needs, prepared once and kept, behind typed methods.
//
// Thread-safety: like the Catalog it wraps, a ledger belongs to one thread at a time (the
// crawler reads with it before its run starts, then hands it to its commit thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"
#include "corpus/site_status.h"

namespace policyindex::corpus {

// A row of the sources table: a registry source or a seed, for refreshes.
struct CrawlSource {
  std::optional<int64_t> municipality_id;
  std::string url;
  std::string doc_type;
  std::string kind;  // source | seed | website
};

// A stored document as a crawl starts: what a conditional GET and link discovery from an
// unchanged page need.
struct KnownDocument {
  int64_t document_id = 0;
  std::string url;
  bool crawled = false;  // origin 'crawl' (not added by hand)
  std::optional<int64_t> municipality_id;
  std::string doc_type;
  std::optional<int64_t> version_id;  // the current version; empty when none yet
  std::string etag, last_modified;    // empty when none
  std::string sha256, content_type;   // of the current version
  uint64_t size = 0;
};

// A URL to queue in a run's frontier. Views: the strings belong to the caller.
struct FrontierRow {
  std::string_view url;
  std::optional<int64_t> municipality_id;
  int depth = 0;
  std::string_view kind;  // the crawler's own words (seed, page, document, ...)
  std::string_view doc_type;
  std::string_view parent;
  std::string_view anchor;
  // A platform adapter's request (empty for ordinary URLs): see crawler/platforms.
  std::string_view fetch_url;  // when not `url`
  std::string_view adapter, role, context, headers, title;  // headers: one per line
  std::string_view method, body;  // a POST's (empty: a GET)
};

// A frontier row as read back for a resume: url, municipality_id, adapter and queued for
// every row, the rest for queued rows.
struct StoredFrontierRow {
  std::string url;
  std::optional<int64_t> municipality_id;
  int depth = 0;
  std::string kind;
  bool queued = false;  // still to do (else done or failed)
  std::string doc_type, parent, anchor;
  std::string fetch_url, adapter, role, context, headers, title;  // empty when none
  std::string method, body;  // empty: a GET
};

// The run's first transaction.
struct CrawlRunStart {
  bool refresh = false;               // crawl_runs.kind: refresh | crawl
  std::optional<int64_t> resume_run;  // continue this run (its frontier stays)
  std::vector<CrawlSource> sources;   // upserted into sources
  std::vector<FrontierRow> frontier;  // queued
  bool known_documents =
      false;  // queue every crawled document (kind 'known', depth 1) not queued yet
};

// A document's current state, looked up by URL during a batch.
struct DocumentHead {
  int64_t document_id = 0;
  std::optional<int64_t> version_id;
  std::string sha256;  // of the current version; empty when none
};

enum class FrontierState { kDone, kFailed };

class CrawlLedger {
 public:
  // Wraps `catalog`, which must outlive the ledger.
  explicit CrawlLedger(Catalog& catalog);
  ~CrawlLedger();
  CrawlLedger(const CrawlLedger&) = delete;
  CrawlLedger& operator=(const CrawlLedger&) = delete;

  // Gives this connection a larger page cache (32 MB): the crawl's commits touch rows all
  // over the catalog.
  [[nodiscard]] Status use_large_cache();

  // -- before the run -------------------------------------------------------------------
  [[nodiscard]] Result<std::vector<CrawlSource>> stored_sources();
  // Calls `fn` for every document, in id order.
  [[nodiscard]] Status for_each_document(const std::function<void(KnownDocument&&)>& fn);
  // The latest unfinished run whose frontier still has queued URLs.
  [[nodiscard]] Result<std::optional<int64_t>> resumable_run();
  // Calls `fn` for every frontier row of `run`, in insertion order.
  [[nodiscard]] Status for_each_frontier_row(int64_t run,
                                             const std::function<void(StoredFrontierRow&&)>& fn);

  // One transaction: sources upserted; for a new run, older unfinished runs finished, a
  // crawl_runs row made and the old frontier deleted; then the frontier rows queued. Sets
  // run_id(). Rolled back on error.
  [[nodiscard]] Status start_run(const CrawlRunStart& start);
  int64_t run_id() const { return run_id_; }
  // Closes the run (finished_at stays empty when `interrupted`: the next crawl resumes it)
  // and keeps its summary (JSON).
  [[nodiscard]] Status finish_run(bool interrupted, std::string_view summary_json);

  // -- a batch of results, inside begin_batch() ... commit_batch() ------------------------
  [[nodiscard]] Status begin_batch();
  [[nodiscard]] Status commit_batch();
  void rollback_batch();

  // Queues a URL in the run's frontier (ignored when the URL is there already).
  [[nodiscard]] Status add_frontier(const FrontierRow& row);
  [[nodiscard]] Status set_frontier_state(std::string_view url, FrontierState state, int attempts);
  [[nodiscard]] Result<std::optional<DocumentHead>> document_head(std::string_view url);
  // The crawled document for URL, made when missing (as Catalog::ensure_document).
  [[nodiscard]] Result<int64_t> ensure_document(std::string_view url,
                                                std::optional<int64_t> municipality_id,
                                                std::string_view doc_type, std::string_view title,
                                                std::string_view now);
  // A new version row (no comparison with the current one: the caller has made it).
  [[nodiscard]] Result<int64_t> insert_version(const VersionInput& v);
  // The document's current version, validators, last check; status active.
  [[nodiscard]] Status set_current_version(int64_t document_id, int64_t version_id,
                                           const std::optional<std::string>& etag,
                                           const std::optional<std::string>& last_modified,
                                           std::string_view now);
  // A 304: checked now, still active.
  [[nodiscard]] Status touch_document(int64_t document_id, std::string_view now);
  // A 404/410 of a known document.
  [[nodiscard]] Status mark_gone(int64_t document_id);
  // A fetch-log row of this run (f.run_id is ignored); started_at defaults to `now`. A block
  // outcome (is_block) is also added to the blocks table under f.municipality_id.
  [[nodiscard]] Status log_fetch(const FetchRecord& f, std::string_view now);
  // A registry website's verdict, for this run (c.run_id is ignored).
  [[nodiscard]] Status record_site_check(SiteCheck c);

  // -- reading back (reports, tests) -----------------------------------------------------
  // The fetch-log rows of URL, oldest first, over every run. A stored outcome this program
  // does not know reads as kFailed.
  [[nodiscard]] Result<std::vector<FetchRecord>> fetches_of(std::string_view url);

 private:
  struct Impl;
  Catalog& catalog_;
  std::unique_ptr<Impl> impl_;
  int64_t run_id_ = 0;
};

}  // namespace policyindex::corpus
