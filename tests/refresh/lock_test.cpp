#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "corpus/corpus.h"
#include "tests/testing/testing.h"

namespace policyindex::corpus {
namespace {

using testing::TempDir;

// Forks a child that takes the lock, reports through a pipe, and waits to be killed.
pid_t spawn_holder(const std::filesystem::path& dir) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    auto lock = DirLock::try_acquire(dir, "refresh");
    char ok = lock ? 'y' : 'n';
    if (::write(fds[1], &ok, 1) != 1) ::_exit(3);
    while (true) ::pause();
  }
  ::close(fds[1]);
  char c = 0;
  ssize_t n = ::read(fds[0], &c, 1);
  ::close(fds[0]);
  if (n != 1 || c != 'y') {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return -1;
  }
  return pid;
}

TEST(DirLockTest, SecondHolderIsRefusedWithThePidOfTheFirst) {
  TempDir dir;
  pid_t holder = spawn_holder(dir.path());
  ASSERT_GT(holder, 0);
  auto second = DirLock::try_acquire(dir.path(), "refresh");
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kBusy);
  EXPECT_NE(second.error().message.find("another refresh is running (pid " + std::to_string(holder)),
            std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find("refresh.lock"), std::string::npos);
  ::kill(holder, SIGTERM);
  ::waitpid(holder, nullptr, 0);
}

TEST(DirLockTest, LockOfAProcessKilledWithSigkillIsRecovered) {
  TempDir dir;
  pid_t holder = spawn_holder(dir.path());
  ASSERT_GT(holder, 0);
  ASSERT_FALSE(DirLock::try_acquire(dir.path(), "refresh").has_value());
  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
  auto lock = DirLock::try_acquire(dir.path(), "refresh");
  ASSERT_OK(lock);
  ASSERT_TRUE(lock->previous_pid().has_value());
  EXPECT_EQ(*lock->previous_pid(), holder);
}

// A holder killed while a process it forked (an extraction worker) still has the lock's open
// file: the lock is taken as soon as that process ends, not refused as "another refresh is
// running" with the dead holder's pid.
TEST(DirLockTest, ALockLeftToTheForkedChildOfADeadHolderIsTakenWhenTheChildEnds) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t holder = ::fork();
  if (holder == 0) {
    ::close(fds[0]);
    auto lock = DirLock::try_acquire(dir.path(), "refresh");
    if (!lock) ::_exit(3);
    if (::fork() == 0) {  // the worker: outlives the holder by 300 ms, the lock's file open
      ::usleep(300'000);
      ::_exit(0);
    }
    char ok = 'y';
    if (::write(fds[1], &ok, 1) != 1) ::_exit(3);
    while (true) ::pause();
  }
  ::close(fds[1]);
  char c = 0;
  ASSERT_EQ(::read(fds[0], &c, 1), 1);
  ::close(fds[0]);
  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
  const auto t0 = std::chrono::steady_clock::now();
  auto lock = DirLock::try_acquire(dir.path(), "refresh");
  ASSERT_OK(lock);
  ASSERT_TRUE(lock->previous_pid().has_value());
  EXPECT_EQ(*lock->previous_pid(), holder);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
}

TEST(DirLockTest, CleanReleaseLeavesNoStalePid) {
  TempDir dir;
  {
    auto lock = DirLock::try_acquire(dir.path(), "refresh");
    ASSERT_OK(lock);
    EXPECT_FALSE(lock->previous_pid().has_value());
    auto content = testing::read_file(lock->path());
    EXPECT_NE(content.find("pid " + std::to_string(::getpid())), std::string::npos) << content;
  }
  auto again = DirLock::try_acquire(dir.path(), "refresh");
  ASSERT_OK(again);
  EXPECT_FALSE(again->previous_pid().has_value());
}

TEST(DirLockTest, LocksWithDifferentNamesAreIndependent) {
  TempDir dir;
  auto a = DirLock::try_acquire(dir.path(), "refresh");
  auto b = DirLock::try_acquire(dir.path(), "crawl");
  ASSERT_OK(a);
  ASSERT_OK(b);
}

}  // namespace
}  // namespace policyindex::corpus
