// Queries over the index and the catalog: search with facets and snippets, scorecards,
// matrix, compare, peers, history; and the HTTP server with its JSON API and web page.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::query {

struct TownRef {
  int64_t id = 0;
  std::string name;
  std::string county;
};

// Finds a municipality forgivingly: case, "Town of"/"City of", punctuation, and a unique
// prefix ("Manchester" -> Manchester-by-the-Sea). An unknown or ambiguous name is an
// error that lists the closest names.
[[nodiscard]] Result<TownRef> resolve_town(corpus::Catalog& catalog, std::string_view name);

}  // namespace policyindex::query
