// Checks of the demo's answers against demo/sample/expected.json. Each returns one line per
// mismatch ("Wexcombe Q2: expected red, got absent"), empty when everything matches, so a
// failing end-to-end run lists every wrong answer at once.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace policyindex::demo_checks {

using nlohmann::json;

// TOUR is `policyindex demo --format json`: {search, scorecards, peers, matrix}.
std::vector<std::string> check_scorecards(const json& tour, const json& expected);
std::vector<std::string> check_matrix(const json& tour, const json& expected);
std::vector<std::string> check_search_facet(const json& search, const json& facet);
std::vector<std::string> check_peers(const json& peers, const json& expected_peers);

// LOG is the sample server's access log (ADDRESS METHOD TARGET STATUS BYTES per line);
// ADDRESSES maps site slug -> address.
std::vector<std::string> check_access_log(
    const std::string& log, const json& expected,
    const std::vector<std::pair<std::string, std::string>>& addresses);

// The answers a correct pipeline gives, built from EXPECTED in the shapes of docs/API.md:
// {search, scorecards: {town: scorecard}, peers, matrix}. For tests of the checks and of the
// demo's orchestration.
json expected_answers(const json& expected);

}  // namespace policyindex::demo_checks
