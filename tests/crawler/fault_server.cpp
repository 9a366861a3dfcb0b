#include <utility>  // before Asio (Boost 1.74 + C++20)

#include "tests/crawler/fault_server.h"

#include <zlib.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <map>
#include <thread>

namespace policyindex::testing {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string gzip_of_zeros(size_t n) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
  std::string in(1 << 20, '\0'), out;
  std::vector<char> buf(1 << 16);
  size_t left = n;
  while (true) {
    size_t chunk = std::min(left, in.size());
    zs.next_in = reinterpret_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(chunk);
    left -= chunk;
    int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf.data());
      zs.avail_out = static_cast<uInt>(buf.size());
      deflate(&zs, flush);
      out.append(buf.data(), buf.size() - zs.avail_out);
    } while (zs.avail_out == 0);
    if (flush == Z_FINISH) break;
  }
  deflateEnd(&zs);
  return out;
}

std::string head(int status, const std::string& reason, const std::string& extra,
                 std::optional<size_t> length) {
  std::string h = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n" + extra;
  if (length) h += "Content-Length: " + std::to_string(*length) + "\r\n";
  h += "Connection: close\r\n\r\n";
  return h;
}

std::string pdf(const std::string& what) { return "%PDF-1.4\n% fault test " + what + "\n%%EOF\n"; }

}  // namespace

