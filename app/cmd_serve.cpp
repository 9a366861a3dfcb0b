#include "app/app.h"

namespace policyindex::app {

void register_serve(Registry& r) {
  auto* sub = r.app.add_subcommand("serve", "Serve the web page and JSON API");
  sub->allow_extras();
  r.add(sub, [] { return not_built("serve", 7); });
}

}  // namespace policyindex::app
