#include "app/app.h"

namespace policyindex::app {

void register_crawl(Registry& r) {
  auto* sub = r.app.add_subcommand("crawl", "Fetch municipal pages and documents into the store");
  sub->allow_extras();
  r.add(sub, [] { return not_built("crawl", 3); });
}

}  // namespace policyindex::app
