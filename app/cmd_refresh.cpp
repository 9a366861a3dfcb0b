#include "app/app.h"

namespace policyindex::app {

void register_refresh(Registry& r) {
  auto* sub = r.app.add_subcommand("refresh", "Re-crawl conditionally, extract, index, and report what changed");
  sub->allow_extras();
  r.add(sub, [] { return not_built("refresh", 8); });
}

}  // namespace policyindex::app
