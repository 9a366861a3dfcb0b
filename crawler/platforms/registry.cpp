#include "crawler/platforms/platform.h"

namespace policyindex::crawler::platforms {

// Each adapter's translation unit defines its getter; list new ones here.
// (none yet)

const std::vector<const Adapter*>& adapters() {
  static const std::vector<const Adapter*> all = {};
  return all;
}

const Adapter* find_adapter(std::string_view name) {
  for (const Adapter* a : adapters()) {
    if (a->name() == name) return a;
  }
  return nullptr;
}

std::optional<Claim> claim_link(const Url& link, std::string_view anchor) {
  for (const Adapter* a : adapters()) {
    if (auto reqs = a->claim(link, anchor)) return Claim{a, std::move(*reqs)};
  }
  return std::nullopt;
}

}  // namespace policyindex::crawler::platforms
