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
#include "corpus/site_status.h"
#include "corpus/revisit.h"
#include "crawler/clock.h"
#include "crawler/platforms/platform.h"

namespace policyindex::crawler {

// Why a URL is in the frontier; stored by name in the frontier table.
// kPlatform: a platform adapter's request (crawler/platforms), whatever its role.
enum class ItemKind { kSeed, kSource, kPage, kDocument, kKnown, kSitemap, kPlatform };

// "seed", "source", "page", "document", "known", "sitemap", "platform".
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
  bool verify = false;  // a registry website: its home page is checked (site_check.h)
  int attempts = 0;     // failed attempts so far
  int redirects = 0;
  std::vector<std::string> chain;
  Clock::TimePoint not_before{};
  // A platform adapter's request (kind kPlatform): `url` is the URL a person opens (the
  // stored document's URL; a listing's is its fetch_url), `fetch_url` the one requested.
  std::string adapter;  // empty for ordinary URLs
  platforms::Role role = platforms::Role::kDocument;
  std::string context;  // the adapter's own state
  std::string headers;  // extra request headers, one per line
  std::string title;    // the platform's title for the document
  std::string method;   // "POST" with `body` (a platform's read-only query); empty: GET
  std::string body;
  int relevance = 0;    // the adapter's hint, 0..3 (not kept in the frontier table)
};

// The frontier items of an adapter's requests (URLs canonicalized; requests whose URLs do
// not parse are skipped), attributed to `parent`'s town, one level below it. A document's
// doc_type falls back to the parent's.
void platform_items(const Item& parent, const platforms::Adapter& adapter,
                    std::vector<platforms::Request> requests, std::vector<Item>& out);
// The request a platform item stands for, to hand back to its adapter.
platforms::Request platform_request(const Item& it);
// The item's extra request headers, one per element.
std::vector<std::string> header_lines(const std::string& headers);

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
  kBlocked,  // a login wall or a firewall challenge (not stored)
  kSitemap,  // a sitemap read (not stored)
  kListing,  // a platform listing read by its adapter (not stored)
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
  std::string content_type, etag, last_modified;  // content_type: by the bytes
  std::string filename;  // Content-Disposition's file name: the title when no anchor text
  corpus::FetchRecord log;
  std::vector<Item> discovered;
  // The page's rel=canonical when it names another URL of this run: the page is recorded
  // as an alias of that URL's document when the document is stored by then.
  std::string canonical;
  std::optional<corpus::SiteCheck> site_check;  // a registry website's verdict
  // Adaptive revisit (revisit.h): the page's role when this fetch read its links; for a
  // sitemap, the <lastmod> it gave each known URL.
  std::optional<corpus::RevisitRole> role;
  std::vector<std::pair<std::string, int64_t>> sitemap_lastmods;
};

}  // namespace policyindex::crawler
