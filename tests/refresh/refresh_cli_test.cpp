// The refresh command as a process: usage errors, and the lock against a second refresh.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "corpus/corpus.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using testing::TempDir;

std::string refresh_cmd(const std::filesystem::path& data, const std::string& args = "") {
  return testing::policyindex_binary().string() + " --quiet --data " + data.string() + " refresh " + args;
}

// A child process holding DATA's refresh lock until killed.
pid_t hold_lock(const std::filesystem::path& data) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    auto lock = corpus::DirLock::try_acquire(data, "refresh");
    char ok = lock ? 'y' : 'n';
    if (::write(fds[1], &ok, 1) != 1) ::_exit(3);
    while (true) ::pause();
  }
  ::close(fds[1]);
  char c = 0;
  ssize_t n = ::read(fds[0], &c, 1);
  ::close(fds[0]);
  if (n != 1 || c != 'y') return -1;
  return pid;
}

TEST(RefreshCliTest, SecondRefreshExitsAtOnceWithItsOwnCode) {
  TempDir dir;
  auto data = dir.path() / "data";
  pid_t holder = hold_lock(data);
  ASSERT_GT(holder, 0);
  std::string out, err;
  int rc = testing::run_command(refresh_cmd(data), &out, &err);
  EXPECT_EQ(rc, 75) << err;
  EXPECT_NE(err.find("another refresh is running (pid " + std::to_string(holder)), std::string::npos)
      << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << "one line: " << err;
  EXPECT_TRUE(out.empty()) << out;

  // SIGKILL the holder: the kernel drops the flock, and the next refresh is not refused.
  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
  rc = testing::run_command(refresh_cmd(data), &out, &err);
  EXPECT_NE(rc, 75) << err;
  EXPECT_EQ(err.find("another refresh is running"), std::string::npos) << err;
}

TEST(RefreshCliTest, BadUsageExitsWithTwo) {
  TempDir dir;
  std::string out, err;
  EXPECT_EQ(testing::run_command(refresh_cmd(dir.path() / "data", "--format yaml"), &out, &err), 2);
  EXPECT_NE(err.find("yaml"), std::string::npos) << err;
  EXPECT_EQ(testing::run_command(refresh_cmd(dir.path() / "data", "--concurrency 0"), &out, &err), 2);
}

TEST(RefreshCliTest, HelpDocumentsTheExitCodes) {
  std::string out;
  ASSERT_EQ(testing::run_command(testing::policyindex_binary().string() + " refresh --help", &out), 0);
  EXPECT_NE(out.find("75 another refresh is running"), std::string::npos) << out;
  EXPECT_NE(out.find("--report"), std::string::npos);
}

}  // namespace
}  // namespace policyindex
