// Worker processes: each document is extracted in a forked child with rlimits and a wall
// deadline; the result comes back over a pipe. Omega's "assistant" idea (STYLE.md), without
// a separate binary, so it works the same inside the test binaries.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
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

using wire::put_str;
using wire::put_u64;
using Reader = wire::Reader;

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

// --- persistent workers -------------------------------------------------------------
// Each worker is a child forked once that extracts many documents, one at a time, over a
// socketpair: parent -> worker "u64 length, bytes"; worker -> parent "u64 length, payload"
// where payload = str(serialize(result)) str(note). A worker that crashes, crosses a limit
// or misses a document's deadline is killed and replaced; the document is recorded as
// failed and the batch goes on. A worker is retired after kDocsPerWorker documents (heap
// fragmentation stays bounded) or when it is left holding much memory.

constexpr size_t kDocsPerWorker = 200;

bool read_full(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t k = read(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool send_full(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

uint64_t get_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

double cpu_seconds_used() {
  struct rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void worker_main(int fd, const BatchOptions& batch) {
  signal(SIGPIPE, SIG_IGN);
  const Limits& limits = batch.limits;
#ifndef PI_ASAN
  struct rlimit as{limits.memory_bytes, limits.memory_bytes};
  setrlimit(RLIMIT_AS, &as);
#endif
  struct rlimit core{0, 0};
  setrlimit(RLIMIT_CORE, &core);
  // The CPU limit is per document: the soft limit moves up before each one (SIGXCPU when it
  // is crossed); the hard limit stays where it is so that it can.
  struct rlimit cpu{};
  getrlimit(RLIMIT_CPU, &cpu);
  for (;;) {
    char hdr[8];
    if (!read_full(fd, hdr, 8)) _exit(0);  // the parent closed: retire
    uint64_t len = get_u64(hdr);
    std::string bytes;
    bool oom = false;
    std::string out;
    try {
      bytes.resize(len);
    } catch (const std::bad_alloc&) {
      oom = true;
    }
    if (oom || !read_full(fd, bytes.data(), len)) _exit(oom ? 3 : 0);
    rlim_t soft = static_cast<rlim_t>(cpu_seconds_used()) + static_cast<rlim_t>(limits.cpu_seconds) + 1;
    if (cpu.rlim_max == RLIM_INFINITY || soft < cpu.rlim_max) {
      struct rlimit c{soft, cpu.rlim_max};
      setrlimit(RLIMIT_CPU, &c);
    }
    try {
      Result<Document> r = extract(bytes, batch.options);
      std::string().swap(bytes);
      std::string note;
      if (r && batch.annotate) note = batch.annotate(*r);
      put_str(out, serialize(r));
      put_str(out, note);
    } catch (const std::bad_alloc&) {
      oom = true;
    } catch (const std::exception& e) {
      out.clear();
      put_str(out, serialize(make_error(ErrorCode::kInternal, std::string("extractor threw: ") + e.what())));
      put_str(out, "");
    } catch (...) {
      out.clear();
      put_str(out, serialize(make_error(ErrorCode::kInternal, "extractor threw an unknown exception")));
      put_str(out, "");
    }
    if (oom) {
      std::string().swap(bytes);
      std::string().swap(out);
      out.reserve(256);
      put_str(out, serialize(make_error(ErrorCode::kTooLarge, "out of memory (limit " +
                                                            std::to_string(limits.memory_bytes >> 20) + " MB)")));
      put_str(out, "");
    }
    std::string frame;
    put_u64(frame, out.size());
    if (!send_full(fd, frame.data(), frame.size()) || !send_full(fd, out.data(), out.size())) _exit(0);
    if (oom) _exit(0);  // a heap that ran out is not trusted with the next document
  }
}

struct Worker {
  pid_t pid = -1;
  int fd = -1;  // the parent's end of the socketpair
  bool busy = false;
  size_t job = 0;
  size_t served = 0;
  int attempts = 0;  // of the current job (a job is re-sent once if its worker was gone)
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

// Reaps a worker that died or was killed, and the error its current document gets.
Error reap_failed(Worker& w, const Limits& limits) {
  int status = 0;
  while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {}
  if (w.over_memory)
    return Error{ErrorCode::kTooLarge, "extraction used more than " + std::to_string(limits.memory_bytes >> 20) + " MB of memory (killed)"};
  if (w.timed_out)
    return Error{ErrorCode::kTimeout, "extraction timed out after " + std::to_string(limits.wall_seconds) + " s (killed)"};
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGKILL)  // not by us: the kernel's OOM killer, or someone else
      return Error{ErrorCode::kInternal, "extractor was killed (SIGKILL)"};
    if (sig == SIGXCPU)
      return Error{ErrorCode::kTimeout, "extraction crossed the CPU limit of " + std::to_string(limits.cpu_seconds) + " s (" + signal_name(sig) + ")"};
    return Error{ErrorCode::kInternal, "extractor crashed (" + signal_name(sig) + ")"};
  }
  // A sanitizer's own signal handler turns a crash into exit status 1 with no result.
  return Error{ErrorCode::kInternal, "extractor crashed (exit status " + std::to_string(WEXITSTATUS(status)) + ", no result)"};
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
  put_str(out, d.meta_title);
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
  if (!r.str(d.title) || !r.str(d.meta_title) || !r.i64(v)) return bad();
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
                   const std::function<void(size_t, Result<Document>, std::string)>& done,
                   const BatchOptions& batch) {
  const int nworkers = batch.workers > 0 ? batch.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto wall = std::chrono::seconds(batch.limits.wall_seconds);
  std::vector<Worker> workers(static_cast<size_t>(std::min<size_t>(static_cast<size_t>(nworkers), std::max<size_t>(count, 1))));
  struct Finished {
    size_t job;
    Result<Document> result;
    std::string note;
  };
  std::vector<Finished> finished;

  auto spawn = [&](Worker& w) -> Status {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
      return make_error(ErrorCode::kInternal, std::string("socketpair: ") + std::strerror(errno));
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
      close(sv[0]);
      close(sv[1]);
      return make_error(ErrorCode::kInternal, std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
      // A worker dies with the process that forked it (killed, it would otherwise finish
      // its document first, holding what it inherited: the data directory's lock, say).
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);  // the parent died before prctl
      close(sv[0]);
      // The other workers' sockets: a worker holding one would keep it from seeing EOF.
      for (const Worker& o : workers)
        if (o.fd >= 0) close(o.fd);
      worker_main(sv[1], batch);
    }
    close(sv[1]);
    w = Worker{};
    w.pid = pid;
    w.fd = sv[0];
    return {};
  };
  auto retire = [](Worker& w) {  // an idle worker: EOF makes it exit
    close(w.fd);
    int status;
    while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {}
    w = Worker{};
  };
  auto fail_worker = [&](Worker& w) {
    close(w.fd);
    Error e = reap_failed(w, batch.limits);
    finished.push_back({w.job, tl::make_unexpected(std::move(e)), {}});
    w = Worker{};
  };
  // Sends job to w (spawning it when needed); false when the job failed to start (reported).
  auto start = [&](Worker& w, size_t job, const std::string& bytes) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (w.pid < 0) {
        if (Status st = spawn(w); !st) {
          finished.push_back({job, tl::make_unexpected(st.error()), {}});
          return;
        }
      }
      std::string hdr;
      put_u64(hdr, bytes.size());
      w.busy = true;
      w.job = job;
      w.buf.clear();
      w.timed_out = w.over_memory = false;
      w.deadline = std::chrono::steady_clock::now() + wall;
      if (send_full(w.fd, hdr.data(), hdr.size()) && send_full(w.fd, bytes.data(), bytes.size())) return;
      // The worker is gone (it died idle, or while reading): replace it and try once more.
      close(w.fd);
      int status;
      while (waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {}
      w = Worker{};
    }
    finished.push_back({job, make_error(ErrorCode::kInternal, "the extraction worker could not take the document"), {}});
  };

  size_t next = 0, in_flight = 0;
  auto fill = [&] {
    for (Worker& w : workers) {
      while (!w.busy && next < count) {
        size_t job = next++;
        Result<std::string> bytes = load(job);
        if (!bytes) {
          finished.push_back({job, tl::make_unexpected(bytes.error()), {}});
          continue;
        }
        start(w, job, *bytes);
        if (w.busy) ++in_flight;
      }
    }
  };
  auto flush = [&] {
    for (Finished& f : finished) done(f.job, std::move(f.result), std::move(f.note));
    finished.clear();
  };

  auto last_memory_check = std::chrono::steady_clock::now();
  while (true) {
    fill();
    flush();  // results are stored while the workers are already on their next documents
    if (batch.tick) batch.tick();
    if (in_flight == 0 && next >= count) break;
    if (in_flight == 0) continue;
    std::vector<pollfd> pfds;
    std::vector<Worker*> polled;
    auto now = std::chrono::steady_clock::now();
    auto soonest = now + std::chrono::hours(1);
    for (Worker& w : workers) {
      if (!w.busy) continue;
      pfds.push_back({w.fd, POLLIN, 0});
      polled.push_back(&w);
      soonest = std::min(soonest, w.deadline);
    }
    // Wake at least every 100 ms to watch resident memory (RLIMIT_AS cannot be used under
    // ASan, and address space overstates what a parser really holds).
    int timeout_ms = static_cast<int>(std::min<int64_t>(100, std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(soonest - now).count()) + 1));
    int rc = poll(pfds.data(), pfds.size(), timeout_ms);
    if (rc < 0 && errno != EINTR) break;
    now = std::chrono::steady_clock::now();
    bool check_memory = now - last_memory_check >= std::chrono::milliseconds(100);
    if (check_memory) last_memory_check = now;
    for (size_t i = 0; i < polled.size(); ++i) {
      Worker& w = *polled[i];
      bool dead = false;
      if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[65536];
        ssize_t n = read(w.fd, buf, sizeof buf);
        if (n > 0) {
          w.buf.append(buf, static_cast<size_t>(n));
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          dead = true;
        }
      }
      if (!dead && w.buf.size() >= 8 && w.buf.size() - 8 >= get_u64(w.buf.data())) {
        // A whole answer: the worker is free again.
        Reader r(std::string_view(w.buf).substr(8));
        std::string result, note;
        Finished f{w.job, make_error(ErrorCode::kInternal, "garbled answer from the extraction worker"), {}};
        if (r.str(result) && r.str(note) && r.done()) {
          f.result = deserialize(result);
          f.note = std::move(note);
        }
        finished.push_back(std::move(f));
        w.busy = false;
        w.buf.clear();
        --in_flight;
        if (++w.served >= kDocsPerWorker || next >= count ||
            resident_bytes(w.pid) > batch.limits.memory_bytes / 4)
          retire(w);
        continue;
      }
      if (!dead && check_memory && resident_bytes(w.pid) > batch.limits.memory_bytes) {
        kill(w.pid, SIGKILL);
        w.over_memory = dead = true;
      }
      if (!dead && now >= w.deadline) {
        kill(w.pid, SIGKILL);
        w.timed_out = dead = true;
      }
      if (dead) {
        --in_flight;
        fail_worker(w);
      }
    }
  }
  for (Worker& w : workers) {
    if (w.pid < 0) continue;
    if (w.busy) {
      kill(w.pid, SIGKILL);
      fail_worker(w);
    } else {
      retire(w);
    }
  }
  flush();
}

void extract_batch(size_t count, const std::function<Result<std::string>(size_t)>& load,
                   const std::function<void(size_t, Result<Document>)>& done, const BatchOptions& batch) {
  extract_batch(
      count, load, [&](size_t i, Result<Document> r, std::string) { done(i, std::move(r)); }, batch);
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

namespace wire {

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

bool Reader::u64(uint64_t& v) {
  if (s_.size() - pos_ < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(s_[pos_ + i])) << (8 * i);
  pos_ += 8;
  return true;
}

bool Reader::i64(int64_t& v) {
  uint64_t u;
  if (!u64(u)) return false;
  v = static_cast<int64_t>(u);
  return true;
}

bool Reader::str(std::string& out) {
  uint64_t n;
  if (!u64(n) || n > s_.size() - pos_) return false;
  out.assign(s_.substr(pos_, n));
  pos_ += n;
  return true;
}

}  // namespace wire

}  // namespace policyindex::extract
