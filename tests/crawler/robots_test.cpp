// robots.txt per RFC 9309: one test per rule of §2.2 (grouping, product tokens, longest match,
// ties, percent-encoding, '*' and '$', empty rules), the file format (§2.1: BOM, line ends,
// comments; §2.5 size) and the fetch outcomes of §2.3.1. Fixtures are fictional.

#include <gtest/gtest.h>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

constexpr const char* kUa = "policyindex/0.1 (+https://example.org/bot)";

// §2.2.1: a line that is not user-agent (crawl-delay, sitemap, an unknown key) between two
// user-agent lines does not end the group: both agents are bound by its rules. (Bug: the
// first agent used to get an empty group.)
TEST(RobotsGroupingTest, OtherRecordsBetweenUserAgentLinesKeepOneGroup) {
  for (const char* between : {"Crawl-delay: 3", "Sitemap: https://a.example/s.xml", "X-Unknown: yes",
                              "Noindex: /x", "# just a comment", ""}) {
    std::string text = std::string("User-agent: PolicyIndex\n") + between +
                       "\nUser-agent: otherbot\nDisallow: /records/\n\nUser-agent: *\nDisallow: /\n";
    auto r = Robots::parse(text, kUa);
    EXPECT_FALSE(r.allowed("/records/minutes.pdf")) << "between: " << between;
    EXPECT_TRUE(r.allowed("/bylaws/")) << "between: " << between;  // not the '*' group
    auto other = Robots::parse(text, "otherbot");
    EXPECT_FALSE(other.allowed("/records/minutes.pdf")) << "between: " << between;
    EXPECT_TRUE(other.allowed("/bylaws/")) << "between: " << between;
  }
  // A crawl-delay among the user-agent lines belongs to the group.
  auto r = Robots::parse("User-agent: policyindex\nCrawl-delay: 4\nUser-agent: b\nDisallow: /x\n", kUa);
  EXPECT_EQ(r.crawl_delay_ms(), 4000);
}

// §2.2.1: a rule ends the list of agents; the next user-agent line opens a new group. Rules
// after unknown lines still belong to the group.
TEST(RobotsGroupingTest, RulesEndTheAgentListAndUnknownLinesDoNotEndRules) {
  const char* text =
      "User-agent: a\nDisallow: /a/\nSomething: else\nDisallow: /a2/\n"
      "User-agent: policyindex\nDisallow: /ours/\n";
  auto a = Robots::parse(text, "a");
  EXPECT_FALSE(a.allowed("/a/x"));
  EXPECT_FALSE(a.allowed("/a2/x"));
  EXPECT_TRUE(a.allowed("/ours/x"));
  auto us = Robots::parse(text, kUa);
  EXPECT_TRUE(us.allowed("/a/x"));
  EXPECT_FALSE(us.allowed("/ours/x"));
  // An empty Disallow is a rule too: it closes the agent list.
  auto b = Robots::parse("User-agent: policyindex\nDisallow:\nUser-agent: other\nDisallow: /\n", kUa);
  EXPECT_TRUE(b.allowed("/anything"));
}

// §2.2.1: several groups for the same agent are merged; rules before any user-agent line
// belong to no group.
TEST(RobotsGroupingTest, GroupsForOneAgentAreMerged) {
  const char* text =
      "Disallow: /orphan/\n"
      "User-agent: policyindex\nDisallow: /one/\n\n"
      "User-agent: *\nDisallow: /star/\n\n"
      "User-agent: POLICYINDEX\nDisallow: /two/\nAllow: /one/open\n";
  auto r = Robots::parse(text, kUa);
  EXPECT_FALSE(r.allowed("/one/x"));
  EXPECT_FALSE(r.allowed("/two/x"));
  EXPECT_TRUE(r.allowed("/one/open.pdf"));  // an allow from the second group overrides the first
  EXPECT_TRUE(r.allowed("/star/x"));         // the '*' group is not ours
  EXPECT_TRUE(r.allowed("/orphan/x"));
}

