// Worker processes: each document is extracted in a forked child with rlimits and a wall
// deadline; the result comes back over a pipe. Omega's "assistant" idea (STYLE.md), without
// a separate binary, so it works the same inside the test binaries.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <new>
#include <thread>

#include "extract/internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define PI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PI_ASAN 1
#endif
#endif

namespace policyindex::extract {
namespace {

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool u64(uint64_t& v) {
    if (s_.size() - pos_ < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(s_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return true;
  }
  bool str(std::string& out) {
    uint64_t n;
    if (!u64(n) || n > s_.size() - pos_) return false;
    out.assign(s_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool i64(int64_t& v) {
    uint64_t u;
    if (!u64(u)) return false;
    v = static_cast<int64_t>(u);
    return true;
  }
  bool done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGXCPU: return "SIGXCPU";
    default: return "signal " + std::to_string(sig);
  }
}

[[noreturn]] void run_child(int fd, std::string_view bytes, const Options& options, const Limits& limits) {
  signal(SIGPIPE, SIG_IGN);
  struct rlimit cpu{static_cast<rlim_t>(limits.cpu_seconds), static_cast<rlim_t>(limits.cpu_seconds) + 5};
  setrlimit(RLIMIT_CPU, &cpu);
#ifndef PI_ASAN
  struct rlimit as{limits.memory_bytes, limits.memory_bytes};
  setrlimit(RLIMIT_AS, &as);
#endif
  struct rlimit core{0, 0};
  setrlimit(RLIMIT_CORE, &core);
  std::string out;
  try {
    out = serialize(extract(bytes, options));
  } catch (const std::bad_alloc&) {
    out = serialize(make_error(ErrorCode::kTooLarge, "out of memory (limit " +
                                                     std::to_string(limits.memory_bytes >> 20) + " MB)"));
  } catch (const std::exception& e) {
    out = serialize(make_error(ErrorCode::kInternal, std::string("extractor threw: ") + e.what()));
  } catch (...) {
    out = serialize(make_error(ErrorCode::kInternal, "extractor threw an unknown exception"));
  }
  size_t off = 0;
  while (off < out.size()) {
    ssize_t n = write(fd, out.data() + off, out.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  close(fd);
  _exit(0);
}

struct Running {
  size_t job = 0;
  pid_t pid = -1;
  int fd = -1;
  std::string buf;
  std::chrono::steady_clock::time_point deadline;
  bool timed_out = false;
  bool over_memory = false;
};

// Resident memory of a child, from /proc; 0 when unknown.
size_t resident_bytes(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/statm", static_cast<int>(pid));
  FILE* f = std::fopen(path, "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}

Result<Document> finish(Running& r, const Limits& limits) {
  int status = 0;
  while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {}
  if (r.over_memory)
    return make_error(ErrorCode::kTooLarge, "extraction used more than " + std::to_string(limits.memory_bytes >> 20) + " MB of memory (killed)");
  if (r.timed_out)
    return make_error(ErrorCode::kTimeout, "extraction timed out after " + std::to_string(limits.wall_seconds) + " s (killed)");
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGXCPU || (sig == SIGKILL && r.buf.empty()))
      return make_error(ErrorCode::kTimeout, "extraction crossed the CPU limit of " + std::to_string(limits.cpu_seconds) + " s (" + signal_name(sig) + ")");
    return make_error(ErrorCode::kInternal, "extractor crashed (" + signal_name(sig) + ")");
  }
  // A sanitizer's own signal handler turns a crash into exit status 1 with no result.
  if (r.buf.empty()) return make_error(ErrorCode::kInternal, "extractor crashed (exit status " + std::to_string(WEXITSTATUS(status)) + ", no result)");
  return deserialize(r.buf);
}

}  // namespace

std::string serialize(const Result<Document>& result) {
  std::string out;
  if (!result) {
    out += 'E';
    put_u64(out, static_cast<uint64_t>(result.error().code));
    put_str(out, result.error().message);
    return out;
  }
  const Document& d = *result;
  out += 'D';
  put_u64(out, static_cast<uint64_t>(d.type));
  put_str(out, d.title);
  put_u64(out, static_cast<uint64_t>(d.pages));
  put_u64(out, d.ocr_pages.size());
  for (int p : d.ocr_pages) put_u64(out, static_cast<uint64_t>(p));
  put_str(out, d.text);
  put_u64(out, d.struck.size());
  for (const auto& s : d.struck) put_str(out, s);
  put_u64(out, d.warnings.size());
  for (const auto& s : d.warnings) put_str(out, s);
  put_u64(out, d.sections.size());
  for (const Section& s : d.sections) {
    put_str(out, s.key);
    put_str(out, s.number);
    put_str(out, s.heading);
    put_u64(out, static_cast<uint64_t>(s.level));
    put_u64(out, static_cast<uint64_t>(s.page));
    put_u64(out, static_cast<uint64_t>(s.page_end));
    put_str(out, s.text);
    put_u64(out, s.start);
    put_u64(out, s.end);
  }
  return out;
}

Result<Document> deserialize(std::string_view bytes) {
  auto bad = [] { return make_error(ErrorCode::kInternal, "garbled result from the extraction worker"); };
  if (bytes.empty()) return bad();
  Reader r(bytes.substr(1));
  if (bytes[0] == 'E') {
    uint64_t code;
    std::string msg;
    if (!r.u64(code) || !r.str(msg) || code > static_cast<uint64_t>(ErrorCode::kInternal)) return bad();
    return make_error(static_cast<ErrorCode>(code), msg);
  }
  if (bytes[0] != 'D') return bad();
  Document d;
  uint64_t type, n;
  int64_t v;
  if (!r.u64(type) || type > static_cast<uint64_t>(FileType::kUnknown)) return bad();
  d.type = static_cast<FileType>(type);
  if (!r.str(d.title) || !r.i64(v)) return bad();
  d.pages = static_cast<int>(v);
  if (!r.u64(n) || n > bytes.size()) return bad();
  for (uint64_t i = 0; i < n; ++i) {
    if (!r.i64(v)) return bad();
    d.ocr_pages.push_back(static_cast<int>(v));
  }
  if (!r.str(d.text)) return bad();
  for (auto* list : {&d.struck, &d.warnings}) {
    if (!r.u64(n) || n > bytes.size()) return bad();
    for (uint64_t i = 0; i < n; ++i) {
      std::string s;
      if (!r.str(s)) return bad();
      list->push_back(std::move(s));
    }
  }
  if (!r.u64(n) || n > bytes.size()) return bad();
  for (uint64_t i = 0; i < n; ++i) {
    Section s;
    uint64_t a, b;
    int64_t level, page, page_end;
    if (!r.str(s.key) || !r.str(s.number) || !r.str(s.heading) || !r.i64(level) || !r.i64(page) ||
        !r.i64(page_end) || !r.str(s.text) || !r.u64(a) || !r.u64(b))
      return bad();
    s.level = static_cast<int>(level);
    s.page = static_cast<int>(page);
    s.page_end = static_cast<int>(page_end);
    s.start = a;
    s.end = b;
    d.sections.push_back(std::move(s));
  }
  if (!r.done()) return bad();
  return d;
}

void extract_batch(size_t count, const std::function<Result<std::string>(size_t)>& load,
                   const std::function<void(size_t, Result<Document>)>& done, const BatchOptions& batch) {
  int workers = batch.workers > 0 ? batch.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<Running> running;
  size_t next = 0;
  while (next < count || !running.empty()) {
    while (next < count && static_cast<int>(running.size()) < workers) {
      size_t job = next++;
      Result<std::string> bytes = load(job);
      if (!bytes) {
        done(job, tl::make_unexpected(bytes.error()));
        continue;
      }
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) {
        done(job, make_error(ErrorCode::kInternal, std::string("pipe: ") + std::strerror(errno)));
        continue;
      }
      pid_t pid = fork();
      if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        done(job, make_error(ErrorCode::kInternal, std::string("fork: ") + std::strerror(errno)));
        continue;
      }
      if (pid == 0) {
        close(fds[0]);
        for (const Running& r : running) close(r.fd);
        run_child(fds[1], *bytes, batch.options, batch.limits);
      }
      close(fds[1]);
      Running r;
      r.job = job;
      r.pid = pid;
      r.fd = fds[0];
      r.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(batch.limits.wall_seconds);
      running.push_back(std::move(r));
    }
    if (running.empty()) continue;
    std::vector<pollfd> pfds;
    auto now = std::chrono::steady_clock::now();
    auto soonest = running.front().deadline;
    for (const Running& r : running) {
      pfds.push_back({r.fd, POLLIN, 0});
      soonest = std::min(soonest, r.deadline);
    }
    // Wake at least every 100 ms to watch resident memory (RLIMIT_AS cannot be used under
    // ASan, and address space overstates what a parser really holds).
    int timeout_ms = static_cast<int>(std::min<int64_t>(100, std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(soonest - now).count()) + 1));
    int rc = poll(pfds.data(), pfds.size(), timeout_ms);
    if (rc < 0 && errno != EINTR) break;
    now = std::chrono::steady_clock::now();
    for (size_t i = running.size(); i-- > 0;) {
      Running& r = running[i];
      bool finished = false;
      if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[65536];
        ssize_t n = read(r.fd, buf, sizeof buf);
        if (n > 0) r.buf.append(buf, static_cast<size_t>(n));
        else if (n == 0 || (errno != EINTR && errno != EAGAIN)) finished = true;
      }
      if (!finished && resident_bytes(r.pid) > batch.limits.memory_bytes) {
        kill(r.pid, SIGKILL);
        r.over_memory = true;
        finished = true;
      }
      if (!finished && now >= r.deadline) {
        kill(r.pid, SIGKILL);
        r.timed_out = true;
        finished = true;
      }
      if (finished) {
        close(r.fd);
        Running done_r = std::move(r);
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        done(done_r.job, finish(done_r, batch.limits));
      }
    }
  }
}

Result<Document> extract_isolated(std::string_view bytes, const Options& options, const Limits& limits) {
  Result<Document> out = make_error(ErrorCode::kInternal, "not run");
  BatchOptions b;
  b.options = options;
  b.limits = limits;
  b.workers = 1;
  extract_batch(
      1, [&](size_t) -> Result<std::string> { return std::string(bytes); },
      [&](size_t, Result<Document> r) { out = std::move(r); }, b);
  return out;
}

}  // namespace policyindex::extract
