#include "crawler/response_policy.h"

#include <gtest/gtest.h>

#include "corpus/fetch_outcome.h"
#include "crawler/records.h"

namespace policyindex::crawler {
namespace {

using corpus::FetchOutcome;

HttpResponse answer(long status) {
  HttpResponse r;
  r.status = status;
  return r;
}

TEST(ResponsePolicyTest, JudgesStatusCodes) {
  struct Case {
    long status;
    Action action;
    FetchOutcome outcome;
    bool host_failure;
    bool host_answered;
  };
  const Case cases[] = {
      {200, Action::kStore, FetchOutcome::kFetched, false, true},
      {204, Action::kStore, FetchOutcome::kFetched, false, true},
      {304, Action::kNotModified, FetchOutcome::kNotModified, false, true},
      {301, Action::kRedirect, FetchOutcome::kRedirect, false, true},
      {308, Action::kRedirect, FetchOutcome::kRedirect, false, true},
      {404, Action::kGone, FetchOutcome::kHttpError, false, true},
      {410, Action::kGone, FetchOutcome::kHttpError, false, true},
      {403, Action::kFail, FetchOutcome::kHttpError, false, true},
      {429, Action::kRetry, FetchOutcome::kFailed, false, false},
      {500, Action::kRetry, FetchOutcome::kFailed, true, false},
      {503, Action::kRetry, FetchOutcome::kFailed, true, false},
  };
  for (const auto& c : cases) {
    Verdict v = judge_response(answer(c.status), false, 1000);
    EXPECT_EQ(v.action, c.action) << c.status;
    EXPECT_EQ(v.outcome, c.outcome) << c.status;
    EXPECT_EQ(v.host_failure, c.host_failure) << c.status;
    EXPECT_EQ(v.host_answered, c.host_answered) << c.status;
  }
  EXPECT_EQ(judge_response(answer(503), false, 1000).reason, "HTTP 503");
  EXPECT_EQ(judge_response(answer(404), false, 1000).reason, "HTTP 404");
}

TEST(ResponsePolicyTest, TooLargeFailsWithoutBlamingTheHost) {
  Verdict v = judge_response(answer(200), true, 4096);
  EXPECT_EQ(v.action, Action::kFail);
  EXPECT_EQ(v.outcome, FetchOutcome::kTooLarge);
  EXPECT_EQ(v.reason, "too_large: body exceeds --max-bytes 4096");
  EXPECT_FALSE(v.host_failure);
  EXPECT_FALSE(v.host_answered);
  HttpResponse declared = answer(200);
  declared.too_large = true;  // Content-Length above the cap
  EXPECT_EQ(judge_response(declared, false, 4096).outcome, FetchOutcome::kTooLarge);
}

TEST(ResponsePolicyTest, TransferFailures) {
  HttpResponse timeout;
  timeout.curl_code = 28;
  timeout.error = "Operation timed out";
  timeout.timed_out = timeout.transient = true;
  Verdict v = judge_response(timeout, false, 0);
  EXPECT_EQ(v.action, Action::kRetry);
  EXPECT_EQ(v.outcome, FetchOutcome::kTimeout);  // when no retry is left
  EXPECT_EQ(v.reason, "timeout: Operation timed out");
  EXPECT_TRUE(v.host_failure);

  HttpResponse refused;
  refused.curl_code = 6;
  refused.error = "Could not resolve host";
  v = judge_response(refused, false, 0);
  EXPECT_EQ(v.action, Action::kFail);
  EXPECT_EQ(v.outcome, FetchOutcome::kFailed);
  EXPECT_EQ(v.reason, "network: Could not resolve host");
  EXPECT_TRUE(v.host_failure);
}

TEST(ResponsePolicyTest, RobotsTxtReachability) {
  EXPECT_EQ(robots_unreachable_reason(answer(200)), "");
  EXPECT_EQ(robots_unreachable_reason(answer(404)), "");  // no robots.txt: allow all
  EXPECT_EQ(robots_unreachable_reason(answer(503)), "HTTP 503");
  EXPECT_EQ(robots_unreachable_reason(answer(429)), "HTTP 429");
  HttpResponse capped = answer(200);
  capped.curl_code = 23;  // stopped at the size cap: what was read is used
  EXPECT_EQ(robots_unreachable_reason(capped), "");
  HttpResponse reset;
  reset.curl_code = 56;
  reset.error = "Connection reset";
  EXPECT_EQ(robots_unreachable_reason(reset), "network: Connection reset");
}

// RFC 9309 §2.3.1 on the engine's answer: 429 and 5xx are "unreachable" (complete
// disallow), 4xx and more than five redirects "unavailable" (allow all), a body cut at the
// size cap is parsed as far as it was read.
TEST(ResponsePolicyTest, JudgesRobotsFetches) {
  const std::string rules = "User-agent: *\nDisallow: /private/\n";
  auto v = judge_robots(answer(200), rules, "policyindex");
  ASSERT_TRUE(v.robots.has_value());
  EXPECT_FALSE(v.robots->allowed("/private/a"));
  EXPECT_TRUE(v.robots->allowed("/public/a"));

  for (long st : {429L, 500L, 503L}) {
    v = judge_robots(answer(st), rules, "policyindex");
    EXPECT_FALSE(v.robots.has_value()) << st;
    EXPECT_EQ(v.unreachable, "HTTP " + std::to_string(st));
  }
  for (long st : {401L, 403L, 404L, 410L}) {
    v = judge_robots(answer(st), rules, "policyindex");
    ASSERT_TRUE(v.robots.has_value()) << st;
    EXPECT_TRUE(v.robots->allows_all()) << st;
  }
  HttpResponse hops = answer(301);
  hops.curl_code = 47;  // CURLE_TOO_MANY_REDIRECTS
  hops.error = "Maximum (5) redirects followed";
  v = judge_robots(hops, "", "policyindex");
  ASSERT_TRUE(v.robots.has_value());
  EXPECT_TRUE(v.robots->allows_all());

  HttpResponse capped = answer(200);
  capped.curl_code = 23;
  std::string big = rules + std::string(kRobotsMaxBytes, '#') + "\nDisallow: /late/\n";
  v = judge_robots(capped, big, "policyindex");
  ASSERT_TRUE(v.robots.has_value());
  EXPECT_FALSE(v.robots->allowed("/private/a"));
  EXPECT_TRUE(v.robots->allowed("/late/a"));  // past the cap: never read

  HttpResponse timeout;
  timeout.curl_code = 28;
  timeout.timed_out = true;
  timeout.error = "Operation timed out";
  v = judge_robots(timeout, "", "policyindex");
  EXPECT_FALSE(v.robots.has_value());
  EXPECT_EQ(v.unreachable, "timeout: Operation timed out");
}

TEST(ResponsePolicyTest, RedirectTargets) {
  Item it;
  it.url = it.fetch_url = "http://town.test/a";
  HttpResponse r = answer(302);
  r.location = "/b?y=2&x=1";
  auto t = redirect_target(it, r);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  // Followed as written (query order kept): that is the URL requested and checked against
  // robots.txt; the canonical form is only the key.
  EXPECT_EQ(t->str(), "http://town.test/b?y=2&x=1");

  r.location = "";
  EXPECT_EQ(redirect_target(it, r).error().message, "HTTP 302 without Location");
  r.location = "ftp://town.test/file";
  EXPECT_EQ(redirect_target(it, r).error().message.rfind("redirect refused: ", 0), 0u);
  r.location = "http://town.test/a";
  EXPECT_EQ(redirect_target(it, r).error().message,
            "redirect loop: http://town.test/a -> http://town.test/a");
  it.chain = {"http://town.test/c"};
  it.fetch_url = "http://town.test/d";
  r.location = "/c";
  EXPECT_NE(redirect_target(it, r).error().message.find("redirect loop"), std::string::npos);
  // A loop is found by canonical URL: the same parameters in another order are the same URL.
  it.chain = {"http://town.test/f?b=2&a=1"};
  r.location = "/f?a=1&b=2";
  EXPECT_NE(redirect_target(it, r).error().message.find("redirect loop"), std::string::npos);
  it.chain.clear();
  it.redirects = kMaxRedirects;
  r.location = "/e";
  EXPECT_EQ(redirect_target(it, r).error().message, "too many redirects (more than 10)");
}

TEST(ResponsePolicyTest, RetryDelayDoublesAndRetryAfterReplacesIt) {
  EXPECT_EQ(retry_delay_ms(1, 1000, 0, "", 120000), 1000);
  EXPECT_EQ(retry_delay_ms(2, 1000, 0, "", 120000), 2000);
  EXPECT_EQ(retry_delay_ms(3, 1000, 250, "", 120000), 4250);
  EXPECT_EQ(retry_delay_ms(40, 1, 0, "", 120000), 1024);  // the doubling stops at 2^10
  EXPECT_EQ(retry_delay_ms(1, 1000, 300, "7", 120000), 7000);
  EXPECT_EQ(retry_delay_ms(1, 1000, 300, "3600", 120000), 120000);
}

TEST(FetchOutcomeTest, EveryOutcomeRoundTripsThroughItsStoredName) {
  const char* names[] = {"fetched",    "not_modified", "unchanged", "http_error",
                         "disallowed", "timeout",      "failed",    "too_large",
                         "retry",      "redirect",     "robots",    "robots_unreachable"};
  for (int i = 0; i <= static_cast<int>(FetchOutcome::kRobotsUnreachable); ++i) {
    auto o = static_cast<FetchOutcome>(i);
    EXPECT_EQ(corpus::to_string(o), names[i]);
    EXPECT_EQ(corpus::fetch_outcome_from_string(names[i]), o);
  }
  EXPECT_FALSE(corpus::fetch_outcome_from_string("stored").has_value());
}

TEST(ItemKindTest, RoundTripsThroughItsStoredName) {
  for (auto k : {ItemKind::kSeed, ItemKind::kSource, ItemKind::kPage, ItemKind::kDocument,
                 ItemKind::kKnown, ItemKind::kSitemap}) {
    EXPECT_EQ(item_kind_from_string(to_string(k)), k) << to_string(k);
  }
  EXPECT_EQ(to_string(ItemKind::kSitemap), "sitemap");
}

}  // namespace
}  // namespace policyindex::crawler
