#include "crawler/platform_links.h"

namespace policyindex::crawler {

bool queue_platform_link(const Item& link, const Url& u, bool policy_page, int score,
                         Frontier& frontier, std::vector<Item>& queued) {
  auto claim = platforms::claim_link(u, link.anchor);
  if (!claim) return false;
  // Listings (a code's table of contents) on any policy word; a document straight away only
  // on a policy page or with strong words, like any linked file.
  bool listing = false;
  for (const auto& r : claim->requests) listing = listing || r.role != platforms::Role::kDocument;
  if (!(policy_page || score >= (listing ? 1 : 2))) return true;
  std::vector<Item> items;
  platform_items(link, *claim->adapter, std::move(claim->requests), items);
  for (auto& it : items) {
    it.depth = link.depth;
    it.parent = link.parent;
    if (frontier.seen(it.url)) continue;
    it.policy = derive_policy(it);
    queued.push_back(it);
    frontier.enqueue(std::move(it));
  }
  return true;
}

bool queue_recognised_page(const Item& page, std::string_view html, Frontier& frontier,
                           std::vector<Item>& queued) {
  auto u = parse_url(page.fetch_url);
  if (!u) return false;
  for (const platforms::Adapter* a : platforms::adapters()) {
    auto reqs = a->recognise(*u, html);
    if (!reqs) continue;
    std::vector<Item> items;
    platform_items(page, *a, std::move(*reqs), items);
    for (auto& it : items) {
      if (frontier.seen(it.url)) continue;
      it.policy = derive_policy(it);
      queued.push_back(it);
      frontier.enqueue(std::move(it));
    }
    return true;
  }
  return false;
}

}  // namespace policyindex::crawler