struct FaultServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  bool stall_robots = false;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  mutable std::mutex mu;
  std::vector<Hit> hits;
  std::map<std::string, int> count;
  std::map<std::string, unsigned long long> sent;
  std::string bomb = gzip_of_zeros(100u << 20);

  int record(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu);
    hits.push_back({path, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
    return ++count[path];
  }
  void add_sent(const std::string& path, size_t n) {
    std::lock_guard<std::mutex> lock(mu);
    sent[path] += n;
  }

  asio::awaitable<void> sleep(int ms) {
    asio::steady_timer t(co_await asio::this_coro::executor);
    t.expires_after(std::chrono::milliseconds(ms));
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<bool> send(tcp::socket& s, const std::string& path, std::string_view bytes,
                             bool body = true) {
    boost::system::error_code ec;
    co_await asio::async_write(s, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && body) add_sent(path, bytes.size());
    co_return !ec;
  }

  asio::awaitable<void> respond(tcp::socket& s, const std::string& path, int n) {
    auto ok = [&](const std::string& body, const std::string& type = "application/pdf") -> asio::awaitable<void> {
      if (co_await send(s, path, head(200, "OK", "Content-Type: " + type + "\r\n", body.size()), false)) {
        co_await send(s, path, body);
      }
    };
    auto redirect = [&](int status, const std::string& to) -> asio::awaitable<void> {
      co_await send(s, path, head(status, "Moved", "Location: " + to + "\r\n", 0), false);
    };
    if (path == "/robots.txt") {
      if (stall_robots) {
        co_await sleep(60000);
        co_return;
      }
      co_await send(s, path, head(404, "Not Found", "", 0), false);
    } else if (path == "/") {
      std::string page = "<html><body><h1>Police Department Policies</h1>";
      for (const char* p : {"/good1.pdf", "/good2.pdf", "/slow.pdf", "/stall.pdf", "/reset.pdf",
                            "/flaky503.pdf", "/rate429.pdf", "/always500.pdf", "/loop-a",
                            "/to-file.pdf", "/to-ftp.pdf", "/moved.pdf", "/wrong-length.pdf",
                            "/huge.pdf", "/huge-noclen.pdf", "/bomb.pdf", "/latin1.html",
                            "/2gb.pdf", "/challenge.pdf", "/ElectronicFile.aspx?id=9"}) {
        page += std::string("<a href='") + p + "'>General Order " + p + "</a>\n";
      }
      co_await ok(page + "</body></html>", "text/html");
    } else if (path == "/good1.pdf" || path == "/good2.pdf" || path == "/good-target.pdf" ||
               path == "/latin1-bylaw.pdf") {
      co_await ok(pdf(path));
    } else if (path == "/latin1.html") {
      co_await ok(latin1_page(), "text/html; charset=windows-1252");
    } else if (path == "/slow.pdf") {
      if (!co_await send(s, path, head(200, "OK", "", 20000), false)) co_return;
      for (int i = 0; i < 10; ++i) {
        if (!co_await send(s, path, std::string(2000, 's'))) co_return;
        co_await sleep(100);
      }
    } else if (path == "/stall.pdf") {
      if (co_await send(s, path, head(200, "OK", "", 100000), false)) {
        co_await send(s, path, std::string(1000, 'x'));
        co_await sleep(30000);
      }
    } else if (path == "/reset.pdf") {
      if (co_await send(s, path, head(200, "OK", "", 100000), false)) {
        co_await send(s, path, std::string(5000, 'r'));
        boost::system::error_code ec;
        s.set_option(asio::socket_base::linger(true, 0), ec);
        s.close(ec);  // RST
      }
    } else if (path == "/flaky503.pdf") {
      if (n == 1) co_await send(s, path, head(503, "Busy", "Retry-After: 1\r\n", 0), false);
      else co_await ok(pdf(path));
    } else if (path == "/rate429.pdf") {
      if (n == 1) co_await send(s, path, head(429, "Too Many", "Retry-After: 1\r\n", 0), false);
      else co_await ok(pdf(path));
    } else if (path == "/always500.pdf") {
      co_await send(s, path, head(500, "Broken", "", 0), false);
    } else if (path == "/loop-a") {
      co_await redirect(302, "/loop-b");
    } else if (path == "/loop-b") {
      co_await redirect(302, "/loop-a");
    } else if (path == "/to-file.pdf") {
      co_await redirect(302, "file:///etc/passwd");
    } else if (path == "/to-ftp.pdf") {
      co_await redirect(301, "ftp://127.0.0.1/x.pdf");
    } else if (path == "/moved.pdf") {
      co_await redirect(301, "/good-target.pdf");
    } else if (path == "/wrong-length.pdf") {
      if (co_await send(s, path, head(200, "OK", "", 5000), false)) {
        co_await send(s, path, std::string(1000, 'w'));
      }
    } else if (path == "/huge.pdf" || path == "/huge-noclen.pdf") {
      const size_t total = 200u << 20;
      std::optional<size_t> len;
      if (path == "/huge.pdf") len = total;
      if (!co_await send(s, path, head(200, "OK", "", len), false)) co_return;
      std::string chunk(1 << 16, 'h');
      for (size_t sent_bytes = 0; sent_bytes < total; sent_bytes += chunk.size()) {
        if (!co_await send(s, path, chunk)) co_return;
      }
    } else if (path == "/2gb.pdf") {
      // A "PDF" that says it is 2 GiB (and would send it): refused by its Content-Length.
      const unsigned long long total = 2ull << 30;
      if (!co_await send(s, path,
                          "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: " +
                              std::to_string(total) + "\r\nConnection: close\r\n\r\n",
                          false)) {
        co_return;
      }
      std::string chunk = "%PDF-1.4\n" + std::string((1 << 16) - 9, 'g');
      for (unsigned long long sent_bytes = 0; sent_bytes < total; sent_bytes += chunk.size()) {
        if (!co_await send(s, path, chunk)) co_return;
      }
    } else if (path == "/challenge.pdf") {
      // A firewall answering 200 with its challenge page.
      co_await ok("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
                  "<script>window._cf_chl_opt={cvId:'3'};</script></body></html>",
                  "text/html; charset=UTF-8");
    } else if (path == "/ElectronicFile.aspx?id=9") {
      const std::string body = pdf(path);
      if (co_await send(s, path,
                        head(200, "OK",
                             "Content-Type: application/octet-stream\r\nContent-Disposition: "
                             "attachment; filename*=UTF-8''Trust%20Act.pdf\r\n",
                             body.size()),
                        false)) {
        co_await send(s, path, body);
      }
    } else if (path == "/bomb.pdf") {
      if (co_await send(s, path, head(200, "OK", "Content-Encoding: gzip\r\n", bomb.size()), false)) {
        co_await send(s, path, bomb);
      }
    } else {
      co_await send(s, path, head(404, "Not Found", "", 0), false);
    }
  }

  asio::awaitable<void> session(tcp::socket s) {
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    boost::system::error_code ec;
    co_await http::async_read(s, buf, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    std::string path(req.target());
    int n = record(path);
    co_await respond(s, path, n);
    s.shutdown(tcp::socket::shutdown_both, ec);
  }

  asio::awaitable<void> accept_loop() {
    while (true) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(io, session(std::move(s)), asio::detached);
    }
  }
};

FaultServer::FaultServer(bool stall_robots) : impl_(std::make_unique<Impl>()) {
  impl_->stall_robots = stall_robots;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

FaultServer::~FaultServer() {
  impl_->io.stop();
  impl_->thread.join();
}

int FaultServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::vector<FaultServer::Hit> FaultServer::hits() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->hits;
}

unsigned long long FaultServer::sent(const std::string& path) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->sent.find(path);
  return it == impl_->sent.end() ? 0 : it->second;
}

std::string FaultServer::latin1_page() {
  return "<html><head><meta charset='windows-1252'></head><body><p>R\xE8glement g\xE9n\xE9ral "
         "\x96 Ville</p><a href='/latin1-bylaw.pdf'>R\xE8glement \x96 Bylaw</a></body></html>";
}

}  // namespace policyindex::testing
