// The demo's own work, without the other modules: it serves the sample, prepares the data
// directory, runs the steps in order with the right arguments, prints the tour from the
// answers, and serves. A stand-in program ($POLICYINDEX_DEMO_COMMAND) plays crawl, extract,
// index, the queries and serve, answering with expected.json's verdicts.

#include <sys/stat.h>

#include <fstream>

#include "tests/demo/demo_checks.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class DemoOrchestrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    expected_ =
        json::parse(testing::read_file(testing::source_dir() / "corpus/sample/expected.json"));
    json answers = demo_checks::expected_answers(expected_);
    const fs::path a = dir_ / "answers";
    fs::create_directories(a);
    testing::write_file(a / "search.json", answers["search"].dump());
    testing::write_file(a / "peers.json", answers["peers"].dump());
    testing::write_file(a / "matrix.json", answers["matrix"].dump());
    for (const auto& [town, card] : answers["scorecards"].items()) {
      std::string f = town;
      for (auto& c : f) c = c == ' ' ? '_' : c;
      testing::write_file(a / ("scorecard-" + f + ".json"), card.dump());
    }
    // The stand-in: logs its arguments; the crawl checks that the registry it is given
    // exists and points at a live port; queries print the canned answers.
    const fs::path script = dir_ / "fake-policyindex";
    testing::write_file(
        script,
        "#!/bin/sh\n"
        "A=" +
            a.string() +
            "\n"
            "while [ \"$1\" = --data ] || [ \"$1\" = --quiet ]; do\n"
            "  if [ \"$1\" = --data ]; then echo \"data $2\" >> $A/calls.log; shift; fi; shift\n"
            "done\n"
            "echo \"$*\" >> $A/calls.log\n"
            "case \"$1\" in\n"
            "  crawl) [ \"$2\" = --registry ] && grep -q 'http://127.0.0.2:' "
            "\"$3/municipalities.tsv\" || exit 1 ;;\n"
            "  extract|index|serve) ;;\n"
            "  search) cat $A/search.json ;;\n"
            "  scorecard) cat \"$A/scorecard-$(echo \"$2\" | tr ' ' _).json\" ;;\n"
            "  peers) cat $A/peers.json ;;\n"
            "  matrix) cat $A/matrix.json ;;\n"
            "  *) echo \"unexpected command $1\" >&2; exit 2 ;;\n"
            "esac\n");
    ::chmod(script.c_str(), 0755);
    env_ = "POLICYINDEX_DEMO_COMMAND=" + script.string() + " ";
  }
  std::string demo(const std::string& args, std::string* out, std::string* err) {
    int rc = testing::run_command(env_ + testing::policyindex_binary().string() + " demo --data " +
                                      (dir_ / "data").string() + " " + args,
                                  out, err);
    return std::to_string(rc);
  }
  std::string calls() { return testing::read_file(dir_ / "answers/calls.log"); }

  testing::TempDir dir_;
  json expected_;
  std::string env_;
};

TEST_F(DemoOrchestrationTest, RunsTheStepsInOrderAndReturnsTheAnswersAsJson) {
  std::string out, err;
  ASSERT_EQ(demo("--no-serve --format json", &out, &err), "0") << err;
  json tour = json::parse(out);
  EXPECT_TRUE(demo_checks::check_scorecards(tour, expected_).empty());
  EXPECT_TRUE(demo_checks::check_matrix(tour, expected_).empty());
  EXPECT_EQ(tour["data"], (dir_ / "data").string());
  std::string log = calls();
  auto crawl = log.find("crawl --registry " + (dir_ / "data/sample-registry").string());
  auto extract = log.find("\nextract\n");
  auto index = log.find("\nindex\n");
  auto search = log.find("search 287(g) --provision 287g --stance protective");
  ASSERT_NE(crawl, std::string::npos) << log;
  ASSERT_NE(extract, std::string::npos) << log;
  ASSERT_NE(index, std::string::npos) << log;
  ASSERT_NE(search, std::string::npos) << log;
  EXPECT_LT(crawl, extract);
  EXPECT_LT(extract, index);
  EXPECT_LT(index, search);
  EXPECT_NE(log.find("data " + (dir_ / "data").string()), std::string::npos);
  for (const auto& [town, t] : expected_["towns"].items()) {
    EXPECT_NE(log.find("scorecard " + town + " --format json"), std::string::npos) << town;
  }
  EXPECT_NE(log.find("peers Wexcombe --provision info_sharing --format json"), std::string::npos);
  EXPECT_EQ(log.find("serve"), std::string::npos);  // --no-serve
  // The data directory: marked as the demo's, with the live registry loaded.
  EXPECT_TRUE(fs::exists(dir_ / "data/.policyindex-demo"));
  EXPECT_TRUE(fs::exists(dir_ / "data/catalog.sqlite"));
  EXPECT_TRUE(fs::exists(dir_ / "data/sample-access.log"));
}

TEST_F(DemoOrchestrationTest, PrintsTheTourAndServes) {
  std::string out, err;
  ASSERT_EQ(demo("--port 18999", &out, &err), "0") << err;
  EXPECT_NE(out.find("1. Which towns ban 287(g) agreements?"), std::string::npos) << out;
  EXPECT_NE(out.find("Dunmore Landing (1)"), std::string::npos) << out;
  EXPECT_NE(out.find("2. How does Saltmarsh Harbor score"), std::string::npos) << out;
  EXPECT_NE(out.find("mixed"), std::string::npos);
  EXPECT_NE(out.find("- Marrowfield (Worcester, same county): green"), std::string::npos) << out;
  EXPECT_NE(out.find("   Wexcombe           ✘  ✘  ✘  ·  ✘  ·  · "), std::string::npos) << out;
  EXPECT_NE(out.find("The web page: http://127.0.0.1:18999/"), std::string::npos) << out;
  EXPECT_NE(err.find("demo: [1/4] crawling"), std::string::npos) << err;
  EXPECT_NE(calls().find("serve --bind 127.0.0.1 --port 18999"), std::string::npos);
}

TEST_F(DemoOrchestrationTest, ASecondRunStartsFromScratchAndAFailingStepIsNamed) {
  std::string out, err;
  ASSERT_EQ(demo("--no-serve", &out, &err), "0") << err;
  testing::write_file(dir_ / "data/leftover", "x");
  ASSERT_EQ(demo("--no-serve", &out, &err), "0") << err;
  EXPECT_FALSE(fs::exists(dir_ / "data/leftover"));
  // A step that fails: its command line is in the one error line.
  fs::remove(dir_ / "answers/matrix.json");
  EXPECT_EQ(demo("--no-serve --quiet", &out, &err), "1");
  EXPECT_NE(err.find("`policyindex matrix --format json` failed"), std::string::npos) << err;
}

}  // namespace
}  // namespace policyindex
