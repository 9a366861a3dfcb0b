// The refresh job in-process (pipeline::run_refresh): its lock, its stages in order with
// their progress, and a report whose phases are timed, even when the crawl has nothing to do.

#include <curl/curl.h>

#include "pipeline/pipeline.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

class CurlEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { curl_global_init(CURL_GLOBAL_DEFAULT); }
  void TearDown() override { curl_global_cleanup(); }
};
const auto* const kCurl = ::testing::AddGlobalTestEnvironment(new CurlEnvironment);

TEST(RefreshJobTest, RunsEveryStageInOrderAndReportsThem) {
  testing::TempDir dir;
  {
    auto store = corpus::Store::open(dir / "data");
    ASSERT_OK(store);
    auto town = store->catalog().find_municipality("Acton");
    ASSERT_OK(town);
    const std::string text =
        "Section 1. Inquiries\n\nNo officer of the Town shall inquire about the immigration "
        "status of any person.\n";
    auto sha = store->blobs().put(text);
    ASSERT_OK(sha);
    auto doc = store->catalog().ensure_document("file:///acton-policy.txt", *town,
                                                "police_policy", "", "add");
    ASSERT_OK(doc);
    corpus::VersionInput v;
    v.document_id = *doc;
    v.sha256 = *sha;
    v.size = text.size();
    ASSERT_OK(store->catalog().add_version(v));
  }
  std::vector<std::string> events;
  pipeline::Progress progress;
  progress.started = [&](pipeline::Stage s) { events.push_back("start " + std::string(pipeline::stage_name(s))); };
  progress.finished = [&](pipeline::Stage s, const pipeline::StageCounts& c) {
    events.push_back("end " + std::string(pipeline::stage_name(s)) + " " + std::to_string(c.done));
  };
  pipeline::RefreshOptions options;
  options.crawl.delay_ms = 0;
  auto report = pipeline::run_refresh(dir / "data", options, &progress);
  ASSERT_OK(report);
  // The crawl may have nothing to fetch (an added file only); the stages after it run anyway.
  const std::vector<std::string> expected = {"start crawl",   "start extract", "end extract 1",
                                             "start index",   "end index 1",   "start changes"};
  std::vector<std::string> seen;
  for (const auto& e : events) {
    if (e.rfind("end crawl", 0) == 0 || e.rfind("end changes", 0) == 0) continue;
    seen.push_back(e);
  }
  EXPECT_EQ(seen, expected) << ::testing::PrintToString(events);
  EXPECT_EQ(events.back().rfind("end changes", 0), 0u) << ::testing::PrintToString(events);
  EXPECT_EQ(report->indexed, 1);
  EXPECT_EQ(report->towns, 1);
  ASSERT_EQ(report->phase_seconds.size(), 5u);
  const char* phases[] = {"start", "crawl", "extract", "index", "changes"};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(report->phase_seconds[i].first, phases[i]);
  EXPECT_FALSE(report->started_at.empty());
  EXPECT_FALSE(report->finished_at.empty());
  for (const auto& e : report->phase_errors) EXPECT_EQ(e.rfind("crawl: ", 0), 0u) << e;

  // Nothing changed: a second refresh extracts and indexes nothing.
  auto again = pipeline::run_refresh(dir / "data", options, nullptr);
  ASSERT_OK(again);
  EXPECT_EQ(again->indexed, 0);
}

TEST(RefreshJobTest, ALockedDataDirectoryIsBusyAndUntouched) {
  testing::TempDir dir;
  auto store = corpus::Store::open(dir / "data");
  ASSERT_OK(store);
  auto lock = corpus::DirLock::try_acquire(dir / "data", "refresh");
  ASSERT_OK(lock);
  // flock is per open file description: a second acquisition in this process is refused too.
  auto report = pipeline::run_refresh(dir / "data", {}, nullptr);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kBusy) << report.error().message;
  EXPECT_NE(report.error().message.find("refresh"), std::string::npos) << report.error().message;
}

}  // namespace
}  // namespace policyindex
