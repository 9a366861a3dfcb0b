// The command-line contract of DESIGN.md: every command exists, has --help, and exit codes
// are 0 / 1 / 2.

#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using testing::run_command;

std::string bin() { return testing::policyindex_binary().string(); }

TEST(CliTest, HelpListsEveryCommandOfTheContract) {
  std::string out;
  ASSERT_EQ(run_command(bin() + " --help", &out), 0);
  for (const char* cmd : {"crawl", "add", "extract", "index", "refresh", "analyze", "search",
                          "scorecard", "matrix", "compare", "peers", "history", "serve", "demo"}) {
    EXPECT_NE(out.find(cmd), std::string::npos) << cmd << " missing from:\n" << out;
    std::string sub;
    EXPECT_EQ(run_command(bin() + " " + cmd + " --help", &sub), 0) << cmd;
    EXPECT_FALSE(sub.empty()) << cmd;
  }
}

TEST(CliTest, BadUsageExitsTwo) {
  std::string out, err;
  EXPECT_EQ(run_command(bin() + " no-such-command", &out, &err), 2);
  EXPECT_EQ(run_command(bin(), &out, &err), 2);
  EXPECT_EQ(run_command(bin() + " add", &out, &err), 2);  // FILE is required
}

TEST(CliTest, AddStoresAFileAsAVersionOnce) {
  testing::TempDir dir;
  testing::write_file(dir / "policy.txt", "Section 1. No officer shall ask about status.\n");
  std::string cmd = bin() + " --data " + (dir / "data").string() + " add " +
                    (dir / "policy.txt").string() + " --town 'Town of Acton' --type police_policy";
  std::string out, err;
  ASSERT_EQ(run_command(cmd + " --format json", &out, &err), 0) << err;
  EXPECT_NE(out.find("\"new_version\": true"), std::string::npos) << out;
  ASSERT_EQ(run_command(cmd, &out, &err), 0) << err;
  EXPECT_NE(out.find("unchanged"), std::string::npos) << out;
  EXPECT_EQ(run_command(bin() + " --data " + (dir / "data").string() + " add " +
                            (dir / "policy.txt").string() + " --town Atlantis --type bylaw",
                        &out, &err),
            1);
  EXPECT_NE(err.find("unknown municipality 'Atlantis'"), std::string::npos) << err;
}

}  // namespace
}  // namespace policyindex
