#include "tests/testing/nginx.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/testing/testing.h"

extern char** environ;

namespace policyindex::testing {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

namespace {
bool can_connect(const std::string& address, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}
}  // namespace

Nginx::Nginx(const std::filesystem::path& dir, std::vector<NginxSite> sites) : dir_(dir) {
  std::filesystem::create_directories(dir / "logs");
  std::filesystem::create_directories(dir / "tmp");
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    std::ostringstream c;
    c << "daemon off;\nmaster_process on;\nworker_processes 1;\n";
    if (::geteuid() == 0) c << "user root;\n";
    c << "pid " << (dir / "nginx.pid").string() << ";\n"
      << "error_log " << (dir / "logs/error.log").string() << ";\n"
      << "events { worker_connections 1024; }\n"
      << "http {\n"
      << "  types { text/html html; application/pdf pdf; text/plain txt; application/xml xml; }\n"
      << "  default_type application/octet-stream;\n"
      << "  log_format timed '$msec $request_time $server_addr $status \"$request_uri\" "
         "\"$http_if_none_match\" \"$http_if_modified_since\"';\n"
      << "  access_log " << (dir / "logs/access.log").string() << " timed;\n";
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      c << "  " << t << "_temp_path " << (dir / "tmp").string() << ";\n";
    }
    for (const auto& s : sites) {
      c << "  server { listen " << s.address << ":" << port_ << "; root " << s.root.string()
        << "; " << s.extra << " }\n";
    }
    c << "}\n";
    write_file(dir / "nginx.conf", c.str());
    std::string conf = (dir / "nginx.conf").string(), prefix = dir.string() + "/";
    std::vector<std::string> args = {"/usr/sbin/nginx", "-c", conf, "-p", prefix};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start /usr/sbin/nginx (is nginx-light installed?)");
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool up = false;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;  // exited: port taken? try another
      }
      bool all = true;
      for (const auto& s : sites) all = all && can_connect(s.address, port_);
      if (all) {
        up = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (up) return;
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  std::string err;
  try {
    err = read_file(dir / "logs/error.log");
  } catch (...) {
  }
  throw std::runtime_error("nginx did not start: " + err);
}

Nginx::~Nginx() {
  if (pid_ > 0) {
    ::kill(pid_, SIGQUIT);
    int status = 0;
    for (int i = 0; i < 200 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }
}

void Nginx::reload() {
  if (pid_ <= 0 || ::kill(pid_, SIGHUP) != 0) throw std::runtime_error("nginx is not running");
  // The master starts new workers and retires the old ones; "gracefully shutting down" in
  // the error log means the old worker took its leave, so new requests see the new config.
  // A short settle is enough on loopback and keeps the fixture simple.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
}

std::vector<AccessEntry> Nginx::access_log() const {
  std::vector<AccessEntry> out;
  std::ifstream in(dir_ / "logs/access.log");
  std::string line;
  while (std::getline(in, line)) {
    AccessEntry e;
    std::istringstream ls(line);
    double rt = 0;
    ls >> e.end >> rt >> e.address >> e.status;
    e.start = e.end - rt;
    auto q1 = line.find('"');
    auto q2 = line.find('"', q1 + 1);
    auto q3 = line.find('"', q2 + 1);
    auto q4 = line.find('"', q3 + 1);
    auto q5 = line.find('"', q4 + 1);
    auto q6 = line.find('"', q5 + 1);
    e.path = line.substr(q1 + 1, q2 - q1 - 1);
    e.if_none_match = line.substr(q3 + 1, q4 - q3 - 1);
    e.if_modified_since = line.substr(q5 + 1, q6 - q5 - 1);
    if (e.if_none_match == "-") e.if_none_match.clear();
    if (e.if_modified_since == "-") e.if_modified_since.clear();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace policyindex::testing
