#include "app/app.h"

namespace policyindex::app {

void register_index(Registry& r) {
  auto* sub = r.app.add_subcommand("index", "Index every extracted section not yet indexed");
  sub->allow_extras();
  r.add(sub, [] { return not_built("index", 6); });
}

}  // namespace policyindex::app