// §2.2.1: the product token is matched case-insensitively; a user-agent value's version and
// comment are not part of it; '*' is the fallback only when no group names us.
TEST(RobotsGroupingTest, ProductTokenMatchingAndStarFallback) {
  const char* text =
      "User-agent: *\nDisallow: /\n\n"
      "User-agent: PolicyIndex/2.0 (research)\nDisallow: /drafts/\n\n"
      "User-agent: policyindexer\nDisallow: /indexer/\n";
  auto r = Robots::parse(text, kUa);
  EXPECT_TRUE(r.allowed("/police/policies.html"));
  EXPECT_FALSE(r.allowed("/drafts/a.pdf"));
  EXPECT_TRUE(r.allowed("/indexer/x"));  // another product token, not a prefix match
  auto other = Robots::parse(text, "somebot/1.0");
  EXPECT_FALSE(other.allowed("/police/policies.html"));
  // A group naming us with no rules at all: everything allowed, '*' not consulted.
  auto empty = Robots::parse("User-agent: *\nDisallow: /\n\nUser-agent: policyindex\n", kUa);
  EXPECT_TRUE(empty.allowed("/x"));
  EXPECT_TRUE(empty.allows_all());
  // No group for us and no '*' group: allow all.
  EXPECT_TRUE(Robots::parse("User-agent: other\nDisallow: /\n", kUa).allowed("/x"));
}

// §2.2.2: the most specific (longest, in octets) match wins, whatever the order of lines.
TEST(RobotsMatchTest, LongestMatchWins) {
  auto r = Robots::parse(
      "User-agent: *\n"
      "Allow: /private/public-\n"
      "Disallow: /private/\n"
      "Disallow: /\n"
      "Allow: /$\n"
      "Allow: /bylaws\n"
      "Disallow: /bylaws/drafts\n",
      kUa);
  EXPECT_TRUE(r.allowed("/"));
  EXPECT_FALSE(r.allowed("/index.html"));
  EXPECT_FALSE(r.allowed("/private/x.pdf"));
  EXPECT_TRUE(r.allowed("/private/public-bylaws.pdf"));
  EXPECT_TRUE(r.allowed("/bylaws/chapter-1"));
  EXPECT_FALSE(r.allowed("/bylaws/drafts/2026.pdf"));
  // Rules are case-sensitive paths.
  EXPECT_FALSE(r.allowed("/Bylaws"));
}

// §2.2.2: with equally long allow and disallow matches, allow wins (in either order).
TEST(RobotsMatchTest, AllowWinsTies) {
  for (const char* text : {"User-agent: *\nDisallow: /page\nAllow: /page\n",
                           "User-agent: *\nAllow: /page\nDisallow: /page\n",
                           "User-agent: *\nDisallow: /p*ge\nAllow: /pa*e\n"}) {
    auto r = Robots::parse(text, kUa);
    EXPECT_TRUE(r.allowed("/page")) << text;
    EXPECT_TRUE(r.allowed("/page/2")) << text;
  }
  // One octet longer disallow beats the allow.
  EXPECT_FALSE(Robots::parse("User-agent: *\nAllow: /page\nDisallow: /page/\n", kUa).allowed("/page/2"));
}

// §2.2.2: an empty Disallow (or Allow) matches nothing.
TEST(RobotsMatchTest, EmptyRulesMatchNothing) {
  auto r = Robots::parse("User-agent: *\nDisallow:\nAllow:\n", kUa);
  EXPECT_TRUE(r.allowed("/x"));
  EXPECT_TRUE(r.allows_all());
  EXPECT_FALSE(Robots::parse("User-agent: *\nDisallow:\nDisallow: /x\n", kUa).allowed("/x/y"));
}

