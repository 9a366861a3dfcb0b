#include "app/app.h"

namespace policyindex::app {

void register_demo(Registry& r) {
  auto* sub = r.app.add_subcommand("demo", "Serve a bundled sample of town websites, crawl it, index it, answer, and serve the page");
  sub->allow_extras();
  r.add(sub, [] { return not_built("demo", 9); });
}

}  // namespace policyindex::app
