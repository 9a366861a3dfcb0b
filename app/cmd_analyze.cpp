#include "app/app.h"

namespace policyindex::app {

void register_analyze(Registry& r) {
  auto* sub = r.app.add_subcommand("analyze", "Sections, provisions and the seven-question scorecard of one local file");
  sub->allow_extras();
  r.add(sub, [] { return not_built("analyze", 4); });
}

}  // namespace policyindex::app
