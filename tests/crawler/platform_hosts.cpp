#include "tests/crawler/platform_hosts.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace policyindex::testing {
namespace {

// "path?b=2&a=1" -> "path?a=1&b=2" (the crawl sorts parameters; routes need not).
std::string sorted_target(const std::string& target) {
  auto q = target.find('?');
  if (q == std::string::npos) return target;
  std::vector<std::string> params;
  size_t i = q + 1;
  while (i <= target.size()) {
    size_t amp = target.find('&', i);
    if (amp == std::string::npos) amp = target.size();
    if (amp > i) params.push_back(target.substr(i, amp - i));
    i = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out = target.substr(0, q + 1);
  for (size_t k = 0; k < params.size(); ++k) out += (k ? "&" : "") + params[k];
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 302: return "Found";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    default: return "Status";
  }
}

}  // namespace

PlatformHosts::PlatformHosts() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("bind/listen on 127.0.0.1:0");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

PlatformHosts::~PlatformHosts() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void PlatformHosts::route(const std::string& host, const std::string& target, Reply reply) {
  std::lock_guard<std::mutex> lk(mu_);
  routes_[lower(host) + " " + sorted_target(target)] = std::move(reply);
}

void PlatformHosts::route_post(const std::string& host, const std::string& target,
                               const std::string& body_part, Reply reply) {
  std::lock_guard<std::mutex> lk(mu_);
  post_routes_.push_back({lower(host) + " " + sorted_target(target), body_part, std::move(reply)});
}

std::vector<std::string> PlatformHosts::posts() const {
  std::lock_guard<std::mutex> lk(mu_);
  return posts_;
}

std::string PlatformHosts::origin(const std::string& host) const {
  return "http://" + host + ":" + std::to_string(port_);
}

std::vector<std::string> PlatformHosts::resolve() const {
  std::lock_guard<std::mutex> lk(mu_);
  std::set<std::string> hosts;
  for (const auto& [key, reply] : routes_) hosts.insert(key.substr(0, key.find(' ')));
  for (const auto& r : post_routes_) hosts.insert(r.key.substr(0, r.key.find(' ')));
  std::vector<std::string> out;
  for (const auto& h : hosts) out.push_back(h + ":" + std::to_string(port_) + ":127.0.0.1");
  return out;
}

std::vector<std::string> PlatformHosts::requests() const {
  std::lock_guard<std::mutex> lk(mu_);
  return seen_;
}

void PlatformHosts::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    answer(fd);
    ::close(fd);
  }
}

void PlatformHosts::answer(int fd) {
  std::string req;
  char buf[4096];
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    req.append(buf, static_cast<size_t>(n));
  }
  // A body (a POST's): Content-Length bytes after the head.
  const size_t head_end = req.find("\r\n\r\n") + 4;
  size_t length = 0;
  if (auto c = lower(req).find("\r\ncontent-length:"); c != std::string::npos && c < head_end) {
    length = std::strtoul(req.c_str() + c + 17, nullptr, 10);
  }
  while (req.size() < head_end + length && req.size() < 1 << 20) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    req.append(buf, static_cast<size_t>(n));
  }
  const std::string body = req.substr(head_end, length);
  const bool post = req.rfind("POST ", 0) == 0;
  // "GET /target HTTP/1.1"
  size_t sp1 = req.find(' '), sp2 = req.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return;
  std::string target = req.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string host;
  const std::string low = lower(req);
  if (auto h = low.find("\r\nhost:"); h != std::string::npos) {
    size_t start = h + 7, end = low.find("\r\n", start);
    host = low.substr(start, end - start);
    host.erase(0, host.find_first_not_of(' '));
    host = host.substr(0, host.find(':'));
  }
  Reply reply{404, "text/plain", "not found"};
  {
    std::lock_guard<std::mutex> lk(mu_);
    seen_.push_back(host + " " + target);
    const std::string key = host + " " + sorted_target(target);
    if (post) {
      posts_.push_back(host + " " + target + " " + body);
      for (const auto& r : post_routes_) {
        if (r.key == key && body.find(r.body_part) != std::string::npos) {
          reply = r.reply;
          break;
        }
      }
    } else if (auto it = routes_.find(key); it != routes_.end()) {
      reply = it->second;
    }
  }
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
                    "\r\nContent-Type: " + reply.content_type +
                    (reply.location.empty() ? "" : "\r\nLocation: " + reply.location) +
                    "\r\nContent-Length: " + std::to_string(reply.body.size()) +
                    "\r\nConnection: close\r\n\r\n" + reply.body;
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace policyindex::testing
