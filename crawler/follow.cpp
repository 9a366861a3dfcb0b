#include "crawler/follow.h"

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

constexpr size_t kMaxLinksPerPage = 5000;

}  // namespace

void follow_links(const Item& page, std::string_view html, Frontier& frontier,
                  std::vector<Item>& queued) {
  Url base = *parse_request_url(page.fetch_url);  // links resolve against the URL requested
  auto links = extract_links(html, base);
  if (links.size() > kMaxLinksPerPage) links.resize(kMaxLinksPerPage);
  for (auto& l : links) {
    if (frontier.seen(l.url)) continue;
    auto u = parse_url(l.url);
    if (!u) continue;
    int score = policy_score(l.url, l.anchor);
    bool doc = is_document_url(l.url);
    bool same = same_site(u->host, base.host);
    Item it;
    it.url = l.url;
    it.fetch_url = l.written;  // requested (and checked against robots.txt) as written
    it.municipality_id = page.municipality_id;
    it.depth = page.depth + 1;
    it.anchor = l.anchor;
    it.parent = page.url;
    if (doc) {
      // Documents: any on a policy page; elsewhere only those whose own words are strong
      // ("General Bylaws", not just a /clerk/ or /code/ folder). Off-site files are fine:
      // towns host PDFs on CMS and code-host domains.
      if (!(page.policy || score >= 2)) continue;
      it.kind = ItemKind::kDocument;
      it.doc_type = guess_doc_type(l.url, l.anchor);
      if (it.doc_type.empty()) {
        it.doc_type = page.policy && page.doc_type != "webpage" && !page.doc_type.empty()
                          ? page.doc_type
                          : "document";
      }
    } else {
      if (!same || score < 1) continue;
      it.kind = ItemKind::kPage;
      it.doc_type = guess_doc_type(l.url, l.anchor);
      if (it.doc_type.empty()) it.doc_type = "webpage";
    }
    it.policy = derive_policy(it);
    queued.push_back(it);
    frontier.enqueue(std::move(it));
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
    if (!u || !same_site(u->host, base.host)) continue;
    std::string url = u->str();
    if (frontier.seen(url)) continue;
    Item it;
    it.url = url;
    it.fetch_url = w->str();
    it.municipality_id = sm.municipality_id;
    it.parent = sm.url;
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
      it.doc_type = guess_doc_type(url, "");
      if (it.doc_type.empty()) it.doc_type = doc ? "document" : "webpage";
    }
    it.policy = derive_policy(it);
    queued.push_back(it);
    frontier.enqueue(std::move(it));
  }
}

}  // namespace policyindex::crawler
