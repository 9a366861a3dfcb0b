// The link policy. A link found on a town's page is followed when it stays on the town's
// own site or leads to a document the town published on a document host:
//
// - the town's own site: the page's host but for "www." or a subdomain, the town's other
//   registered hosts (the registry's website, alt_domains and police site), and its
//   domain moved between .ma.us and .gov; every such link is attributed to the town, and an
//   http link to it from a page read over https is upgraded to https (the site answers
//   there: one redirect saved per link);
// - platforms (code hosts, agenda and records systems) are claimed by their adapters
//   (crawler/platforms) before these rules;
// - off-site documents only on known document hosts (CMS file stores, cloud storage,
//   Google Docs/Drive): a PDF on another town's or a newspaper's site is not this town's
//   document and must not be filed under it, while towns do keep their own files on their
//   web vendor's or a cloud host;
// - everything else off-site stays out.
//
// Among the links kept, pages need policy words (in the URL, the anchor or the text around
// it), documents need them unless the page is a policy page; each is queued with its
// relevance (best first; a listing's links to its own variants rank lower) unless it is one
// more variant of a calendar or faceted listing beyond its pattern's cap.

#include "crawler/follow.h"

#include <algorithm>

#include "crawler/internal.h"
#include "crawler/platform_links.h"

namespace policyindex::crawler {
namespace {

constexpr size_t kMaxLinksPerPage = 5000;

std::string_view without_www(std::string_view host) {
  return host.substr(0, 4) == "www." ? host.substr(4) : host;
}

}  // namespace

void follow_links(const Item& page, std::string_view html, Frontier& frontier,
                  std::vector<Item>& queued, std::string* canonical) {
  Url base = *parse_request_url(page.fetch_url);  // links resolve against the URL requested
  PageLinks found = extract_page_links(html, base);
  auto& links = found.links;
  if (canonical && !found.canonical.empty() && found.canonical != page.url &&
      found.canonical != page.fetch_url) {
    if (auto c = parse_url(found.canonical);
        c && frontier.sites().same_town(base.host, page.municipality_id, c->host)) {
      if (!frontier.seen(found.canonical)) {
        Item it;
        it.url = it.fetch_url = found.canonical;
        it.municipality_id = page.municipality_id;
        it.depth = page.depth;
        it.kind = page.kind == ItemKind::kDocument ? ItemKind::kDocument : ItemKind::kPage;
        it.doc_type = page.doc_type;
        it.anchor = page.anchor;
        it.parent = page.url;
        it.policy = page.policy;
        queued.push_back(it);
        const int relevance = Frontier::default_relevance(page);
        frontier.enqueue(std::move(it), std::min(relevance, kRelevanceSeed - 1));
      }
      *canonical = found.canonical;
    }
  }
  if (links.size() > kMaxLinksPerPage) links.resize(kMaxLinksPerPage);
  for (auto& l : links) {
    if (frontier.seen(l.url)) continue;
    auto u = parse_url(l.url);
    if (!u) continue;
    const bool own = frontier.sites().same_town(base.host, page.municipality_id, u->host);
    // http -> https for the page's own host (or its www./bare twin) on the default port.
    if (own && u->scheme == "http" && base.scheme == "https" && u->port == 0 &&
        without_www(u->host) == without_www(base.host)) {
      u->scheme = "https";
      l.url = u->str();
      if (l.written.rfind("http://", 0) == 0) l.written.insert(4, "s");
      if (frontier.seen(l.url)) continue;
    }
    const bool doc = is_document_url(l.url);
    const int score = policy_score(l.url, l.anchor);
    const int around = l.context.empty() ? 0 : policy_score("", l.context);
    Item it;
    it.url = l.url;
    it.fetch_url = l.written;  // requested (and checked against robots.txt) as written
    it.municipality_id = page.municipality_id;
    if (!it.municipality_id) it.municipality_id = frontier.sites().owner(u->host);
    it.depth = page.depth + 1;
    it.anchor = l.anchor;
    it.parent = page.url;
    // A link to a known platform (a code host, a document store, ...): its adapter's
    // requests, on or off site, attributed to the page's town (crawler/platforms).
    if (queue_platform_link(it, *u, page.policy, score, frontier, queued)) continue;
    if (!own && !(doc && is_document_host(u->host))) continue;
    if (doc) {
      // Documents: any on a policy page; elsewhere only those whose own words (or the
      // words right around the link) are strong ("General Bylaws", not just a /clerk/ or
      // /code/ folder).
      if (!(page.policy || score >= 2 || around >= 2)) continue;
      it.kind = ItemKind::kDocument;
      it.doc_type = guess_doc_type(l.url, l.anchor);
      if (it.doc_type.empty()) {
        it.doc_type = page.policy && page.doc_type != "webpage" && !page.doc_type.empty()
                          ? page.doc_type
                          : "document";
      }
    } else {
      if (score < 1 && around < 2) continue;
      it.kind = ItemKind::kPage;
      it.doc_type = guess_doc_type(l.url, l.anchor);
      if (it.doc_type.empty()) it.doc_type = "webpage";
    }
    if (!frontier.admit_variant(*u)) continue;
    it.policy = derive_policy(it);
    int relevance = link_relevance(l.url, l.anchor, l.context, doc) + (page.policy ? 20 : 0);
    // A listing's links to itself with other parameters (facets, sort orders, pages) show
    // the same words again: they come after links to other pages of the same words.
    if (!u->query.empty() && u->path == base.path && u->host == base.host) relevance /= 4;
    queued.push_back(it);
    frontier.enqueue(std::move(it), relevance);
  }
}

void follow_sitemap(const Item& sm, std::string_view xml, Frontier& frontier,
                    std::vector<Item>& queued) {
  bool index = false;
  auto locs = parse_sitemap(xml, &index);
  Url base = *parse_request_url(sm.fetch_url);
  for (const auto& loc : locs) {
    auto w = parse_request_url(loc, &base);
    auto u = w ? parse_url(w->str()) : w;
    if (!u || !frontier.sites().same_town(base.host, sm.municipality_id, u->host)) continue;
    std::string url = u->str();
    if (frontier.seen(url)) continue;
    Item it;
    it.url = url;
    it.fetch_url = w->str();
    it.municipality_id = sm.municipality_id;
    it.parent = sm.url;
    int relevance = kRelevanceSitemap;
    if (index) {
      if (sm.depth >= 2) continue;  // sitemap indexes nest at most twice
      it.kind = ItemKind::kSitemap;
      it.depth = sm.depth + 1;
    } else {
      int score = policy_score(url, "");
      it.depth = 1;
      const bool doc = is_document_url(url);
      it.kind = doc ? ItemKind::kDocument : ItemKind::kPage;
      if (score < (doc ? 2 : 1)) continue;
      if (!frontier.admit_variant(*u)) continue;
      it.doc_type = guess_doc_type(url, "");
      if (it.doc_type.empty()) it.doc_type = doc ? "document" : "webpage";
      relevance = link_relevance(url, "", "", doc);
    }
    it.policy = derive_policy(it);
    queued.push_back(it);
    frontier.enqueue(std::move(it), relevance);
  }
}

}  // namespace policyindex::crawler
