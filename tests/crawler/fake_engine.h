// A fake network for crawler tests: a fake clock and a fake engine that answers requests
// from a handler, in simulated time. The engine's loop is a discrete-event simulation: each
// timer and each response is an event at a point of the fake clock; run() takes them in
// time order and moves the clock to each one, so a test of a 30 s timeout or a 2 s
// politeness delay takes no real time. Faults: a hang (the request's timeout fires), a
// connection reset, a slow answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "crawler/clock.h"
#include "crawler/engine.h"

namespace policyindex::testing {

class FakeClock final : public crawler::Clock {
 public:
  TimePoint now() const override { return now_; }
  void advance_to(TimePoint t) {
    if (t > now_) now_ = t;
  }
  // Milliseconds since the clock was made.
  int64_t ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now_ - origin_).count();
  }
  int64_t ms(TimePoint t) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - origin_).count();
  }

 private:
  TimePoint origin_{std::chrono::hours(1)};
  TimePoint now_{origin_};
};

// What the fake server answers to one request.
struct FakeReply {
  enum class Fault { kNone, kHang, kReset };
  int status = 200;
  std::string content_type = "text/html";
  std::string body;
  std::string etag, last_modified, location, retry_after, content_disposition;
  std::string server;  // the Server header
  int64_t latency_ms = 5;  // from the request's start to its last byte
  Fault fault = Fault::kNone;
};

// The world a FakeEngine runs in; owned by the test, outlives the engine.
struct FakeNet {
  using Handler = std::function<FakeReply(const crawler::HttpRequest&)>;
  struct Request {
    std::string url;
    std::vector<std::string> headers;
    std::string method, body;
    int64_t start_ms = 0;  // fake-clock times
    int64_t end_ms = 0;
    int timeout_ms = 0;
  };

  FakeClock clock;
  Handler handler;                // unset: every URL answers 404
  std::vector<Request> requests;  // in start order
  int in_flight = 0, max_in_flight = 0;
  std::map<std::string, int> host_in_flight, max_host_in_flight;  // by origin
  bool stalled = false;  // run() found nothing left to wait for before stop() (a hang)

  // The requests for URLs ending in `suffix`.
  std::vector<Request> to(const std::string& suffix) const;
};

// Takes the place of crawler::Engine::create() in tests.
class FakeEngine final : public crawler::Engine {
 public:
  explicit FakeEngine(FakeNet& net) : net_(net) {}

  void start(const crawler::HttpRequest& req, DataFn on_data, DoneFn done) override;
  void after(int64_t ms, std::function<void()> fn) override;
  void on_signal(std::function<void()> fn) override { signal_ = std::move(fn); }
  size_t in_flight() const override { return static_cast<size_t>(net_.in_flight); }
  void run() override;
  void stop() override { stopped_ = true; }

 private:
  struct Event {
    crawler::Clock::TimePoint at;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  void schedule(crawler::Clock::TimePoint at, std::function<void()> fn);

  FakeNet& net_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
  bool stopped_ = false;
  std::function<void()> signal_;
};

// The path of an http URL ("/a.pdf" for "http://host/a.pdf"; "/" for a bare host).
inline std::string path_of(const std::string& url) {
  const size_t start = url.find("://") + 3;
  const size_t slash = url.find('/', start);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

}  // namespace policyindex::testing
