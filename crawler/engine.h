// The fetch engine behind an interface: the real one is one Boost.Asio io_context driving
// libcurl's multi socket interface (engine.cpp, the only file that sees Asio and curl);
// tests put a fake in its place (tests/crawler/fake_engine.h) that answers from a table and
// runs on a fake clock. Private to crawler/ (and its tests).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace policyindex::crawler {

// All callbacks of an engine run on the thread that calls run(): the crawl's loop.

struct HttpRequest {
  std::string url;
  // "GET", or "POST" with `body` (its Content-Type among `headers`): a platform's read-only
  // query (a Laserfiche folder listing), retried like a GET.
  std::string method = "GET";
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  bool follow_redirects = false;     // robots.txt only; documents handle redirects themselves
  int max_redirects = 5;
  int connect_timeout_ms = 10000;
  int timeout_ms = 180000;
  int low_speed_bytes = 1024;
  int low_speed_seconds = 30;
  uint64_t max_bytes = 0;  // passed to CURLOPT_MAXFILESIZE for an early refusal
  std::string user_agent;
  std::vector<std::string> resolve;
};

struct HttpResponse {
  int curl_code = 0;       // CURLcode; 0 = the transfer completed
  std::string error;       // curl's message when curl_code != 0
  bool timed_out = false;  // connect, total or low-speed timeout
  bool transient = false;  // a reset, partial body or timeout: worth a retry
  bool too_large = false;  // Content-Length above HttpRequest::max_bytes
  long status = 0;         // HTTP status of the last response
  std::string effective_url;
  std::string redirect_url;  // Location, resolved by curl (empty when not http/https)
  std::string location;      // the raw Location header
  std::string content_type, etag, last_modified, retry_after;
  std::string server;  // the Server header ("Microsoft-IIS/10.0": case-insensitive paths)
  std::string content_disposition;  // the raw header (a download's file name)
  uint64_t bytes = 0;  // decoded body bytes delivered to on_data
  double total_ms = 0;
  std::string started_at;
};

class Engine {
 public:
  // Called with body bytes; status and headers of the response are in `head`. Return false
  // to abort the transfer (the response then carries curl's write error).
  using DataFn = std::function<bool(std::string_view bytes, const HttpResponse& head)>;
  using DoneFn = std::function<void(HttpResponse)>;

  // The real engine (Asio + libcurl multi); timers in steady-clock time.
  static std::unique_ptr<Engine> create();
  virtual ~Engine() = default;

  virtual void start(const HttpRequest& req, DataFn on_data, DoneFn done) = 0;
  // Runs `fn` on the loop after `ms` milliseconds of the engine's clock (the crawl's Clock
  // reads the same time: steady time for the real engine, the fake clock for a fake one).
  virtual void after(int64_t ms, std::function<void()> fn) = 0;
  // Calls `fn` on SIGINT/SIGTERM (on the loop's thread).
  virtual void on_signal(std::function<void()> fn) = 0;
  virtual size_t in_flight() const = 0;
  // Runs the loop until stop().
  virtual void run() = 0;
  // Stops the loop; transfers still in flight are dropped without their DoneFn when the
  // engine is destroyed.
  virtual void stop() = 0;
};

}  // namespace policyindex::crawler
