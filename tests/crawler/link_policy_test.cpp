// The link policy's rules alone: session parameters, the towns' own hosts (alternate and
// moved domains), document hosts, date traps and variant patterns.

#include <gtest/gtest.h>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

TEST(SessionParamsTest, CanonicalizationDropsSessionAndTrackingTokens) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"http://t.example.gov/news?utm_source=fb&utm_medium=x&id=4",
       "http://t.example.gov/news?id=4"},
      {"http://t.example.gov/a?PHPSESSID=9f8e7d6c5b4a&b=1", "http://t.example.gov/a?b=1"},
      {"http://t.example.gov/a?ASPSESSIONIDQQ=XYZ&fbclid=abc&gclid=def", "http://t.example.gov/a"},
      {"http://t.example.gov/a;jsessionid=0123ABCD/b.html?x=1",
       "http://t.example.gov/a/b.html?x=1"},
      {"http://t.example.gov/docs/list.jsp;JSESSIONID=AB12", "http://t.example.gov/docs/list.jsp"},
      {"http://t.example.gov/(S(lit3py55t21z5v55vlm25s55))/Bylaws.aspx",
       "http://t.example.gov/Bylaws.aspx"},
      {"http://t.example.gov/(X(1)S(abcdefabcdef))/a/b.aspx?Id=3",
       "http://t.example.gov/a/b.aspx?Id=3"},
      {"http://t.example.gov/p?sid=a81f0c33de9b4477aa01&page=2", "http://t.example.gov/p?page=2"},
      // A short "sid" is a section id, not a session.
      {"http://t.example.gov/p?sid=12", "http://t.example.gov/p?sid=12"},
      // Not a session segment: ordinary parentheses stay.
      {"http://t.example.gov/bylaw(2019).pdf", "http://t.example.gov/bylaw(2019).pdf"},
  };
  for (const auto& c : cases) {
    auto u = canonical_url(c.in);
    ASSERT_TRUE(u) << c.in;
    EXPECT_EQ(*u, c.want) << c.in;
  }
}

TEST(TownDomainTest, KeysOfMovedAndAlternateDomains) {
  EXPECT_EQ(town_domain_key("town.ashbrook.ma.us"), "ashbrook");
  EXPECT_EQ(town_domain_key("www.ci.ashbrook.ma.us"), "ashbrook");
  EXPECT_EQ(town_domain_key("ashbrookma.gov"), "ashbrook");
  EXPECT_EQ(town_domain_key("www.ashbrook-ma.gov"), "ashbrook");
  EXPECT_EQ(town_domain_key("townofashbrook.gov"), "ashbrook");
  EXPECT_EQ(town_domain_key("ashbrookma.org"), "ashbrook");
  EXPECT_EQ(town_domain_key("ashbrook.org"), "") << "a .org without 'ma' could be anyone's";
  EXPECT_EQ(town_domain_key("ashbrook.example"), "");
}

