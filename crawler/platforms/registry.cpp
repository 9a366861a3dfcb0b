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
// Agenda, records and police-policy platforms (records_util.h holds their shared helpers).
const Adapter& civicplus_adapter();
const Adapter& granicus_adapter();
const Adapter& legistar_adapter();
const Adapter& iqm2_adapter();
const Adapter& novusagenda_adapter();
const Adapter& civicclerk_adapter();
const Adapter& laserfiche_adapter();
const Adapter& powerdms_adapter();
const Adapter& lexipol_adapter();

const std::vector<const Adapter*>& adapters() {
  static const std::vector<const Adapter*> all = {
      &municode_adapter(),
      &ecode360_adapter(),
      &amlegal_adapter(),
      &gdrive_adapter(),
      // Host-specific adapters first; granicus before civicplus (govAccess document links),
      // laserfiche and civicplus (any host, by path) last.
      &legistar_adapter(),
      &iqm2_adapter(),
      &civicclerk_adapter(),
      &powerdms_adapter(),
      &lexipol_adapter(),
      &granicus_adapter(),
      &novusagenda_adapter(),
      &laserfiche_adapter(),
      &civicplus_adapter(),
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
