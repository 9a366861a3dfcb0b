// An in-process HTTP server (Boost.Beast request parsing, raw socket writes) that
// misbehaves on purpose: stalls, resets, wrong Content-Length, huge and gzip-bomb bodies,
// 5xx/429 with Retry-After, redirect loops and redirects to other schemes. Beast stays in
// fault_server.cpp.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace policyindex::testing {

class FaultServer {
 public:
  struct Hit {
    std::string path;
    double at = 0;  // seconds since the server started
  };
  // `stall_robots`: robots.txt never answers (a host whose robots.txt times out).
  explicit FaultServer(bool stall_robots = false);
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  int port() const;
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::vector<Hit> hits() const;
  // Bytes the server wrote for PATH (body bytes only, all requests).
  unsigned long long sent(const std::string& path) const;

  // The body served at /latin1.html (Windows-1252).
  static std::string latin1_page();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace policyindex::testing
