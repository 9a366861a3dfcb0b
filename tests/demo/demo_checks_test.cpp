// The end-to-end checks themselves: a tour that matches expected.json passes, and each kind
// of wrong answer is reported. (So a green end-to-end run means something.)

#include "tests/demo/demo_checks.h"

#include "tests/testing/testing.h"

namespace policyindex::demo_checks {
namespace {

json expected() {
  return json::parse(testing::read_file(testing::source_dir() / "demo/sample/expected.json"));
}

json perfect_tour(const json& exp) { return expected_answers(exp); }

TEST(DemoChecksTest, PerfectAnswersPass) {
  json exp = expected();
  json tour = perfect_tour(exp);
  EXPECT_TRUE(check_scorecards(tour, exp).empty());
  EXPECT_TRUE(check_matrix(tour, exp).empty());
  EXPECT_TRUE(check_search_facet(tour["search"], exp["facets"][0]).empty());
  EXPECT_TRUE(check_peers(tour["peers"], exp["peers"][0]).empty());
}

TEST(DemoChecksTest, AWrongVerdictIsNamed) {
  json exp = expected();
  json tour = perfect_tour(exp);
  tour["scorecards"]["Wexcombe"]["Q2"]["verdict"] = "absent";
  tour["scorecards"].erase("Granite Bend");
  auto bad = check_scorecards(tour, exp);
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0], "Granite Bend: no scorecard in the tour");
  EXPECT_EQ(bad[1], "Wexcombe Q2: expected red, got absent");
  tour["matrix"]["rows"][0]["cells"]["Q7"] = "no document";
  EXPECT_EQ(check_matrix(tour, exp).size(), 1u);
}

TEST(DemoChecksTest, FacetTownsMustMatchExactly) {
  json exp = expected();
  const json& facet = exp["facets"][0];
  json search = {{"facets", {{"town", json::object()}}}};
  for (const auto& t : facet["towns"]) search["facets"]["town"][t.get<std::string>()] = 2;
  EXPECT_TRUE(check_search_facet(search, facet).empty());
  search["facets"]["town"]["Wexcombe"] = 1;  // a town too many
  EXPECT_EQ(check_search_facet(search, facet).size(), 1u);
}

TEST(DemoChecksTest, PeersFirstAndIncluded) {
  json exp = expected()["peers"][0];
  json peers = {
      {"provisions",
       {{{"provision", "info_sharing"},
         {"peers",
          {{{"town", "Marrowfield"}}, {{"town", "Alderbrook"}}, {{"town", "Fernhollow"}}}}}}}};
  EXPECT_TRUE(check_peers(peers, exp).empty());
  peers["provisions"][0]["peers"][0]["town"] = "Wexcombe";
  auto bad = check_peers(peers, exp);
  EXPECT_EQ(bad.size(), 3u);  // wrong first, Marrowfield missing, the town itself listed
}

TEST(DemoChecksTest, AccessLogCatchesRobotsViolationsAndMissedRedirects) {
  json exp = expected();
  std::vector<std::pair<std::string, std::string>> addresses = {
      {"brantwick", "127.0.0.9"}, {"marrowfield", "127.0.0.8"}, {"alderbrook", "127.0.0.2"}};
  std::string good =
      "127.0.0.9 GET /robots.txt 200 10\n127.0.0.9 GET /police/ 200 10\n"
      "127.0.0.8 GET /robots.txt 404 10\n"
      "127.0.0.8 GET /uploads/2019/trust-bylaw.pdf 301 10\n"
      "127.0.0.8 GET /documents/general-bylaws/article-24-trust.pdf 200 10\n"
      "127.0.0.2 GET /robots.txt 200 10\n127.0.0.2 GET /police-department 302 10\n"
      "127.0.0.2 GET /police/ 200 10\n";
  EXPECT_TRUE(check_access_log(good, exp, addresses).empty());
  auto bad = check_access_log(good + "127.0.0.9 GET /staff/drafts/immigration-memo.html 200 10\n",
                              exp, addresses);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("robots.txt ignored"), std::string::npos);
  EXPECT_FALSE(check_access_log("127.0.0.9 GET /police/ 200 10\n", exp, addresses).empty());
}

}  // namespace
}  // namespace policyindex::demo_checks
