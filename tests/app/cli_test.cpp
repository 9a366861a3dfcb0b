// The command-line contract of DESIGN.md: every command exists, has --help, and exit codes
// are 0 / 1 / 2.

#include <nlohmann/json.hpp>

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

// A folder of public-records responses: every file under it (recursively, hidden ones
// skipped) becomes a document, in one go; a missing path is named on stderr, the rest added.
TEST(CliTest, AddTakesFoldersAndReportsWhatItCouldNotRead) {
  testing::TempDir dir;
  testing::write_file(dir / "records" / "2024" / "policy.txt", "Section 1. No officer shall ask about status.\n");
  testing::write_file(dir / "records" / "2025" / "memo.txt", "Memo. Officers shall not honor civil detainers.\n");
  testing::write_file(dir / "records" / "note.txt", "A note.\n");
  testing::write_file(dir / "records" / ".cache" / "junk.txt", "not a document\n");
  const std::string data = " --data " + (dir / "data").string();
  std::string out, err;
  ASSERT_EQ(run_command(bin() + data + " add " + (dir / "records").string() +
                            " --town Acton --type police_policy --format json",
                        &out, &err),
            0)
      << err;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["added"], 3) << out;
  ASSERT_EQ(j["documents"].size(), 3u) << out;
  for (const auto& d : j["documents"]) {
    EXPECT_EQ(d["file"].get<std::string>().find(".cache"), std::string::npos) << d.dump();
  }
  // Again, with one more file and a path that does not exist: exit 1 naming it, the new file
  // added, the others unchanged.
  testing::write_file(dir / "records" / "2025" / "update.txt", "Section 2. Records are kept.\n");
  const std::string missing = (dir / "no-such-folder").string();
  EXPECT_EQ(run_command(bin() + data + " add " + (dir / "records").string() + " " + missing +
                            " --town Acton --type police_policy",
                        &out, &err),
            1);
  EXPECT_NE(err.find(missing), std::string::npos) << err;
  EXPECT_NE(out.find("added 1 new versions, 3 unchanged, from 4 files"), std::string::npos) << out;
  // --url names one document only.
  EXPECT_EQ(run_command(bin() + data + " add " + (dir / "records").string() +
                            " --town Acton --type bylaw --url https://acton.example/x",
                        &out, &err),
            2);
}

// Document types are the catalog's (corpus/doc_type.h): an unknown one is bad usage, named
// with the known ones, and nothing is stored.
TEST(CliTest, AddRefusesAnUnknownDocumentType) {
  testing::TempDir dir;
  testing::write_file(dir / "policy.txt", "Section 1. No officer shall ask about status.\n");
  std::string out, err;
  EXPECT_EQ(run_command(bin() + " --data " + (dir / "data").string() + " add " +
                            (dir / "policy.txt").string() + " --town Acton --type pamphlet",
                        &out, &err),
            2);
  EXPECT_NE(err.find("unknown document type 'pamphlet'"), std::string::npos) << err;
  EXPECT_NE(err.find("police_policy"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir / "data" / "catalog.sqlite"));
  ASSERT_EQ(run_command(bin() + " add --help", &out, &err), 0);
  EXPECT_NE(out.find("executive_order"), std::string::npos) << out;
}

}  // namespace
}  // namespace policyindex
