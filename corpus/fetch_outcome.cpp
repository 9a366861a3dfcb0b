#include "corpus/fetch_outcome.h"

#include <array>
#include <utility>

namespace policyindex::corpus {
namespace {

// The stored names: the catalog's fetch_log.outcome column holds exactly these strings.
constexpr std::array<std::pair<FetchOutcome, std::string_view>, 15> kNames{{
    {FetchOutcome::kFetched, "fetched"},
    {FetchOutcome::kNotModified, "not_modified"},
    {FetchOutcome::kUnchanged, "unchanged"},
    {FetchOutcome::kHttpError, "http_error"},
    {FetchOutcome::kDisallowed, "disallowed"},
    {FetchOutcome::kTimeout, "timeout"},
    {FetchOutcome::kFailed, "failed"},
    {FetchOutcome::kTooLarge, "too_large"},
    {FetchOutcome::kRetry, "retry"},
    {FetchOutcome::kRedirect, "redirect"},
    {FetchOutcome::kRobots, "robots"},
    {FetchOutcome::kRobotsUnreachable, "robots_unreachable"},
    {FetchOutcome::kPlatformProblem, "platform_problem"},
    {FetchOutcome::kLoginWall, "login_wall"},
    {FetchOutcome::kChallenge, "challenge"},
}};

}  // namespace

std::string_view to_string(FetchOutcome o) {
  for (const auto& [value, name] : kNames) {
    if (value == o) return name;
  }
  return "failed";  // not reached: every enumerator is in kNames (checked by a test)
}

bool is_block(FetchOutcome o) {
  return o == FetchOutcome::kDisallowed || o == FetchOutcome::kRobotsUnreachable ||
         o == FetchOutcome::kLoginWall || o == FetchOutcome::kChallenge;
}

std::optional<FetchOutcome> fetch_outcome_from_string(std::string_view name) {
  for (const auto& [value, n] : kNames) {
    if (n == name) return value;
  }
  return std::nullopt;
}

}  // namespace policyindex::corpus
