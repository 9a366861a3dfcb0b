// The tour's questions, asked of the query API (query/query.h). The one place in demo/ that
// knows the query API's calls and answer types. Each typed answer is kept as the JSON
// document render/ writes for it (what `--format json` and /api/... give), which is what
// `demo --format json` prints and what the text tour reads.

#include "demo/demo.h"
#include "query/query.h"
#include "render/render.h"

namespace policyindex::demo {
namespace {

// One typed answer of the API as its JSON document; errors name the question.
template <typename T>
Result<nlohmann::json> answer(const char* question, const Result<T>& result) {
  if (!result) return make_error(result.error().code, std::string(question) + ": " + result.error().message);
  try {
    return nlohmann::json::parse(render::json(*result));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kParse, std::string(question) + ": invalid JSON: " + e.what());
  }
}

}  // namespace

Result<Tour> ask_tour(const std::filesystem::path& data, const std::vector<std::string>& towns,
                      bool all_scorecards) {
  auto api = query::open_api(data);
  if (!api) return tl::make_unexpected(api.error());
  Tour t;
  query::SearchRequest request;
  request.query = kSearchQuery;
  request.provisions = {kSearchProvision};
  request.stances = {kSearchStance};
  request.limit = kSearchLimit;
  auto search = answer("search", (*api)->search(request));
  if (!search) return tl::make_unexpected(search.error());
  t.search = std::move(*search);
  const std::vector<std::string> asked =
      all_scorecards ? towns : std::vector<std::string>{kScorecardTown};
  for (const auto& town : asked) {
    auto card = answer("scorecard", (*api)->scorecard(town));
    if (!card) return tl::make_unexpected(card.error());
    t.scorecards[town] = std::move(*card);
  }
  auto peers = answer("peers", (*api)->peers(kPeersTown, kPeersProvision));
  if (!peers) return tl::make_unexpected(peers.error());
  t.peers = std::move(*peers);
  auto matrix = answer("matrix", (*api)->matrix());
  if (!matrix) return tl::make_unexpected(matrix.error());
  t.matrix = std::move(*matrix);
  return t;
}

}  // namespace policyindex::demo
