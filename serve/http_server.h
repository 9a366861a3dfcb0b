// The HTTP/1.1 server of `policyindex serve`: moves bytes between sockets and
// handle_request() (serve/http_handler.h). Boost.Beast stays inside http_server.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "serve/http_handler.h"
#include "query/query.h"

namespace policyindex::serve {

// Hands out Api instances, one per request in flight (an Api is not thread-safe), and
// replaces an idle one when the index changed under it: when STAMP() returns something
// other than it did when the instance was made (e.g. the mtime of the Xapian version file),
// or when the instance is older than MAX_AGE (for indexes STAMP cannot see, such as remote
// ones). So a server sees `policyindex index` runs without a restart. Thread-safe.
class ApiPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<Api>>()>;
  using Stamp = std::function<std::string()>;

  ApiPool(Factory factory, Stamp stamp, std::chrono::milliseconds max_age);
  ApiPool(const ApiPool&) = delete;
  ApiPool& operator=(const ApiPool&) = delete;

  // An Api returned to the pool when the lease is destroyed.
  class Lease {
   public:
    Lease(ApiPool* pool, std::unique_ptr<Api> api, std::string stamp, std::chrono::steady_clock::time_point born);
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    ~Lease();
    Api& operator*() const { return *api_; }
    Api* operator->() const { return api_.get(); }

   private:
    ApiPool* pool_;  // not owned; a moved-from lease has no api_ and returns nothing
    std::unique_ptr<Api> api_;
    std::string stamp_;
    std::chrono::steady_clock::time_point born_;
  };

  // A fresh-enough Api, made by the factory when no idle one is current. Errors are the
  // factory's (e.g. the data directory is gone).
  [[nodiscard]] Result<Lease> acquire();
  size_t created() const;  // how many instances the factory has made (tests)
  // The current stamp (STAMP() or "" without one).
  std::string stamp() const { return stamp_ ? stamp_() : std::string(); }

 private:
  struct Idle {
    std::unique_ptr<Api> api;
    std::string stamp;
    std::chrono::steady_clock::time_point born;
  };
  void release(std::unique_ptr<Api> api, std::string stamp, std::chrono::steady_clock::time_point born);

  Factory factory_;
  Stamp stamp_;
  std::chrono::milliseconds max_age_;
  mutable std::mutex mu_;
  std::vector<Idle> idle_;
  size_t created_ = 0;
};

// Successful answers by request target, valid while the corpus stamp (ApiPool::stamp) is
// unchanged and for at most MAX_AGE: the same search, scorecard or page asked again is
// answered without the Api. Least recently used entries go first beyond MAX_ENTRIES or
// MAX_BYTES. Thread-safe.
class ResponseCache {
 public:
  ResponseCache(size_t max_entries, size_t max_bytes, std::chrono::milliseconds max_age);
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;
  std::optional<HttpResponse> get(const std::string& key, const std::string& stamp);
  void put(const std::string& key, const std::string& stamp, const HttpResponse& response);
  size_t size() const;

 private:
  struct Entry {
    std::string key, stamp;
    HttpResponse response;
    std::chrono::steady_clock::time_point born;
  };
  void drop_back();
  const size_t max_entries_, max_bytes_;
  const std::chrono::milliseconds max_age_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
};

struct ServerOptions {
  std::string bind = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see HttpServer::port)
  size_t threads = 0;    // 0: one per core
  size_t max_connections = 1024;         // beyond it new connections are closed at once
  size_t max_connections_per_ip = 64;    // so one client cannot take them all
  size_t max_header_bytes = 16 * 1024;   // larger: 431
  size_t max_body_bytes = 16 * 1024;     // larger: 413 (every route is GET)
  // To receive one whole request, counted from the end of the previous response (so it also
  // bounds how long an idle keep-alive connection is held). A slow client is cut off.
  std::chrono::milliseconds request_timeout{15000};
  std::chrono::milliseconds write_timeout{30000};
  size_t cache_entries = 4096;            // 0: no response cache
  size_t cache_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds cache_max_age{60000};
  // What cached answers are valid for (e.g. the index and the catalog files); empty: the
  // pool's stamp.
  std::function<std::string()> cache_stamp;
  // Uploads (/analyze, /api/analyze; serve/web_upload.h), not owned; null: off. Their body
  // may be up to its limits' max_bytes (plus the form's fields), received within
  // upload_timeout of the request's start; they are analyzed on threads of their own (one
  // per upload in progress), so pages keep being served meanwhile.
  Uploads* uploads = nullptr;
  std::chrono::milliseconds upload_timeout{120000};
};

// An HTTP server answering with handle_request() over Apis from POOL. start() binds and
// listens; run() serves until stop() (or SIGINT/SIGTERM when handle_signals). Thread-safe:
// stop() may be called from any thread.
class HttpServer {
 public:
  [[nodiscard]] static Result<std::unique_ptr<HttpServer>> start(const ServerOptions& options, ApiPool& pool);
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;              // the bound port (useful with port 0)
  virtual void run(bool handle_signals) = 0;      // blocks, serving on options.threads threads
  virtual void stop() = 0;
  virtual size_t open_connections() const = 0;
};

}  // namespace policyindex::serve
