#include "crawler/records.h"

#include <array>
#include <utility>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

// The names stored in the frontier table's kind column.
constexpr std::array<std::pair<ItemKind, std::string_view>, 6> kKindNames{{
    {ItemKind::kSeed, "seed"},
    {ItemKind::kSource, "source"},
    {ItemKind::kPage, "page"},
    {ItemKind::kDocument, "document"},
    {ItemKind::kKnown, "known"},
    {ItemKind::kSitemap, "sitemap"},
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

}  // namespace policyindex::crawler