// §2.2.2: octets are compared percent-encoded consistently: unreserved %XX decoded on either
// side, hex case ignored, UTF-8 encoded, and %2F is not '/'.
TEST(RobotsMatchTest, PercentEncodingIsComparedInOneForm) {
  auto r = Robots::parse(
      "User-agent: *\n"
      "Disallow: /%7Ejoe/\n"
      "Disallow: /~ann/\n"
      "Disallow: /caf\xC3\xA9/\n"
      "Disallow: /r%c3%a9sum%C3%A9\n"
      "Disallow: /a%2Fb\n"
      "Disallow: /c/d\n"
      "Disallow: /q?x=%3d\n",
      kUa);
  EXPECT_FALSE(r.allowed("/~joe/x"));
  EXPECT_FALSE(r.allowed("/%7ejoe/x"));
  EXPECT_FALSE(r.allowed("/%7Eann/x"));
  EXPECT_FALSE(r.allowed("/caf%C3%A9/menu"));
  EXPECT_FALSE(r.allowed("/caf%c3%a9/menu"));
  EXPECT_FALSE(r.allowed("/caf\xC3\xA9/menu"));
  EXPECT_FALSE(r.allowed("/r\xC3\xA9sum\xC3\xA9.pdf"));
  EXPECT_FALSE(r.allowed("/a%2fb/c"));
  EXPECT_TRUE(r.allowed("/a/b/c"));    // an encoded slash is not a separator
  EXPECT_TRUE(r.allowed("/c%2Fd/e"));  // nor the other way round
  EXPECT_FALSE(r.allowed("/c/d/e"));
  EXPECT_FALSE(r.allowed("/q?x=%3D1"));
  EXPECT_TRUE(r.allowed("/q?x==1"));  // '=' is reserved: %3D and '=' differ
  EXPECT_EQ(robots_normalize_path("/%7e%41%2f%e3%83%84\xE3\x83\x84 x"), "/~A%2F%E3%83%84%E3%83%84%20x");
}

// §2.2.3: '*' matches any sequence of octets (also none), '$' at the end anchors the end; an
// encoded %2A / %24 in a pattern matches a literal '*' / '$' in the path.
TEST(RobotsMatchTest, StarAndDollar) {
  auto r = Robots::parse(
      "User-agent: *\n"
      "Disallow: /*.cgi$\n"
      "Disallow: /search?*q=\n"
      "Disallow: /docs/*/draft\n"
      "Disallow: /file-%2A.html\n"
      "Disallow: /price-%24\n"
      "Disallow: /x$y\n"
      "Disallow: /*/*/deep$\n",
      kUa);
  EXPECT_FALSE(r.allowed("/run.cgi"));
  EXPECT_FALSE(r.allowed("/a/b/run.cgi"));
  EXPECT_TRUE(r.allowed("/run.cgi?x=1"));
  EXPECT_TRUE(r.allowed("/run.cgi/more"));
  EXPECT_FALSE(r.allowed("/search?q=ice"));
  EXPECT_FALSE(r.allowed("/search?lang=en&q=ice"));
  EXPECT_FALSE(r.allowed("/docs/2026/draft-1.pdf"));
  EXPECT_FALSE(r.allowed("/docs//draft"));  // '*' matches nothing too
  EXPECT_TRUE(r.allowed("/docs/2026/final.pdf"));
  EXPECT_FALSE(r.allowed("/file-*.html"));
  EXPECT_TRUE(r.allowed("/file-1.html"));  // %2A is a literal star, not a wildcard
  EXPECT_FALSE(r.allowed("/price-$"));
  EXPECT_FALSE(r.allowed("/price-%24"));
  EXPECT_FALSE(r.allowed("/x$y/z"));  // a '$' that is not last is literal
  EXPECT_TRUE(r.allowed("/x"));
  EXPECT_FALSE(r.allowed("/a/b/deep"));
  EXPECT_TRUE(r.allowed("/a/b/deeper"));
}

