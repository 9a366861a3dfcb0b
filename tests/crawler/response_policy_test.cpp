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

// -- blocks (issue 18 item 5) ---------------------------------------------------------------
// Fictional pages in the shapes the vendors serve.

const char* kCloudflare =
    "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>"
    "<meta http-equiv=\"refresh\" content=\"390\"></head><body><div class=\"main-wrapper\">"
    "<noscript>Enable JavaScript and cookies to continue</noscript></div>"
    "<script>(function(){window._cf_chl_opt={cvId: '3',cZone: 'www.alderbrook.test'};})();"
    "</script></body></html>";
const char* kIncapsula =
    "<html style=\"height:100%\"><head><META NAME=\"ROBOTS\" CONTENT=\"NOINDEX, NOFOLLOW\">"
    "</head><body style=\"margin:0px;height:100%\"><iframe id=\"main-iframe\" "
    "src=\"/_Incapsula_Resource?CWUDNSAI=22&xinfo=1-2-3&incident_id=0-123&edet=12\" "
    "frameborder=0>Request unsuccessful. Incapsula incident ID: 0-123</iframe></body></html>";
const char* kAkamai =
    "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n"
    "You don't have permission to access \"http&#58;&#47;&#47;www&#46;brindle&#46;test&#47;\" "
    "on this server.<P>\nReference&#32;&#35;18&#46;1 \n<P>https&#58;&#47;&#47;errors&#46;"
    "edgesuite&#46;net&#47;18</P></BODY>\n</HTML>\n";
const char* kSucuri =
    "<html><head><title>Sucuri WebSite Firewall - Access Denied</title></head><body>"
    "<h2>Access Denied - Sucuri Website Firewall</h2></body></html>";
const char* kAwsWaf =
    "<!DOCTYPE html><html><head><script src=\"https://abc.token.awswaf.com/abc/challenge.js\">"
    "</script><script>AwsWafIntegration.checkForceRefresh().then(()=>{});</script></head>"
    "<body></body></html>";

HttpResponse answer_with(long status, const std::string& body) {
  HttpResponse r = answer(status);
  r.bytes = body.size();
  return r;
}

TEST(BlockTest, RecognisesFirewallChallengePages) {
  struct Case {
    const char* body;
    long status;
    const char* vendor;
  };
  const Case cases[] = {{kCloudflare, 503, "Cloudflare"}, {kCloudflare, 403, "Cloudflare"},
                        {kCloudflare, 200, "Cloudflare"}, {kIncapsula, 200, "Incapsula"},
                        {kAkamai, 403, "Akamai"},         {kSucuri, 403, "Sucuri"},
                        {kAwsWaf, 202, "AWS WAF"}};
  for (const auto& c : cases) {
    auto b = classify_block(answer_with(c.status, c.body), c.body, "https://www.alderbrook.test/");
    ASSERT_TRUE(b.has_value()) << c.vendor << " " << c.status;
    EXPECT_EQ(b->kind, FetchOutcome::kChallenge);
    EXPECT_EQ(b->reason.rfind(std::string("challenge: ") + c.vendor, 0), 0u) << b->reason;
    EXPECT_NE(b->reason.find("HTTP " + std::to_string(c.status)), std::string::npos);
  }
}

TEST(BlockTest, NormalPagesAreNotChallenges) {
  // A real page behind a CDN carries the vendor's script too; it is content, not a block.
  std::string page = "<html><head><title>Town of Alderbrook - Police</title>"
                     "<script src=\"/_Incapsula_Resource?SWJIYLWA=719d34d3\"></script>"
                     "<script src=\"/cdn-cgi/challenge-platform/scripts/jsd/main.js\"></script>"
                     "</head><body>";
  page += std::string(20000, 'x');
  page += "<p>Just a moment... our office hours are changing. Access Denied to the dump on "
          "Sundays.</p></body></html>";
  EXPECT_FALSE(classify_block(answer_with(200, page), page, "https://alderbrook.test/police"));
  EXPECT_EQ(waf_challenge(page, 200, page.size()), "");
  // The same script on a small error page is a block.
  EXPECT_NE(waf_challenge("<html><script src=\"/_Incapsula_Resource?x=1\"></script></html>", 403, 60),
            "");
  // A plain 403 without a vendor's words stays an HTTP error.
  EXPECT_FALSE(classify_block(answer_with(403, "Forbidden"), "Forbidden", "https://a.test/"));
  EXPECT_FALSE(classify_block(answer_with(503, "busy"), "busy", "https://a.test/"));
  // A small PDF that quotes a vendor's words is a document.
  const std::string pdf = "%PDF-1.4\n(Just a moment... DDoS-Guard cf_chl_opt)";
  EXPECT_FALSE(classify_block(answer_with(200, pdf), pdf, "https://a.test/x.pdf"));
}

