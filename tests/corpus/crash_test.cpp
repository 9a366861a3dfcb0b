// Crash safety of the store: a child process writing versions is killed with SIGKILL at
// random moments, many times; the store must stay consistent every time.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "corpus/corpus.h"
#include "corpus/sql.h"
#include "tests/testing/testing.h"

namespace policyindex::corpus {
namespace {

using testing::TempDir;

// The child: writes versions of a handful of documents forever, until killed.
[[noreturn]] void writer_child(const std::filesystem::path& dir, unsigned seed) {
  auto store = Store::open(dir);
  if (!store) _exit(3);
  std::mt19937 rng(seed);
  for (uint64_t i = 0;; ++i) {
    std::string bytes(1000 + rng() % 400000, '\0');
    for (auto& c : bytes) c = static_cast<char>('a' + rng() % 26);
    auto w = store->blobs().begin();
    if (!w) _exit(4);
    for (size_t off = 0; off < bytes.size(); off += 8192) {
      if (!w->append(std::string_view(bytes).substr(off, 8192))) _exit(5);
    }
    auto sha = w->commit();
    if (!sha) _exit(6);
    auto doc = store->catalog().ensure_document(
        "https://example.org/doc" + std::to_string(rng() % 8), std::nullopt, "ordinance", "", "crawl");
    if (!doc) _exit(7);
    VersionInput v;
    v.document_id = *doc;
    v.sha256 = *sha;
    v.size = bytes.size();
    v.http_status = 200;
    if (!store->catalog().add_version(v)) _exit(8);
    FetchRecord f;
    f.url = "https://example.org/doc";
    f.outcome = FetchOutcome::kFetched;
    if (!store->catalog().log_fetch(f)) _exit(9);
  }
}

void check_consistent(const std::filesystem::path& dir, size_t* versions_seen) {
  auto store = Store::open(dir);
  ASSERT_OK(store);
  auto& cat = store->catalog();
  auto check = sql::prepare(cat, "PRAGMA integrity_check");
  ASSERT_OK(check);
  ASSERT_TRUE(*check->step());
  EXPECT_EQ(check->text(0), "ok");

  // Every version points at a complete blob whose bytes hash to its name.
  auto rows = sql::prepare(cat, "SELECT sha256, size FROM versions");
  ASSERT_OK(rows);
  size_t n = 0;
  while (*rows->step()) {
    ++n;
    std::string sha = rows->text(0);
    auto bytes = store->blobs().read(sha);
    ASSERT_OK(bytes);
    EXPECT_EQ(bytes->size(), static_cast<size_t>(rows->int64(1)));
    EXPECT_EQ(sha256_hex(*bytes), sha);
  }
  *versions_seen = n;
  // Every current_version_id exists.
  auto dangling = sql::prepare(cat, 
      "SELECT count(*) FROM documents d LEFT JOIN versions v ON v.id=d.current_version_id "
      "WHERE d.current_version_id IS NOT NULL AND v.id IS NULL");
  ASSERT_OK(dangling);
  ASSERT_TRUE(*dangling->step());
  EXPECT_EQ(dangling->int64(0), 0);
  // No partial blob is visible: every file outside tmp/ is named by its own hash.
  for (auto& e : std::filesystem::recursive_directory_iterator(store->blobs().dir())) {
    if (!e.is_regular_file() || e.path().parent_path().filename() == "tmp") continue;
    EXPECT_EQ(sha256_hex(testing::read_file(e.path())), e.path().filename().string());
  }
}

TEST(StoreCrashTest, SurvivesSigkillAtRandomMoments) {
  TempDir dir;
  std::mt19937 rng(12345);
  size_t last_versions = 0;
  const int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) writer_child(dir.path(), static_cast<unsigned>(round));
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 180));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited on its own with " << WEXITSTATUS(status);
    size_t versions = 0;
    check_consistent(dir.path(), &versions);
    if (HasFatalFailure()) return;
    EXPECT_GE(versions, last_versions) << "versions were lost in round " << round;
    last_versions = versions;
  }
  EXPECT_GT(last_versions, 0u);
}

}  // namespace
}  // namespace policyindex::corpus