TEST(SiteMapTest, TheTownsOwnHostsAreOneSite) {
  SiteMap sites;
  sites.add(7, "https://www.ashbrookma.gov/");
  sites.add(7, "ashbrook-police.org");  // police_website
  sites.add(7, "ashbrook-ma.gov");      // alt_domains
  sites.add(9, "https://corvale.gov/");
  sites.add(9, "shared-region.org");
  sites.add(7, "shared-region.org");  // claimed by two towns: nobody's own
  EXPECT_EQ(sites.owner("ashbrookma.gov"), 7);
  EXPECT_EQ(sites.owner("www.ashbrook-police.org"), 7);
  EXPECT_FALSE(sites.owner("shared-region.org").has_value());

  // www / bare and subdomains, as before.
  EXPECT_TRUE(sites.same_town("www.ashbrookma.gov", 7, "ashbrookma.gov"));
  EXPECT_TRUE(sites.same_town("ashbrookma.gov", 7, "police.ashbrookma.gov"));
  // The registry's hosts of the same town, and their subdomains.
  EXPECT_TRUE(sites.same_town("ashbrookma.gov", 7, "ashbrook-police.org"));
  EXPECT_TRUE(sites.same_town("ashbrookma.gov", 7, "records.ashbrook-police.org"));
  EXPECT_TRUE(sites.same_town("ashbrookma.gov", std::nullopt, "ashbrook-ma.gov"))
      << "the page's host names its town";
  // The moved domain, by name.
  EXPECT_TRUE(sites.same_town("ashbrookma.gov", 7, "www.town.ashbrook.ma.us"));
  EXPECT_TRUE(sites.same_town("town.ashbrook.ma.us", std::nullopt, "ashbrookma.gov"));
  // Not the town's: another town, a shared site, a look-alike without "Massachusetts".
  EXPECT_FALSE(sites.same_town("ashbrookma.gov", 7, "corvale.gov"));
  EXPECT_FALSE(sites.same_town("ashbrookma.gov", 7, "shared-region.org"));
  EXPECT_FALSE(sites.same_town("ashbrookma.gov", 7, "ashbrook.gov"));
  EXPECT_FALSE(sites.same_town("ashbrookma.gov", 7, "ashbrook.k12.ma.us"));
  EXPECT_FALSE(sites.same_town("ashbrookma.gov", 7, "news.example.com"));
}

TEST(DocumentHostTest, KnownFileStoresOnly) {
  EXPECT_TRUE(is_document_host("docs.google.com"));
  EXPECT_TRUE(is_document_host("ashbrook-files.s3.amazonaws.com"));
  EXPECT_TRUE(is_document_host("d3abc.cloudfront.net"));
  EXPECT_TRUE(is_document_host("ma-ashbrook.civicplus.com"));
  EXPECT_FALSE(is_document_host("amazonaws.com.evil.example"));
  EXPECT_FALSE(is_document_host("notcivicplus.com"));
  EXPECT_FALSE(is_document_host("www.boston-newspaper.example"));
}

TEST(TrapTest, DatesInPathsAndParameters) {
  auto trap = [](const char* url) { return is_date_trap(*parse_url(url)); };
  EXPECT_TRUE(trap("http://t.example.gov/calendar/2024/05/17"));
  EXPECT_TRUE(trap("http://t.example.gov/calendar/2024/5"));
  EXPECT_TRUE(trap("http://t.example.gov/events/2024-05-17/"));
  EXPECT_TRUE(trap("http://t.example.gov/events/day/20240517"));
  EXPECT_TRUE(trap("http://t.example.gov/Calendar.aspx?month=5&year=2031"));
  EXPECT_TRUE(trap("http://t.example.gov/cal?date=05%2F17%2F2024"));
  EXPECT_TRUE(trap("http://t.example.gov/agenda?start=2024-05-01&end=2024-05-31"));
  EXPECT_FALSE(trap("http://t.example.gov/news?start=20")) << "a list offset";
  EXPECT_FALSE(trap("http://t.example.gov/DocumentCenter/View/2024"));
  EXPECT_FALSE(trap("http://t.example.gov/bylaws/chapter-12"));
}

TEST(TrapTest, VariantPatternKeepsNamesNotValues) {
  auto pattern = [](const char* url) { return variant_pattern(*parse_url(url)); };
  EXPECT_EQ(pattern("http://t.example.gov/Calendar/2024/05/17"), "t.example.gov/calendar/{date}");
  EXPECT_EQ(pattern("http://t.example.gov/calendar/2031/12/01"), "t.example.gov/calendar/{date}");
  EXPECT_EQ(pattern("http://t.example.gov/list?type=b&sort=a&type=c"),
            "t.example.gov/list?sort&type&");
  EXPECT_NE(pattern("http://t.example.gov/news/2017/03/trust-act"),
            pattern("http://t.example.gov/news/2017/03/fireworks"));
}

}  // namespace
}  // namespace policyindex::crawler
