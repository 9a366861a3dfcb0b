// The revisit schedule of crawled documents (table `revisit`, schema 5): what an adaptive
// refresh needs to decide which URLs are due tonight — when each document was last checked
// and last changed, how many checks in a row found it unchanged, when it is next due, its
// page role (a listing is re-read every night), and the <lastmod> a sitemap gave it. The
// policy that computes these is the crawler's (crawler/revisit.h); this is only storage.
//
// Times are Unix seconds here and ISO 8601 UTC text in the catalog.
//
// Thread-safety: like the Catalog it wraps; the crawler reads with it before its run and
// writes from its commit thread, inside the batch's transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::corpus {

// What a document is to the crawl: a listing (an HTML page that links to documents or
// policy pages: where new documents appear) or a document.
enum class RevisitRole { kDocument, kListing };

// "document", "listing" (the stored names).
std::string_view to_string(RevisitRole r);
// The role a stored name stands for; an unknown name reads as kDocument.
RevisitRole revisit_role_from_string(std::string_view name);

struct RevisitState {
  int64_t document_id = 0;
  RevisitRole role = RevisitRole::kDocument;
  int64_t checked_s = 0;          // the last check that got an answer (200, 304, 404)
  int64_t changed_s = 0;          // the last change seen (or the server's Last-Modified)
  int unchanged_checks = 0;       // checks in a row that found no change since changed_s
  int64_t next_due_s = 0;         // not re-checked before this (unless a sitemap says so)
  std::optional<int64_t> sitemap_lastmod_s;  // the latest <lastmod> a sitemap gave it
};

// Unix seconds as "YYYY-MM-DDTHH:MM:SSZ".
std::string iso8601_from_unix(int64_t seconds);
// "YYYY-MM-DDTHH:MM:SSZ" (as written above) as Unix seconds; nullopt for other text.
std::optional<int64_t> unix_from_iso8601(std::string_view text);
// Seconds since the epoch of a UTC date and time; nullopt when a field is out of range.
std::optional<int64_t> unix_from_utc(int year, int month, int day, int hour, int minute, int second);

class RevisitStore {
 public:
  // Wraps `catalog`, which must outlive the store.
  explicit RevisitStore(Catalog& catalog);
  ~RevisitStore();
  RevisitStore(const RevisitStore&) = delete;
  RevisitStore& operator=(const RevisitStore&) = delete;

  // Every row, by document id. A row whose times do not parse is left out (its document is
  // then due, as one without a row).
  [[nodiscard]] Result<std::unordered_map<int64_t, RevisitState>> load_all();
  // The row of one document, if any.
  [[nodiscard]] Result<std::optional<RevisitState>> get(int64_t document_id);
  // Writes the document's row (the statement is prepared once). A sitemap <lastmod> only
  // grows: the later of the stored one and state's is kept.
  [[nodiscard]] Status put(const RevisitState& state);
  // Keeps a sitemap's <lastmod> for the document at URL when it has a row and the date is
  // newer than the one kept; other URLs are ignored.
  [[nodiscard]] Status set_sitemap_lastmod(std::string_view url, int64_t lastmod_s);

 private:
  struct Impl;
  Catalog& catalog_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace policyindex::corpus
