// The statewide map over a real catalog (fixture rows, no index): the marks follow the
// verdicts the Api computes from the stored provision hits, for real municipality names (the
// only ones the map can place), with a town that has nothing in the corpus shown as such.
#include <gtest/gtest.h>

#include "serve/http_handler.h"
#include "tests/index/fixture.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string mark_of(const std::string& body, const std::string& town) {
  const std::string open = "<a href=\"/town/" + town + "\" class=\"st-";
  const size_t i = body.find(open);
  return i == std::string::npos ? "" : body.substr(i, body.find("</a>", i) - i);
}

corpus::StoredHit hit(const std::string& provision, const std::string& stance, const std::string& text) {
  return corpus::StoredHit{provision, stance, text, 0, static_cast<int64_t>(text.size()), "fixture"};
}

TEST(MapCorpusTest, MarksFollowTheCorpusVerdicts) {
  testing::TempDir dir;
  {
    auto store = corpus::Store::open(dir / "data");
    ASSERT_TRUE(store) << store.error().message;
    const std::string no = "The Town shall not enter into any agreement under section 287(g).";
    const std::string yes = "The Chief of Police may enter into an agreement under section 287(g).";
    testing::add_document(*store, "Amherst", "https://amherst.example/a.pdf", "ordinance", "Trust Bylaw",
                          {{"1", "Agreements", no, 1, {hit("287g", "protective", no)}, {}}});
    testing::add_document(*store, "Salem", "https://salem.example/p.pdf", "police_policy", "Policy 12",
                          {{"1", "Agreements", yes, 1, {hit("287g", "permissive", yes)}, {}}});
    testing::add_document(*store, "Worcester", "https://worcester.example/p.pdf", "police_policy", "Policy 3",
                          {{"1", "Agreements", yes, 1, {hit("287g", "permissive", yes)}, {}},
                           {"2", "Agreements", no, 1, {hit("287g", "protective", no)}, {}}});
  }
  auto api = query::open_api(dir / "data");
  ASSERT_TRUE(api) << api.error().message;
  auto r = serve::handle_request(serve::HttpRequest{"GET", "/map?q=Q7", {}, ""}, **api);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  EXPECT_TRUE(contains(mark_of(r.body, "Amherst"), "class=\"st-green\"><title>Amherst: Protective</title>"))
      << mark_of(r.body, "Amherst");
  EXPECT_TRUE(contains(mark_of(r.body, "Salem"), "class=\"st-red\"><title>Salem: Permits cooperation</title>"))
      << mark_of(r.body, "Salem");
  EXPECT_TRUE(contains(mark_of(r.body, "Worcester"), "class=\"st-mixed\"")) << mark_of(r.body, "Worcester");
  // Nothing of Boston in the corpus, no crawl: not crawled, on the map and in the table.
  EXPECT_TRUE(contains(mark_of(r.body, "Boston"), "class=\"st-not-crawled\"")) << mark_of(r.body, "Boston");
  EXPECT_TRUE(contains(r.body, "<tr class=\"st-not-crawled\"><th scope=\"row\"><a href=\"/town/Boston\">Boston</a>"));
  // On a question its documents do not address, Amherst is silent.
  auto q1 = serve::handle_request(serve::HttpRequest{"GET", "/map?q=Q1", {}, ""}, **api);
  EXPECT_TRUE(contains(mark_of(q1.body, "Amherst"), "class=\"st-not-addressed\"")) << mark_of(q1.body, "Amherst");
  // Every municipality of the catalog has a row.
  size_t rows = 0;
  for (size_t i = r.body.find("<tr class=\"st-"); i != std::string::npos; i = r.body.find("<tr class=\"st-", i + 1)) ++rows;
  EXPECT_GE(rows, 351u);
}

}  // namespace
}  // namespace policyindex
