// What one HTTP request of a crawl came to, as recorded in the catalog's fetch log
// (fetch_log.outcome). The one place that maps outcomes to and from their stored names.
#pragma once

#include <optional>
#include <string_view>

namespace policyindex::corpus {

enum class FetchOutcome {
  kFetched,            // 2xx, body stored (or a sitemap read)
  kNotModified,        // 304 to a conditional request
  kUnchanged,          // 2xx with the bytes of the current version
  kHttpError,          // 4xx (404/410 mark the document gone) or another final status
  kDisallowed,         // robots.txt, scheme or scope refused the URL
  kTimeout,            // connect, total or low-speed timeout, retries used up
  kFailed,             // network error, bad redirect, parked host, ...
  kTooLarge,           // body above the size cap
  kRetry,              // a failed attempt that will be retried (error says when)
  kRedirect,           // a 3xx hop (error holds "-> TARGET")
  kRobots,             // robots.txt fetched (or absent: 4xx)
  kRobotsUnreachable,  // robots.txt 5xx, 429 or network error: the host is parked
  kPlatformProblem,    // a platform's answer its adapter cannot read (an API that changed,
                       // an error object, an interstitial page, a listing that never ends):
                       // error names the platform and the URL; nothing stored
  // Blocks (with kDisallowed and kRobotsUnreachable): the site keeps us out; recorded per
  // town and host in the catalog's blocks table (corpus/site_status.h), never stored.
  kLoginWall,  // 401/407, a redirect to a sign-in page or SSO host, a 200 login form
  kChallenge,  // a web-application firewall's challenge or block page (any status)
};

// True for the outcomes that mean "the site keeps us out": disallowed, robots_unreachable,
// login_wall, challenge.
bool is_block(FetchOutcome o);

// The stored name: "fetched", "not_modified", "unchanged", "http_error", "disallowed",
// "timeout", "failed", "too_large", "retry", "redirect", "robots", "robots_unreachable",
// "platform_problem", "login_wall", "challenge".
std::string_view to_string(FetchOutcome o);

// The outcome a stored name stands for; nullopt for a name this program does not write.
std::optional<FetchOutcome> fetch_outcome_from_string(std::string_view name);

}  // namespace policyindex::corpus
