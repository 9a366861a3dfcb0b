// The tour as people read it and as JSON, printed from answers built from expected.json
// (no pipeline run): the four questions, the commands that ask them, and their answers.

#include <sstream>

#include "demo/demo.h"
#include "tests/demo/demo_checks.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;

class DemoTourTest : public ::testing::Test {
 protected:
  void SetUp() override {
    expected_ = json::parse(testing::read_file(testing::source_dir() / "demo/sample/expected.json"));
    json answers = demo_checks::expected_answers(expected_);
    tour_.search = answers["search"];
    tour_.peers = answers["peers"];
    tour_.matrix = answers["matrix"];
    tour_.scorecards = answers["scorecards"];
    for (const auto& [town, t] : expected_["towns"].items()) towns_.push_back(town);
  }
  json expected_;
  demo::Tour tour_;
  std::vector<std::string> towns_;
};

TEST_F(DemoTourTest, PrintsTheFourQuestionsWithTheirAnswers) {
  // Text mode asks for one scorecard only: Saltmarsh Harbor's.
  json one = json::object();
  one[demo::kScorecardTown] = tour_.scorecards[demo::kScorecardTown];
  tour_.scorecards = one;
  std::ostringstream out;
  demo::print_tour(tour_, towns_, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("1. Which towns ban 287(g) agreements?"), std::string::npos) << text;
  EXPECT_NE(text.find("$ policyindex search '287(g)' --provision 287g --stance protective"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Dunmore Landing (1)"), std::string::npos) << text;
  EXPECT_NE(text.find("2. How does Saltmarsh Harbor score"), std::string::npos) << text;
  EXPECT_NE(text.find("mixed"), std::string::npos) << text;
  EXPECT_NE(text.find("- Marrowfield (Worcester, same county): green"), std::string::npos) << text;
  EXPECT_NE(text.find("   Wexcombe           ✘  ✘  ✘  ·  ✘  ·  · "), std::string::npos) << text;
}

TEST_F(DemoTourTest, TheMatrixShowsOnlyTheSampleTowns) {
  std::ostringstream out;
  demo::print_tour(tour_, {"Wexcombe"}, out);
  EXPECT_NE(out.str().find("   Wexcombe "), std::string::npos);
  EXPECT_EQ(out.str().find("   Alderbrook "), std::string::npos) << out.str();
}

TEST_F(DemoTourTest, TheJsonCarriesTheAnswersAndWhereTheDataIs) {
  demo::Run run;
  run.data = "/tmp/d";
  run.registry_dir = "/tmp/d/sample-registry";
  run.sample_port = 4242;
  run.tour = tour_;
  json j = demo::tour_json(run);
  EXPECT_EQ(j["data"], "/tmp/d");
  EXPECT_EQ(j["sample"]["port"], 4242);
  EXPECT_EQ(j["sample"]["registry"], "/tmp/d/sample-registry");
  EXPECT_TRUE(demo_checks::check_scorecards(j, expected_).empty());
  EXPECT_TRUE(demo_checks::check_matrix(j, expected_).empty());
  // A wrong answer is caught by the same checks.
  j["scorecards"]["Wexcombe"]["Q1"]["verdict"] = "green";
  EXPECT_FALSE(demo_checks::check_scorecards(j, expected_).empty());
}

}  // namespace
}  // namespace policyindex
