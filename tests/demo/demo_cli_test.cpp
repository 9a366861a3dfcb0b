// What `policyindex demo` does before the pipeline runs: usage errors, a missing sample, a
// data directory that holds someone else's data.

#include "tests/testing/testing.h"

namespace policyindex {
namespace {

std::string bin() { return testing::policyindex_binary().string(); }

TEST(DemoCliTest, RefusesADataDirectoryHoldingOtherData) {
  testing::TempDir dir;
  testing::write_file(dir / "data" / "catalog.sqlite", "not the demo's");
  std::string out, err;
  EXPECT_EQ(testing::run_command(bin() + " demo --no-serve --data " + (dir / "data").string(), &out,
                                 &err),
            1);
  EXPECT_NE(err.find("not from the demo"), std::string::npos) << err;
  EXPECT_EQ(testing::read_file(dir / "data" / "catalog.sqlite"), "not the demo's");
}

TEST(DemoCliTest, NamesAMissingSample) {
  testing::TempDir dir;
  std::string out, err;
  EXPECT_EQ(testing::run_command(bin() + " demo --no-serve --data " + (dir / "d").string() +
                                     " --sample-dir " + (dir / "nowhere").string(),
                                 &out, &err),
            1);
  EXPECT_NE(err.find("nowhere"), std::string::npos) << err;
}

TEST(DemoCliTest, BadUsageExitsTwo) {
  std::string out, err;
  EXPECT_EQ(testing::run_command(bin() + " demo --format xml", &out, &err), 2);
  EXPECT_EQ(testing::run_command(bin() + " demo --port notanumber", &out, &err), 2);
  EXPECT_EQ(testing::run_command(bin() + " demo --help", &out, &err), 0);
  EXPECT_NE(out.find("--no-serve"), std::string::npos);
}

}  // namespace
}  // namespace policyindex
