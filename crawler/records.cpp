#include "crawler/records.h"

#include <array>
#include <utility>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

// The names stored in the frontier table's kind column.
constexpr std::array<std::pair<ItemKind, std::string_view>, 7> kKindNames{{
    {ItemKind::kSeed, "seed"},
    {ItemKind::kSource, "source"},
    {ItemKind::kPage, "page"},
    {ItemKind::kDocument, "document"},
    {ItemKind::kKnown, "known"},
    {ItemKind::kSitemap, "sitemap"},
    {ItemKind::kPlatform, "platform"},
}};

}  // namespace

std::string_view to_string(ItemKind k) {
  for (const auto& [value, name] : kKindNames) {
    if (value == k) return name;
  }
  return "page";  // not reached: every kind is in kKindNames
}

ItemKind item_kind_from_string(std::string_view name) {
  for (const auto& [value, n] : kKindNames) {
    if (n == name) return value;
  }
  return ItemKind::kPage;
}

bool derive_policy(const Item& it) {
  switch (it.kind) {
    case ItemKind::kSource:
      return true;
    case ItemKind::kKnown:
      return !it.doc_type.empty() && it.doc_type != "webpage";
    case ItemKind::kPage:
      return policy_score(it.url, it.anchor) >= 2;
    default:
      return false;
  }
}

void platform_items(const Item& parent, const platforms::Adapter& adapter,
                    std::vector<platforms::Request> requests, std::vector<Item>& out) {
  for (auto& r : requests) {
    auto fetch = canonical_url(r.fetch_url);
    if (!fetch) continue;
    Item it;
    it.fetch_url = std::move(*fetch);
    it.url = it.fetch_url;
    const bool post = r.method == "POST";
    if (post && r.human_url.empty()) continue;  // no key of its own in the frontier
    if ((post || r.role != platforms::Role::kListing) && !r.human_url.empty()) {
      auto human = canonical_url(r.human_url);
      if (!human) continue;
      it.url = std::move(*human);
    }
    it.kind = ItemKind::kPlatform;
    it.municipality_id = parent.municipality_id;
    it.depth = parent.depth + 1;
    it.parent = parent.url;
    it.anchor = r.title.empty() ? parent.anchor : r.title;
    it.adapter = std::string(adapter.name());
    it.role = r.role;
    it.context = std::move(r.context);
    for (const auto& h : r.headers) {
      if (h.find('\n') != std::string::npos || h.find('\r') != std::string::npos) continue;
      if (!it.headers.empty()) it.headers += '\n';
      it.headers += h;
    }
    it.title = std::move(r.title);
    if (post) {
      it.method = "POST";
      it.body = std::move(r.body);
    }
    it.relevance = r.relevance;
    it.doc_type = std::move(r.doc_type);
    if (it.doc_type.empty() && r.role != platforms::Role::kListing) {
      it.doc_type = !parent.doc_type.empty() && parent.doc_type != "webpage" ? parent.doc_type
                    : r.role == platforms::Role::kPage                        ? "webpage"
                                                                              : "document";
    }
    if (it.doc_type.empty()) it.doc_type = parent.doc_type;
    out.push_back(std::move(it));
  }
}

platforms::Request platform_request(const Item& it) {
  platforms::Request r;
  r.fetch_url = it.fetch_url;
  r.human_url = it.url;
  r.role = it.role;
  r.doc_type = it.doc_type;
  r.title = it.title;
  r.relevance = it.relevance;
  r.context = it.context;
  r.headers = header_lines(it.headers);
  r.method = it.method;
  r.body = it.body;
  return r;
}

std::vector<std::string> header_lines(const std::string& headers) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < headers.size()) {
    size_t nl = headers.find('\n', start);
    if (nl == std::string::npos) nl = headers.size();
    if (nl > start) out.push_back(headers.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

}  // namespace policyindex::crawler
