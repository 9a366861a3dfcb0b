// The demo in this process (demo::run): the sample served, crawled, extracted, tagged and
// indexed through pipeline/, and the tour's typed answers checked against expected.json.
// Nothing is spawned: no policyindex binary is involved.

#include <curl/curl.h>

#include <filesystem>

#include "demo/demo.h"
#include "tests/demo/demo_checks.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "  " + x + "\n";
  return s;
}

class CurlEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { curl_global_init(CURL_GLOBAL_DEFAULT); }
  void TearDown() override { curl_global_cleanup(); }
};
const auto* const kCurl = ::testing::AddGlobalTestEnvironment(new CurlEnvironment);

// One run (ctest runs each test case in its own process): the answers, the stages' order
// and counts, and a second run starting from scratch.
TEST(DemoInProcessTest, RunsThePipelineAndAnswersAsExpected) {
  testing::TempDir dir;
  std::vector<std::string> said, events;
  pipeline::Progress progress;
  size_t extract_advances = 0, last_extract_done = 0;
  bool extract_counts_rise = true;
  progress.started = [&](pipeline::Stage s) {
    events.push_back("start " + std::string(pipeline::stage_name(s)));
  };
  progress.advanced = [&](pipeline::Stage s, const pipeline::StageCounts& c) {
    if (s != pipeline::Stage::kExtract) return;
    ++extract_advances;
    if (c.done != last_extract_done + 1 || c.done > c.total) extract_counts_rise = false;
    last_extract_done = c.done;
  };
  progress.finished = [&](pipeline::Stage s, const pipeline::StageCounts& c) {
    events.push_back("end " + std::string(pipeline::stage_name(s)) + " " + std::to_string(c.done));
  };
  demo::Options options;
  options.data = dir / "data";
  options.all_scorecards = true;
  options.say = [&](const std::string& line) { said.push_back(line); };
  options.progress = &progress;

  auto run = demo::run(options);
  ASSERT_OK(run);
  const json expected =
      json::parse(testing::read_file(testing::source_dir() / "demo/sample/expected.json"));
  const json tour = demo::tour_json(*run);
  {
    SCOPED_TRACE("every town gets its expected verdicts");
    auto bad = demo_checks::check_scorecards(tour, expected);
    EXPECT_TRUE(bad.empty()) << lines(bad);
  }
  {
    SCOPED_TRACE("the matrix agrees");
    auto bad = demo_checks::check_matrix(tour, expected);
    EXPECT_TRUE(bad.empty()) << lines(bad);
  }
  {
    SCOPED_TRACE("the search question names the right towns");
    auto bad = demo_checks::check_search_facet(run->tour.search, expected["facets"][0]);
    EXPECT_TRUE(bad.empty()) << lines(bad);
    auto peers = demo_checks::check_peers(run->tour.peers, expected["peers"][0]);
    EXPECT_TRUE(peers.empty()) << lines(peers);
  }
  EXPECT_EQ(run->towns.size(), expected["towns"].size());
  EXPECT_EQ(run->tour.scorecards.size(), run->towns.size());

  // The stages ran in order, each told from start to end, with their counts.
  ASSERT_EQ(events.size(), 6u) << ::testing::PrintToString(events);
  EXPECT_EQ(events[0], "start crawl");
  EXPECT_EQ(events[1].rfind("end crawl ", 0), 0u);
  EXPECT_EQ(events[2], "start extract");
  EXPECT_EQ(events[3], "end extract " + std::to_string(run->build.extract.versions));
  EXPECT_EQ(events[4], "start index");
  EXPECT_EQ(events[5].rfind("end index ", 0), 0u);
  EXPECT_GT(run->build.crawl.new_documents.size(), 0u);
  EXPECT_GT(run->build.extract.extracted, 0u);
  EXPECT_EQ(extract_advances, run->build.extract.versions);
  EXPECT_TRUE(extract_counts_rise);
  EXPECT_GT(run->build.index.documents_indexed, 0u);
  EXPECT_GT(run->build.index.sections_in_index, 0u);
  ASSERT_GE(said.size(), 6u);
  EXPECT_NE(said[2].find("[1/4] crawling"), std::string::npos);
  EXPECT_NE(said[5].find("[4/4] asking"), std::string::npos);

  // The data directory: marked as the demo's, the live registry, the access log.
  EXPECT_TRUE(fs::exists(dir / "data" / demo::kMarker));
  EXPECT_TRUE(fs::exists(dir / "data/catalog.sqlite"));
  EXPECT_NE(testing::read_file(dir / "data/sample-registry/municipalities.tsv")
                .find("http://127.0.0.2:" + std::to_string(run->sample_port) + "/"),
            std::string::npos);
  EXPECT_FALSE(testing::read_file(dir / "data/sample-access.log").empty());

  // A second run starts from scratch; only the one scorecard without all_scorecards.
  testing::write_file(dir / "data/leftover", "x");
  options.all_scorecards = false;
  options.progress = nullptr;
  auto again = demo::run(options);
  ASSERT_OK(again);
  EXPECT_FALSE(fs::exists(dir / "data/leftover"));
  EXPECT_EQ(again->tour.scorecards.size(), 1u);
  EXPECT_TRUE(again->tour.scorecards.contains(demo::kScorecardTown));
}

TEST(DemoInProcessTest, RefusesADataDirectoryHoldingOtherData) {
  testing::TempDir dir;
  testing::write_file(dir / "data" / "catalog.sqlite", "not the demo's");
  demo::Options options;
  options.data = dir / "data";
  auto run = demo::run(options);
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().message.find("not from the demo"), std::string::npos) << run.error().message;
  EXPECT_EQ(testing::read_file(dir / "data" / "catalog.sqlite"), "not the demo's");
}

TEST(DemoInProcessTest, TheTourNeedsAnIndex) {
  testing::TempDir dir;
  auto tour = demo::ask_tour(dir / "nothing-here", {"Wexcombe"}, false);
  EXPECT_FALSE(tour);
}

}  // namespace
}  // namespace policyindex
