// nginx (Debian nginx-light) started by a test as a non-daemon child with its own prefix
// and config in a TempDir, serving one root per loopback address on one free port.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace policyindex::testing {

struct NginxSite {
  std::string address;          // "127.0.0.2"
  std::filesystem::path root;   // document root
  std::string extra;            // extra directives for the server block (limit_rate, ...)
};

// One parsed access-log line.
struct AccessEntry {
  double start = 0;  // seconds (epoch), request start
  double end = 0;
  std::string address;  // server address the request came to
  int status = 0;
  std::string path;
  std::string if_none_match;
  std::string if_modified_since;
};

class Nginx {
 public:
  // Starts nginx serving `sites` under `dir` (config, logs, temp paths). Throws on failure.
  Nginx(const std::filesystem::path& dir, std::vector<NginxSite> sites);
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  int port() const { return port_; }
  std::string base(const std::string& address) const {
    return "http://" + address + ":" + std::to_string(port_);
  }
  std::vector<AccessEntry> access_log() const;
  // Re-reads the configuration (files it includes may have changed) and waits until the new
  // worker serves. Throws on failure.
  void reload();

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A TCP port that was free a moment ago on 127.0.0.1.
int free_port();

}  // namespace policyindex::testing
