#include "app/app.h"

namespace policyindex::app {

void register_query(Registry& r) {
  const std::pair<const char*, const char*> commands[] = {
      {"search", "Full-text search with facets over every indexed section"},
      {"scorecard", "A town's seven-question scorecard and other provisions, with evidence"},
      {"matrix", "Every municipality x Q1-Q7 and the other provisions"},
      {"compare", "Towns side by side per provision, with their language"},
      {"peers", "Towns with stronger language a town could borrow"},
      {"history", "Versions of a town's documents and what changed"},
  };
  for (const auto& [name, desc] : commands) {
    auto* sub = r.app.add_subcommand(name, desc);
    sub->allow_extras();
    std::string n = name;
    r.add(sub, [n] { return not_built(n, 6); });
  }
}

}  // namespace policyindex::app
