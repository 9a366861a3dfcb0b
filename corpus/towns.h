// The one town resolver every command uses (search filters, scorecard, compare, peers,
// history, changes, `add --town`): a name as people type it becomes a municipality of the
// catalog.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::corpus {

struct TownRef {
  int64_t id = 0;
  std::string name;
  std::string county;
};

// Finds a municipality forgivingly: case, "Town of"/"City of", punctuation (fold_town_name),
// then an unambiguous prefix of whole words ("Manchester" -> Manchester-by-the-Sea). An
// unknown name is a kNotFound error "unknown NOUN 'X'; did you mean: A, B, C" naming the
// closest names; an ambiguous prefix is "ambiguous NOUN 'X'; did you mean: A, B" listing
// every municipality it could be. An empty name is kInvalidArgument.
[[nodiscard]] Result<TownRef> resolve_town(Catalog& catalog, std::string_view name,
                                           std::string_view noun = "town");

}  // namespace policyindex::corpus