TEST(RobotsMatchTest, WildcardMatcher) {
  EXPECT_TRUE(robots_pattern_matches("/a*b*c", "/axxbyyc/z"));
  EXPECT_FALSE(robots_pattern_matches("/a*b*c$", "/axxbyyc/z"));
  EXPECT_TRUE(robots_pattern_matches("/a*b*c$", "/axxbyycbc"));
  EXPECT_TRUE(robots_pattern_matches("*", ""));
  EXPECT_TRUE(robots_pattern_matches("/$", "/"));
  EXPECT_FALSE(robots_pattern_matches("/x", "/"));
  // Many stars against a long path stay fast (no exponential backtracking).
  std::string path(20000, 'a');
  EXPECT_FALSE(robots_pattern_matches("/*a*a*a*a*a*a*a*a*b$", "/" + path));
}

// The check runs on the path and query exactly as requested: parameter order is not
// rearranged (the second bug: a canonical URL with sorted parameters escaped
// "Disallow: /search?q=").
TEST(RobotsMatchTest, TheRequestedUrlIsCheckedAsIs) {
  auto r = Robots::parse("User-agent: *\nDisallow: /search?q=\nDisallow: /cal$\n", kUa);
  EXPECT_FALSE(r.allowed_url("https://town.example.gov/search?q=ice&lang=en"));
  EXPECT_TRUE(r.allowed_url("https://town.example.gov/search?lang=en&q=ice"));
  EXPECT_FALSE(r.allowed_url("http://town.example.gov:8080/cal#june"));
  EXPECT_FALSE(r.allowed_url("/search?q=x"));
  EXPECT_TRUE(r.allowed_url("https://town.example.gov"));
  EXPECT_EQ(robots_request_target("https://h.example/a/b?c=1&a=2#frag"), "/a/b?c=1&a=2");
  EXPECT_EQ(robots_request_target("https://h.example?x=1"), "/?x=1");
  EXPECT_EQ(robots_request_target("https://h.example"), "/");
  // robots.txt itself is always allowed.
  EXPECT_TRUE(Robots::parse("User-agent: *\nDisallow: /\n", kUa).allowed_url("https://h.example/robots.txt"));
}

// §2.1/§2.2: BOM, CR, LF and CRLF line ends, comments, case-insensitive keys, spaces around
// the colon; lines that are not records are ignored.
TEST(RobotsFormatTest, BomLineEndsAndComments) {
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    std::string text = std::string("\xEF\xBB\xBFUSER-AGENT : policyindex # us") + eol + "# a comment" + eol +
                       "disallow:/private/ # not /public/" + eol + "  Allow : /private/ok" + eol + "garbage line" +
                       eol + "Disallow: /hash#tag" + eol;
    auto r = Robots::parse(text, kUa);
    EXPECT_FALSE(r.allowed("/private/x")) << "eol " << static_cast<int>(eol[0]);
    EXPECT_TRUE(r.allowed("/private/ok")) << "eol " << static_cast<int>(eol[0]);
    EXPECT_TRUE(r.allowed("/public/x")) << "eol " << static_cast<int>(eol[0]);
    EXPECT_FALSE(r.allowed("/hash")) << "eol " << static_cast<int>(eol[0]);
  }
  EXPECT_TRUE(Robots::parse("\xEF\xBB\xBFgarbage\n<html>not robots</html>", kUa).allowed("/x"));
  auto r = Robots::parse("User-agent: *\nCrawl-delay: 2.5\nDisallow: /a\nSitemap: http://t.example/s.xml\n", kUa);
  EXPECT_EQ(r.crawl_delay_ms(), 2500);
  ASSERT_EQ(r.sitemaps().size(), 1u);
  EXPECT_EQ(r.sitemaps()[0], "http://t.example/s.xml");
}

