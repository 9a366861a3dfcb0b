// policyindex extract and analyze, end to end through the binary.

#include <nlohmann/json.hpp>

#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using testing::run_command;

std::string bin() { return testing::policyindex_binary().string(); }

TEST(ExtractCliTest, ExtractsStoredVersionsAndRecordsFailures) {
  testing::TempDir dir;
  std::string data = " --data " + (dir / "data").string();
  testing::write_file(dir / "bylaw.txt", "1. PURPOSE\n\nThe town welcomes all.\n\n2. LIMITS\n\nNo status questions.\n");
  testing::write_file(dir / "broken.pdf", "%PDF-1.4 nothing more");
  std::string out, err;
  for (const char* f : {"bylaw.txt", "broken.pdf"})
    ASSERT_EQ(run_command(bin() + data + " add " + (dir / f).string() + " --town Acton --type bylaw", &out, &err), 0) << err;
  ASSERT_EQ(run_command(bin() + data + " extract --format json", &out, &err), 0) << err;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["versions"], 2);
  EXPECT_EQ(j["extracted"], 1);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(j["sections"], 2);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_NE(j["errors"][0]["error"].get<std::string>().find("corrupt"), std::string::npos) << out;
  // Nothing left to do on a second run.
  ASSERT_EQ(run_command(bin() + data + " extract --format json", &out, &err), 0) << err;
  EXPECT_EQ(nlohmann::json::parse(out)["versions"], 0);
}

TEST(ExtractCliTest, AnalyzePrintsSectionsJson) {
  testing::TempDir dir;
  testing::write_file(dir / "policy.txt",
                      "Sec 4-1 - Purpose\n\nThe town welcomes all.\n\nSec 4-2 - Detainers\n\n"
                      "a) Holds. No person is held on a civil detainer ~~ever~~.\n");
  std::string out, err;
  ASSERT_EQ(run_command(bin() + " analyze " + (dir / "policy.txt").string() + " --format json", &out, &err), 0) << err;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["type"], "text");
  ASSERT_EQ(j["sections"].size(), 3u) << out;
  EXPECT_EQ(j["sections"][1]["number"], "4-2");
  EXPECT_EQ(j["sections"][1]["heading"], "Detainers");
  EXPECT_EQ(j["sections"][2]["id"], "4-2.a");
  EXPECT_EQ(j["sections"][2]["level"], 2);
  EXPECT_TRUE(j["sections"][2]["provisions"].is_array());
  EXPECT_TRUE(j["sections"][2]["cites"].is_array());
  EXPECT_EQ(j["struck"][0], "ever");
  EXPECT_EQ(run_command(bin() + " analyze " + (dir / "missing.pdf").string(), &out, &err), 1);
  EXPECT_NE(err.find("missing.pdf"), std::string::npos) << err;
  EXPECT_EQ(run_command(bin() + " analyze", &out, &err), 2);
}

}  // namespace
}  // namespace policyindex
