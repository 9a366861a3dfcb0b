#include "app/app.h"

namespace policyindex::app {

void register_extract(Registry& r) {
  auto* sub = r.app.add_subcommand("extract", "Extract sections from every stored version not yet extracted");
  sub->allow_extras();
  r.add(sub, [] { return not_built("extract", 4); });
}

}  // namespace policyindex::app
