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

TEST(ExtractLinksTest, ContextAndCanonical) {
  auto page = parse_url("http://ashbrook.example/select-board/votes");
  auto found = extract_page_links(
      "<html><head><link rel='Canonical' href='/select-board/votes/'></head><body>"
      "<p>On March 3 the Select Board adopted the <b>Trust Act</b> policy; read "
      "<a href='/files/vote-17.pdf'>the signed vote</a> (PDF).</p>"
      "<table><tr><td>Bias-Free Policing</td><td><a href='/files/p-4.pdf'>download</a></td></tr>"
      "</table>"
      "<ul><li><a href='/parks'>Parks</a></li></ul>"
      "</body></html>",
      *page);
  EXPECT_EQ(found.canonical, "http://ashbrook.example/select-board/votes/");
  ASSERT_EQ(found.links.size(), 3u);
  EXPECT_EQ(found.links[0].anchor, "the signed vote");
  EXPECT_NE(found.links[0].context.find("adopted the Trust Act policy"), std::string::npos)
      << found.links[0].context;
  EXPECT_EQ(found.links[0].context.find("the signed vote"), std::string::npos);
  EXPECT_NE(found.links[1].context.find("Bias-Free Policing"), std::string::npos)
      << "a table cell's context is its row: " << found.links[1].context;
  EXPECT_EQ(found.links[2].context, "");
  EXPECT_EQ(extract_page_links("<a href='/x'>x</a>", *page).canonical, "");
}

TEST(PolicyScoreTest, WordsRealPoliciesUse) {
  for (const char* anchor : {"Foreign Nationals: Arrest and Detention", "Bias-Free Policing",
                             "Consular Notification", "Civil Immigration Detainers",
                             "Deportation Assistance", "Welcoming Community", "Sanctuary City"}) {
    EXPECT_EQ(policy_score("http://t.example/x", anchor), 3) << anchor;
  }
  EXPECT_EQ(policy_score("http://t.example/select-board/minutes", ""), 1);
}

TEST(LinkRelevanceTest, OwnWordsThenContextThenNothing) {
  const int topic = link_relevance("http://t.example/p/trust-act.pdf", "", "", true);
  const int strong = link_relevance("http://t.example/bylaws", "General Bylaws", "", false);
  const int context = link_relevance("http://t.example/f/17.pdf", "the vote",
                                     "the Select Board adopted the Trust Act", true);
  const int nothing = link_relevance("http://t.example/news/fair", "County Fair", "", false);
  EXPECT_GT(topic, context);
  EXPECT_GT(context, strong) << "on-topic text around a link beats a strong but general word";
  EXPECT_GT(strong, nothing);
  EXPECT_EQ(nothing, 0);
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
