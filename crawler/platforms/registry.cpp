#include "crawler/platforms/platform.h"

namespace policyindex::crawler::platforms {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::kListing:
      return "listing";
    case Role::kPage:
      return "page";
    case Role::kDocument:
      break;
  }
  return "document";
}

Role role_from_string(std::string_view name) {
  if (name == "listing") return Role::kListing;
  if (name == "page") return Role::kPage;
  return Role::kDocument;
}

// Each adapter's translation unit defines its getter; list new ones here.
const Adapter& municode_adapter();
const Adapter& ecode360_adapter();
const Adapter& amlegal_adapter();
const Adapter& gdrive_adapter();

const std::vector<const Adapter*>& adapters() {
  static const std::vector<const Adapter*> all = {
      &municode_adapter(),
      &ecode360_adapter(),
      &amlegal_adapter(),
      &gdrive_adapter(),
  };
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