TEST(BlockTest, LoginWalls) {
  auto b = classify_block(answer(401), "", "https://records.alderbrook.test/doc/1");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->kind, FetchOutcome::kLoginWall);
  EXPECT_EQ(b->reason, "login wall: HTTP 401");
  EXPECT_EQ(classify_block(answer(407), "", "https://a.test/")->kind, FetchOutcome::kLoginWall);

  for (const char* loc : {"/Account/Login?ReturnUrl=%2Fdocs", "/login", "/users/sign_in",
                          "https://login.microsoftonline.com/abc/oauth2/authorize?x=1",
                          "https://alderbrook.okta.com/app/x", "https://sso.alderbrook.test/",
                          "/wp-login.php?redirect_to=x", "/adfs/ls/?wa=wsignin1.0"}) {
    HttpResponse r = answer(302);
    r.location = loc;
    auto lb = classify_block(r, "", "https://alderbrook.test/policies/police.pdf");
    ASSERT_TRUE(lb.has_value()) << loc;
    EXPECT_EQ(lb->kind, FetchOutcome::kLoginWall);
    EXPECT_EQ(lb->reason.rfind("login wall: redirected to ", 0), 0u);
  }
  for (const char* loc : {"/policies/", "/blogin/", "/logins-2019.pdf", "https://alderbrook.gov/"}) {
    HttpResponse r = answer(301);
    r.location = loc;
    EXPECT_FALSE(classify_block(r, "", "https://alderbrook.test/a")) << loc;
  }

  const std::string form =
      "<html><head><title>Sign In - Alderbrook Document Portal</title></head><body><form "
      "method=post><input name=user><input type=\"password\" name=pw></form></body></html>";
  auto fb = classify_block(answer_with(200, form), form, "https://docs.alderbrook.test/");
  ASSERT_TRUE(fb.has_value());
  EXPECT_EQ(fb->kind, FetchOutcome::kLoginWall);
  EXPECT_EQ(fb->reason, "login wall: a sign-in form");
  // A page with a members' login box in its sidebar is still content.
  const std::string sidebar =
      "<html><head><title>Police Department Policies</title></head><body><p>Policy 1.2</p>"
      "<form><input type=password name=pw></form></body></html>";
  EXPECT_FALSE(classify_block(answer_with(200, sidebar), sidebar, "https://alderbrook.test/pd"));
}

TEST(BlockTest, LoginUrls) {
  EXPECT_TRUE(is_login_url("https://town.test/Account/Login"));
  EXPECT_TRUE(is_login_url("https://town.test/login.aspx?x=1"));
  EXPECT_TRUE(is_login_url("https://accounts.google.com/ServiceLogin"));
  EXPECT_FALSE(is_login_url("https://town.test/clerk/bylaws.pdf"));
  EXPECT_FALSE(is_login_url("https://town.test/catalogue"));
  EXPECT_FALSE(is_login_url("not a url"));
}

// -- types by content (issue 18 item 4) ---------------------------------------------------

TEST(ContentTypeTest, ContentDispositionFileNames) {
  EXPECT_EQ(content_disposition_filename("attachment; filename=\"Police Policy 4.12.pdf\""),
            "Police Policy 4.12.pdf");
  EXPECT_EQ(content_disposition_filename("inline; filename=bylaws.pdf"), "bylaws.pdf");
  // RFC 6266 §4.3: filename* wins, in either order.
  EXPECT_EQ(content_disposition_filename(
                "attachment; filename*=UTF-8''R%C3%A8glement%20%E2%80%93%20Bylaw.pdf; filename=\"x.pdf\""),
            "R\xC3\xA8glement \xE2\x80\x93 Bylaw.pdf");
  EXPECT_EQ(content_disposition_filename("attachment; filename=\"x.pdf\"; filename*=utf-8'en'a%20b.docx"),
            "a b.docx");
  EXPECT_EQ(content_disposition_filename("attachment; filename*=iso-8859-1''caf%E9.pdf"), "caf\xC3\xA9.pdf");
  EXPECT_EQ(content_disposition_filename("attachment; filename=\"a\\\"b;c.pdf\""), "a\"b;c.pdf");
  EXPECT_EQ(content_disposition_filename("attachment; filename=\"..\\\\..\\\\etc\\\\passwd\""), "passwd");
  EXPECT_EQ(content_disposition_filename("attachment"), "");
  EXPECT_EQ(content_disposition_filename(""), "");
  EXPECT_EQ(content_disposition_filename("attachment; filename*=bogus"), "");
}

TEST(ContentTypeTest, TheBytesDecide) {
  const std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj";
  EXPECT_EQ(recorded_content_type(pdf, "application/octet-stream", "", "https://t.test/DocumentCenter/View/12"),
            "application/pdf");
  EXPECT_EQ(recorded_content_type(pdf, "text/html; charset=utf-8", "", "https://t.test/ElectronicFile.aspx?docid=3"),
            "application/pdf");
  const std::string docx = std::string("PK\x03\x04", 4) + std::string(26, '\0') +
                           "[Content_Types].xml....word/document.xml";
  EXPECT_EQ(recorded_content_type(docx, "application/octet-stream", "", ""),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(recorded_content_type("{\\rtf1\\ansi Bylaw", "application/octet-stream", "", ""), "application/rtf");
  EXPECT_EQ(recorded_content_type(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 12), "", "", ""),
            "application/msword");
  EXPECT_EQ(recorded_content_type("<!doctype html><p>x", "application/octet-stream", "", ""), "text/html");
  EXPECT_EQ(recorded_content_type("<html><p>x", "text/html; charset=windows-1252", "", ""),
            "text/html; charset=windows-1252");
  // Bytes that say only "text": the server's word, else the file name, else the URL.
  EXPECT_EQ(recorded_content_type("Section 1.", "text/csv", "", ""), "text/csv");
  EXPECT_EQ(recorded_content_type("Section 1.", "application/octet-stream", "notes.txt", ""), "text/plain");
  EXPECT_EQ(recorded_content_type("Section 1.", "", "", "https://t.test/a.htm?x=1"), "text/html");
  EXPECT_EQ(recorded_content_type(std::string("\x01\x02\x03", 3), "application/octet-stream", "b.pdf", ""),
            "application/pdf");
}

}  // namespace
}  // namespace policyindex::crawler
