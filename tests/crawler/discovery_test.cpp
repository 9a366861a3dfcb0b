#include <gtest/gtest.h>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

TEST(ExtractLinksTest, ResolvesDedupesAndKeepsAnchorText) {
  auto page = parse_url("http://ashbrook.example/police/index.html");
  auto links = extract_links(
      "<html><head><base href='/police/'></head><body>"
      "<a href='policies.html'>Policies &amp; <b>Procedures</b></a>"
      "<a href='./policies.html#top'>again</a>"
      "<a href='mailto:chief@ashbrook.example'>mail</a>"
      "<a href='javascript:void(0)'>js</a>"
      "<a href='/files/go.pdf'><img alt='General Order 4.12'></a>"
      "<iframe src='/embed/trust.pdf'></iframe>"
      "<script>var a = '<a href=\"/nope\">';</script>"
      "</body></html>",
      *page);
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0].url, "http://ashbrook.example/police/policies.html");
  EXPECT_EQ(links[0].anchor, "Policies & Procedures");
  EXPECT_EQ(links[1].url, "http://ashbrook.example/files/go.pdf");
  EXPECT_EQ(links[1].anchor, "General Order 4.12");
  EXPECT_EQ(links[2].url, "http://ashbrook.example/embed/trust.pdf");
}

TEST(ExtractLinksTest, HandlesWindows1252Pages) {
  auto page = parse_url("http://ashbrook.example/");
  auto links = extract_links("<a href='/r\xE8glement.pdf'>R\xE8glement \x96 Bylaw</a>", *page);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].url, "http://ashbrook.example/r%C3%A8glement.pdf");
  EXPECT_EQ(links[0].anchor, "R\xC3\xA8glement \xE2\x80\x93 Bylaw");
}

TEST(ExtractLinksTest, DeepNestingIsCheap) {
  std::string html;
  for (int i = 0; i < 20000; ++i) html += "<div>";
  html += "<a href='/deep.pdf'>deep</a>";
  auto page = parse_url("http://ashbrook.example/");
  auto links = extract_links(html, *page);
  ASSERT_EQ(links.size(), 1u);
}

TEST(PolicyScoreTest, MunicipalWords) {
  struct Case {
    const char* url;
    const char* anchor;
    int score;
  } cases[] = {
      {"http://t.example/DocumentCenter/View/12/Trust-Act", "", 3},
      {"http://t.example/x", "Welcoming Community Ordinance", 3},
      {"http://t.example/police/ice-detainers.pdf", "", 3},
      {"http://t.example/clerk/general-bylaws.pdf", "General By-Laws", 2},
      {"http://t.example/GeneralOrders/4-12.pdf", "", 2},
      {"http://t.example/code", "Code of Ordinances", 2},
      {"http://t.example/police/", "Police Department", 1},
      {"http://t.example/privacy-policy.html", "Privacy Policy", 0},
      {"http://t.example/rec/ice-rink.pdf", "Ice Rink Rules", 0},
      {"http://t.example/parks/", "Parks and Recreation", 0},
      {"http://t.example/calendar?month=5", "Calendar", 0},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(policy_score(c.url, c.anchor), c.score) << c.url << " | " << c.anchor;
  }
}

TEST(GuessDocTypeTest, FromUrlAndAnchor) {
  EXPECT_EQ(guess_doc_type("http://t.example/police/go-4-12.pdf", "General Order 4.12"), "police_policy");
  EXPECT_EQ(guess_doc_type("http://t.example/clerk/general-bylaws.pdf", ""), "bylaw");
  EXPECT_EQ(guess_doc_type("http://t.example/x.pdf", "Trust Ordinance"), "ordinance");
  EXPECT_EQ(guess_doc_type("http://t.example/mayor/eo-2017-1.pdf", "Executive Order 2017-1"), "executive_order");
  EXPECT_EQ(guess_doc_type("http://t.example/welcoming.html", ""), "policy");
  EXPECT_EQ(guess_doc_type("http://t.example/about.html", "About us"), "");
  EXPECT_TRUE(is_document_url("http://t.example/a/B.PDF?download=1"));
  EXPECT_TRUE(is_document_url("http://t.example/DocumentCenter/View/123"));
  EXPECT_FALSE(is_document_url("http://t.example/pdf-library.html"));
}

TEST(SitemapTest, UrlsetAndIndex) {
  bool index = true;
  auto locs = parse_sitemap(
      "<?xml version='1.0'?><urlset><url><loc> http://t.example/a?x=1&amp;y=2 </loc></url>"
      "<url><loc>http://t.example/b</loc></url></urlset>",
      &index);
  EXPECT_FALSE(index);
  ASSERT_EQ(locs.size(), 2u);
  EXPECT_EQ(locs[0], "http://t.example/a?x=1&y=2");
  parse_sitemap("<sitemapindex><sitemap><loc>http://t.example/s1.xml</loc></sitemap></sitemapindex>", &index);
  EXPECT_TRUE(index);
}

}  // namespace
}  // namespace policyindex::crawler
