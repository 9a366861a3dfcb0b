// For the hit record cache's tests: the same requests answered in two rounds (cold, then
// warm) by a new Searcher over PATHS, in a SearchContext whose cache budget is BUDGET bytes.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "query/internal.h"
#include "tests/query/as_json.h"
#include "query/query.h"

namespace policyindex::testing {

inline std::vector<std::string> search_two_rounds(const std::vector<std::string>& paths,
                                                  const std::vector<query::SearchRequest>& requests,
                                                  const query::detail::Resolvers& res, size_t budget) {
  auto searcher = query::detail::Searcher::open(paths, std::make_shared<query::SearchContext>(budget));
  EXPECT_TRUE(searcher.has_value());
  std::vector<std::string> out;
  if (!searcher) return out;
  for (int round = 0; round < 2; ++round) {
    for (const auto& r : requests) {
      auto a = as_json((*searcher)->search(r, res));
      EXPECT_TRUE(a.has_value()) << r.query;
      out.push_back(a ? *a : std::string());
    }
  }
  return out;
}

}  // namespace policyindex::testing
