#include <gtest/gtest.h>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

TEST(RobotsTest, LongestMatchWinsAndAllowWinsTies) {
  auto r = Robots::parse(
      "User-agent: *\n"
      "Disallow: /private/\n"
      "Allow: /private/public-\n"
      "Disallow: /page\n"
      "Allow: /page\n"
      "Disallow: /*.cgi$\n"
      "Disallow: /search?*q=\n",
      "policyindex");
  struct Case {
    const char* path;
    bool allowed;
  } cases[] = {
      {"/", true},
      {"/private/x.pdf", false},
      {"/private/public-bylaws.pdf", true},
      {"/page", true},  // tie: allow
      {"/run.cgi", false},
      {"/run.cgi?x=1", true},  // '$' anchors at the end
      {"/search?lang=en&q=ice", false},
      {"/robots.txt", true},
  };
  for (const auto& c : cases) EXPECT_EQ(r.allowed(c.path), c.allowed) << c.path;
}

TEST(RobotsTest, OurGroupReplacesTheStarGroup) {
  const char* text =
      "User-agent: *\nDisallow: /\n\n"
      "User-agent: otherbot\nUser-agent: PolicyIndex\nDisallow: /drafts/\nCrawl-delay: 2.5\n\n"
      "User-agent: policyindex\nDisallow: /tmp/\n"
      "Sitemap: http://town.example.gov/sitemap.xml\n";
  auto r = Robots::parse(text, "policyindex");
  EXPECT_TRUE(r.allowed("/police/policies.html"));
  EXPECT_FALSE(r.allowed("/drafts/a.pdf"));
  EXPECT_FALSE(r.allowed("/tmp/a"));  // both of our groups are merged
  EXPECT_EQ(r.crawl_delay_ms(), 2500);
  ASSERT_EQ(r.sitemaps().size(), 1u);
  auto other = Robots::parse(text, "somebot");
  EXPECT_FALSE(other.allowed("/police/policies.html"));
}

TEST(RobotsTest, EmptyDisallowAndGarbageAllowEverything) {
  EXPECT_TRUE(Robots::parse("User-agent: *\nDisallow:\n", "policyindex").allowed("/x"));
  EXPECT_TRUE(Robots::parse("\xEF\xBB\xBFgarbage\n<html>not robots</html>", "policyindex").allowed("/x"));
  EXPECT_FALSE(Robots::parse("user-agent: *\r\ndisallow: /%7Ejoe/\r\n", "policyindex").allowed("/~joe/x"));
}

TEST(RobotsTest, WildcardMatcher) {
  EXPECT_TRUE(robots_pattern_matches("/a*b*c", "/axxbyyc/z"));
  EXPECT_FALSE(robots_pattern_matches("/a*b*c$", "/axxbyyc/z"));
  EXPECT_TRUE(robots_pattern_matches("/a*b*c$", "/axxbyycbc"));
  EXPECT_TRUE(robots_pattern_matches("*", ""));
  EXPECT_FALSE(robots_pattern_matches("/x", "/"));
}

}  // namespace
}  // namespace policyindex::crawler
