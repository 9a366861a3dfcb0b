// DirLock: flock(2) on a file in the data directory. flock rather than a pid file alone:
// the kernel releases the lock when the holder dies, so there is no stale lock to guess
// about and no pid-reuse race; the pid in the file only makes the messages useful.

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "corpus/corpus.h"

namespace policyindex::corpus {
namespace {

std::string read_all(int fd) {
  std::string out;
  char buf[512];
  if (::lseek(fd, 0, SEEK_SET) < 0) return out;
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// The file reads "pid PID\\nhost HOST\\nsince TIME\\n".
std::string field(const std::string& content, const std::string& name) {
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) == 0) return line.substr(name.size() + 1);
  }
  return "";
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "?";
  return buf;
}

// The lock is held, but the holder the file names is gone: the processes it forked (the
// extraction workers share the lock's open file) still hold it until they see their parent
// gone and exit, which takes them a moment. Waits up to 5 s for the lock; true once taken.
// A holder on another host, or alive here, is not waited for.
bool holder_gone(int fd) {
  const std::string content = read_all(fd);
  if (field(content, "host") != host_name()) return false;
  pid_t pid = 0;
  try {
    pid = static_cast<pid_t>(std::stoll(field(content, "pid")));
  } catch (const std::exception&) {
    return false;
  }
  if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) return false;
  for (int i = 0; i < 250; ++i) {
    ::usleep(20'000);
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
  }
  return false;
}

}  // namespace

DirLock::DirLock(int fd, std::filesystem::path path, std::optional<int64_t> previous_pid)
    : fd_(fd), path_(std::move(path)), previous_pid_(previous_pid) {}

DirLock::DirLock(DirLock&& o) noexcept
    : fd_(o.fd_), path_(std::move(o.path_)), previous_pid_(o.previous_pid_) {
  o.fd_ = -1;
}

DirLock& DirLock::operator=(DirLock&& o) noexcept {
  if (this != &o) {
    release();
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    previous_pid_ = o.previous_pid_;
    o.fd_ = -1;
  }
  return *this;
}

DirLock::~DirLock() { release(); }

void DirLock::release() {
  if (fd_ < 0) return;
  // Empty the file first: a pid left in it means "died while holding the lock".
  if (::ftruncate(fd_, 0) != 0) {
    // Nothing to do: the lock is released below either way, and the next holder only
    // reports a stale pid.
  }
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

Result<DirLock> DirLock::try_acquire(const std::filesystem::path& dir, std::string_view name) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto path = dir / (std::string(name) + ".lock");
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(ErrorCode::kIo, path.string() + ": cannot open lock file: " + std::strerror(errno));
  }
  int lock_err = ::flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno;
  if (lock_err == EWOULDBLOCK && holder_gone(fd)) lock_err = 0;
  if (lock_err != 0) {
    std::string content = read_all(fd);
    ::close(fd);
    if (lock_err != EWOULDBLOCK) {
      return make_error(ErrorCode::kIo, path.string() + ": cannot lock: " + std::strerror(lock_err));
    }
    std::string pid = field(content, "pid");
    std::string who = pid.empty() ? "another process" : "pid " + pid;
    std::string host = field(content, "host");
    if (!host.empty()) who += " on " + host;
    std::string since = field(content, "since");
    if (!since.empty()) who += ", since " + since;
    return make_error(ErrorCode::kBusy, "another " + std::string(name) + " is running (" + who +
                                            "); lock " + path.string());
  }
  // Ours now. A pid still in the file is a holder that died without releasing.
  std::optional<int64_t> previous;
  if (std::string pid = field(read_all(fd), "pid"); !pid.empty()) {
    try {
      previous = std::stoll(pid);
    } catch (const std::exception&) {
      previous = -1;  // garbage in the file: still a sign of an unclean end
    }
  }
  std::string content = "pid " + std::to_string(::getpid()) + "\nhost " + host_name() +
                        "\nsince " + now_iso8601() + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, content.data(), content.size(), 0) !=
                                     static_cast<ssize_t>(content.size())) {
    const int err = errno;
    ::close(fd);
    return make_error(ErrorCode::kIo, path.string() + ": cannot write lock file: " + std::strerror(err));
  }
  ::fsync(fd);
  return DirLock(fd, std::move(path), previous);
}

}  // namespace policyindex::corpus
