// A loopback HTTP server standing in for several hosts at once (a town's site and the
// platforms it links to): requests are routed by Host header, path and query (parameters
// in any order). Plain sockets; one thread; every answer closes its connection. Port 0:
// the system picks a free one.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace policyindex::testing {

class PlatformHosts {
 public:
  struct Reply {
    int status = 200;
    std::string content_type;
    std::string body;
    std::string location = {};  // a Location header (redirects)
  };
  PlatformHosts();
  ~PlatformHosts();
  PlatformHosts(const PlatformHosts&) = delete;
  PlatformHosts& operator=(const PlatformHosts&) = delete;

  // Answers GET http://HOST:port/TARGET (TARGET: path and query). Set before the crawl.
  void route(const std::string& host, const std::string& target, Reply reply);
  // Answers POST http://HOST:port/TARGET whose body holds `body_part` (the first such route).
  void route_post(const std::string& host, const std::string& target, const std::string& body_part,
                  Reply reply);
  // POSTs seen, as "HOST TARGET BODY".
  std::vector<std::string> posts() const;
  int port() const { return port_; }
  // "http://HOST:port"
  std::string origin(const std::string& host) const;
  // "HOST:port:127.0.0.1" for every routed host (libcurl's resolve list).
  std::vector<std::string> resolve() const;
  // Requests seen, as "HOST TARGET".
  std::vector<std::string> requests() const;

 private:
  void serve();
  void answer(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::map<std::string, Reply> routes_;  // "host target(sorted query)"
  std::vector<std::string> seen_;
  struct PostRoute {
    std::string key, body_part;  // key: "host target"
    Reply reply;
  };
  std::vector<PostRoute> post_routes_;
  std::vector<std::string> posts_;
  std::thread thread_;
};

}  // namespace policyindex::testing
