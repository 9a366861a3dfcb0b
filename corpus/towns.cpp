#include "corpus/towns.h"

#include <algorithm>
#include <vector>

namespace policyindex::corpus {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

Result<TownRef> resolve_town(Catalog& catalog, std::string_view name, std::string_view noun) {
  auto towns = catalog.municipalities();
  if (!towns) return tl::make_unexpected(towns.error());
  const std::string key = fold_town_name(name);
  if (key.empty()) return make_error(ErrorCode::kInvalidArgument, "empty " + std::string(noun) + " name");
  std::vector<const std::pair<int64_t, Municipality>*> prefixed;
  for (const auto& t : *towns) {
    std::string folded = fold_town_name(t.second.name);
    if (folded == key) return TownRef{t.first, t.second.name, t.second.county};
    if (folded.rfind(key + " ", 0) == 0) prefixed.push_back(&t);
  }
  if (prefixed.size() == 1) {
    return TownRef{prefixed[0]->first, prefixed[0]->second.name, prefixed[0]->second.county};
  }
  std::vector<std::string> candidates;
  if (!prefixed.empty()) {
    // Ambiguous: every municipality the prefix names.
    for (const auto* t : prefixed) candidates.push_back(t->second.name);
    std::sort(candidates.begin(), candidates.end());
  } else {
    // Unknown: the closest names.
    std::vector<std::pair<size_t, std::string>> scored;
    for (const auto& t : *towns) {
      std::string folded = fold_town_name(t.second.name);
      size_t d = edit_distance(key, folded.substr(0, std::max(key.size(), size_t{1}) + 2));
      if (folded.rfind(key, 0) == 0) d = 0;
      scored.emplace_back(d, t.second.name);
    }
    std::sort(scored.begin(), scored.end());
    for (size_t i = 0; i < std::min<size_t>(5, scored.size()); ++i) candidates.push_back(scored[i].second);
  }
  std::string msg = (prefixed.empty() ? "unknown " : "ambiguous ") + std::string(noun) + " '" + std::string(name) + "'";
  if (!candidates.empty()) {
    msg += "; did you mean: ";
    for (size_t i = 0; i < candidates.size(); ++i) msg += (i ? ", " : "") + candidates[i];
  }
  return make_error(ErrorCode::kNotFound, msg);
}

}  // namespace policyindex::corpus