// §2.5: at least 500 KiB are parsed; a rule past the limit is ignored, and a line cut by the
// limit is dropped rather than read as a shorter (broader) rule.
TEST(RobotsFormatTest, SizeLimit) {
  std::string text = "User-agent: *\n";
  const std::string filler = "Disallow: /filler/never/matches/anything/at/all/xxxxxxxxxxxxxxxx\n";
  while (text.size() + filler.size() < 500 * 1024) text += filler;
  text += "Disallow: /late-but-within-limit/\n";
  ASSERT_LT(text.size(), kRobotsMaxBytes);
  std::string cut = text;
  cut.append(kRobotsMaxBytes - cut.size() - 3, '#');
  cut += "\nDisallow: /\n";  // starts 2 bytes before the limit: cut to "Di"
  cut += "Disallow: /beyond/\n";
  auto r = Robots::parse(cut, kUa);
  EXPECT_FALSE(r.allowed("/late-but-within-limit/x"));
  EXPECT_TRUE(r.allowed("/other"));
  EXPECT_TRUE(r.allowed("/beyond/x"));
  // A line cut exactly by the limit: "Disallow: /a" must not become "Disallow: /".
  std::string edge = "User-agent: *\n";
  edge.append(kRobotsMaxBytes - edge.size() - 12, '#');
  edge += "\nDisallow: /abc\n";
  ASSERT_GT(edge.size(), kRobotsMaxBytes);
  EXPECT_TRUE(Robots::parse(edge, kUa).allowed("/x"));
}

// §2.3.1: 2xx parsed; 3xx left after redirects and 4xx mean "unavailable", allow all; 5xx,
// 429 and a failed transfer mean "unreachable": complete disallow (nullopt).
TEST(RobotsFetchTest, StatusSemantics) {
  const char* body = "User-agent: *\nDisallow: /x\n";
  auto ok = Robots::from_fetch(200, true, body, kUa);
  ASSERT_TRUE(ok.has_value());
  EXPECT_FALSE(ok->allowed("/x"));
  for (long status : {301L, 400L, 401L, 403L, 404L, 410L}) {
    auto r = Robots::from_fetch(status, true, body, kUa);
    ASSERT_TRUE(r.has_value()) << status;
    EXPECT_TRUE(r->allows_all()) << status;
  }
  for (long status : {429L, 500L, 503L, 599L, 100L}) {
    EXPECT_FALSE(Robots::from_fetch(status, true, body, kUa).has_value()) << status;
  }
  EXPECT_FALSE(Robots::from_fetch(200, false, body, kUa).has_value());
}

// The crawl requests (and checks) a link as written: parse_request_url keeps the query's
// order, empty path segments and %XX as they are, while the canonical URL (the key) sorts
// and decodes. A rule written for the parameter order of the page matches the request.
TEST(RobotsRequestUrlTest, LinksAreRequestedAsWritten) {
  auto page = parse_request_url("HTTP://Town.Test:80/dept/index.html?b=2&a=1");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->str(), "http://town.test/dept/index.html?b=2&a=1");
  auto w = parse_request_url("../search?q=ice&lang=en#top", &*page);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->str(), "http://town.test/search?q=ice&lang=en");
  EXPECT_EQ(*canonical_url(w->str()), "http://town.test/search?lang=en&q=ice");
  EXPECT_EQ(parse_request_url("/a//b/%7Eclerk/x y.pdf", &*page)->str(),
            "http://town.test/a//b/%7Eclerk/x%20y.pdf");
  EXPECT_FALSE(parse_request_url("mailto:clerk@town.test").has_value());

  auto robots = Robots::parse("User-agent: *\nDisallow: /search?q=\n", kUa);
  EXPECT_FALSE(robots.allowed_url(w->str()));
  EXPECT_TRUE(robots.allowed_url(*canonical_url(w->str())));  // what the old check saw

  auto links = extract_links("<a href='/search?q=ice&amp;lang=en'>Search</a>"
                             "<a href='/search?lang=en&amp;q=ice'>Again</a>",
                             *page);
  ASSERT_EQ(links.size(), 1u);  // one canonical URL
  EXPECT_EQ(links[0].url, "http://town.test/search?lang=en&q=ice");
  EXPECT_EQ(links[0].written, "http://town.test/search?q=ice&lang=en");
}

}  // namespace
}  // namespace policyindex::crawler
