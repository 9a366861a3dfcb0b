// The crawl's own records, shared by its parts: a URL on its way through the frontier
// (Item), a stored document as the crawl found it (Known), and a URL whose fetch is over
// (Finished). Private to crawler/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "corpus/corpus.h"
#include "corpus/revisit.h"
#include "crawler/clock.h"

namespace policyindex::crawler {

// Why a URL is in the frontier; stored by name in the frontier table.
enum class ItemKind { kSeed, kSource, kPage, kDocument, kKnown, kSitemap };

// "seed", "source", "page", "document", "known", "sitemap".
std::string_view to_string(ItemKind k);
// The kind a stored name stands for; a name this program does not write reads as a page.
ItemKind item_kind_from_string(std::string_view name);

struct Item {
  std::string url;        // canonical; the frontier key and the document URL
  std::string fetch_url;  // differs from url after redirects
  std::optional<int64_t> municipality_id;
  int depth = 0;
  ItemKind kind = ItemKind::kPage;
  std::string doc_type;
  std::string anchor;
  std::string parent;
  bool policy = false;  // fetch every document linked from this page
  int attempts = 0;     // failed attempts so far
  int redirects = 0;
  std::vector<std::string> chain;
  Clock::TimePoint not_before{};
};

// Whether every document linked from the item's page is wanted: registry sources, known
// policy documents, pages whose words say "ordinance", "bylaw", ...
bool derive_policy(const Item& it);

// A stored document as the crawl starts: validators for a conditional GET and its current
// version (for link discovery from an unchanged page). Read-only during the run.
struct Known {
  int64_t document_id = 0, version_id = 0;
  std::string etag, last_modified, sha256, content_type;
  uint64_t size = 0;
};
using KnownMap = std::unordered_map<std::string, Known>;  // by URL

// What a finished fetch means for its URL (the commit turns it into the URL's outcome).
enum class Disposition {
  kStored,       // 2xx: a body to store (new document, new version or unchanged)
  kNotModified,  // 304
  kGone,         // 404/410
  kFailed,
  kDisallowed,
  kSitemap,  // a sitemap read (not stored)
};

struct BlobJob;  // sink.h

// A URL whose fetch is over, waiting for the next group commit.
struct Finished {
  Item item;
  Disposition disposition = Disposition::kFailed;
  std::string reason;
  std::optional<int64_t> http_status;
  uint64_t bytes = 0;
  std::shared_ptr<BlobJob> job;  // stored bodies: sealed by the writer before the commit
  std::string content_type, etag, last_modified;
  corpus::FetchRecord log;
  std::vector<Item> discovered;
  // Adaptive revisit (revisit.h): the page's role when this fetch read its links; for a
  // sitemap, the <lastmod> it gave each known URL.
  std::optional<corpus::RevisitRole> role;
  std::vector<std::pair<std::string, int64_t>> sitemap_lastmods;
};

}  // namespace policyindex::crawler
