// Boost.Beast over Asio: one io_context run by several threads, one strand per connection.
// This is the only translation unit with Beast in it (a Beast TU costs ~14 s and 650 MB at -O2).

#include <utility>  // before Asio under C++20 (Boost 1.74)

#include "serve/http_server.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <optional>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "serve/http_handler.h"
#include "serve/web_upload.h"

namespace policyindex::serve {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class ServerImpl;

// Counts connections, in total and per client address; a Ticket releases its slot.
class ConnectionLimits {
 public:
  ConnectionLimits(size_t max_total, size_t max_per_ip) : max_total_(max_total), max_per_ip_(max_per_ip) {}
  bool admit(const std::string& ip) {
    std::lock_guard<std::mutex> lock(mu_);
    if (total_ >= max_total_) return false;
    size_t& n = per_ip_[ip];
    if (n >= max_per_ip_) return false;
    ++n;
    ++total_;
    return true;
  }
  void release(const std::string& ip) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = per_ip_.find(ip);
    if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
    --total_;
  }
  size_t total() const {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }

 private:
  const size_t max_total_, max_per_ip_;
  mutable std::mutex mu_;
  size_t total_ = 0;
  std::map<std::string, size_t> per_ip_;
};

HttpResponse unavailable(const Error& e) {
  HttpResponse r;
  r.status = 503;
  r.content_type = "application/json; charset=utf-8";
  r.headers.emplace_back("Retry-After", "5");
  r.body = std::string("{\"error\":{\"code\":\"") + std::string(error_code_name(e.code)) +
           "\",\"message\":\"the corpus cannot be opened right now\"}}";
  return r;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const ServerOptions& options, ApiPool& pool, ResponseCache& cache,
          ConnectionLimits& limits, std::string ip, net::thread_pool& upload_threads)
      : stream_(std::move(socket)), options_(options), pool_(pool), cache_(cache), limits_(limits), ip_(std::move(ip)),
        upload_threads_(upload_threads) {}
  ~Session() { limits_.release(ip_); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    upload_ = false;
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    // The header's Content-Length is checked against the body limit as the header is read:
    // with uploads on, the larger limit until the target is known (on_header).
    parser_->body_limit(options_.uploads ? std::max(options_.max_body_bytes, upload_body_limit())
                                         : options_.max_body_bytes);
    stream_.expires_after(options_.request_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  // The header is in: an upload may have a larger body (and more time for it) when a place
  // is free; the rest of the request is read under the same limits as before.
  void on_header(beast::error_code header_ec) {
    if (header_ec) return on_read(header_ec);
    const std::string target(parser_->get().target());
    upload_ = options_.uploads != nullptr && is_upload_target(target) &&
              parser_->get().method() == http::verb::post;
    if (upload_) {
      if (options_.uploads->full()) {  // refused before its body is read
        HttpResponse busy = upload_busy_response(target, *options_.uploads);
        busy.headers.emplace_back("X-Content-Type-Options", "nosniff");
        return send(std::move(busy), false, false);
      }
      stream_.expires_after(options_.upload_timeout);
    } else if (options_.uploads) {  // back to the limit of every other request
      const auto length = parser_->content_length();
      if (length && *length > options_.max_body_bytes) return on_read(http::error::body_limit);
      parser_->body_limit(options_.max_body_bytes);
    }
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  size_t upload_body_limit() const { return options_.uploads->limits().max_bytes + 64 * 1024; }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::connection_reset || ec == net::error::eof) {
      return close();
    }
    if (ec == beast::error::timeout) {
      // Idle keep-alive connection or a client too slow to send its request: the stream has
      // already closed the socket; nothing more to say.
      return;
    }
    if (ec == http::error::header_limit) return reply_error(431, "request header fields too large", false);
    if (ec == http::error::body_limit && options_.uploads) {
      return reply_error(413, "the request is larger than the server takes (a file to analyze: up to " +
                                  std::to_string(options_.uploads->limits().max_bytes >> 20) + " MB)",
                         false);
    }
    if (ec == http::error::body_limit) return reply_error(413, "request body too large", false);
    if (ec) return reply_error(400, "malformed HTTP request", false);

    auto& req = parser_->get();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(req.body());
    const bool head = req.method() == http::verb::head;
    // (Without a cache, no stamp: computing it costs a stat per watched file per request.)
    const bool cacheable = options_.cache_entries > 0 && (head || req.method() == http::verb::get) &&
                           request.body.empty() && request.target.rfind("/assets/", 0) != 0;
    const std::string stamp =
        !cacheable ? std::string() : options_.cache_stamp ? options_.cache_stamp() : pool_.stamp();
    if (cacheable) {
      if (auto hit = cache_.get(request.target, stamp)) return send(std::move(*hit), req.keep_alive(), head);
    }
    if (upload_) {  // analyzed on a thread of its own; the answer comes back on this strand
      net::post(upload_threads_, [self = shared_from_this(), request = std::move(request), keep = req.keep_alive()]() mutable {
        HttpResponse response = self->answer(request);
        net::post(self->stream_.get_executor(), [self, response = std::move(response), keep]() mutable {
          self->send(std::move(response), keep, false);
        });
      });
      return;
    }
    HttpResponse response = answer(request);
    // Answers depend on the target and the corpus only (the Atom feed's links also on Host).
    if (cacheable && response.status == 200 && request.target.rfind("/feed.atom", 0) != 0) {
      cache_.put(request.target, stamp, response);
    }
    send(std::move(response), req.keep_alive(), head);
  }

  HttpResponse answer(const HttpRequest& request) {
    HttpResponse response;
    {
      auto lease = pool_.acquire();
      if (!lease) {
        response = unavailable(lease.error());
      } else {
        try {
          response = handle_request(request, **lease, options_.uploads);
        } catch (...) {  // handle_request does not throw; a library that ignores that must not kill us
          response.status = 500;
          response.content_type = "application/json; charset=utf-8";
          response.body = "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}";
        }
      }
    }
    return response;
  }

  void reply_error(int status, std::string_view message, bool keep_alive) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json; charset=utf-8";
    r.body = "{\"error\":{\"code\":\"";
    r.body += status == 413 ? "too_large" : "invalid_argument";
    r.body += "\",\"message\":\"";
    r.body += message;
    r.body += "\"}}";
    send(std::move(r), keep_alive, false);
  }

  void send(HttpResponse r, bool keep_alive, bool head) {
    res_.emplace();
    res_->version(11);
    res_->result(static_cast<unsigned>(r.status));
    res_->set(http::field::server, "policyindex");
    if (!r.content_type.empty()) res_->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res_->insert(k, v);
    res_->keep_alive(keep_alive);
    res_->body() = std::move(r.body);
    res_->prepare_payload();
    if (head) res_->body().clear();  // Content-Length stays that of the GET answer
    stream_.expires_after(options_.write_timeout);
    http::async_write(stream_, *res_, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      if (!keep_alive) return self->close();
      self->res_.reset();
      self->read();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> res_;
  const ServerOptions& options_;
  ApiPool& pool_;
  ResponseCache& cache_;
  ConnectionLimits& limits_;
  std::string ip_;
  net::thread_pool& upload_threads_;
  bool upload_ = false;  // the request in progress is an upload
};

class ServerImpl : public HttpServer {
 public:
  ServerImpl(const ServerOptions& options, ApiPool& pool)
      : options_(options),
        limits_(options.max_connections, options.max_connections_per_ip),
        cache_(options.cache_entries, options.cache_bytes, options.cache_max_age),
        pool_(pool),
        ioc_(static_cast<int>(thread_count())),
        acceptor_(net::make_strand(ioc_)) {}

  Status listen() {
    beast::error_code ec;
    auto address = net::ip::make_address(options_.bind, ec);
    if (ec) return make_error(ErrorCode::kInvalidArgument, "--bind '" + options_.bind + "': not an IP address");
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return make_error(ErrorCode::kNetwork, "cannot listen on " + options_.bind + ":" +
                                                 std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint(ec).port();
    accept();
    return ok_status();
  }

  uint16_t port() const override { return port_; }
  size_t open_connections() const override { return limits_.total(); }

  void run(bool handle_signals) override {
    std::optional<net::signal_set> signals;
    if (handle_signals) {
      signals.emplace(ioc_, SIGINT, SIGTERM);
      signals->async_wait([this](beast::error_code, int) { stop(); });
    }
    std::vector<std::thread> threads;
    for (size_t i = 1; i < thread_count(); ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
  }

  void stop() override { ioc_.stop(); }

 private:
  size_t thread_count() const {
    if (options_.threads > 0) return options_.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        beast::error_code ignored;
        std::string ip = socket.remote_endpoint(ignored).address().to_string();
        if (limits_.admit(ip)) {
          std::make_shared<Session>(std::move(socket), options_, pool_, cache_, limits_, std::move(ip), upload_threads_)
              ->start();
        } else {
          socket.close(ignored);  // over the cap: refuse at once rather than queue
        }
      }
      accept();
    });
  }

  // Sessions hold references to options_, limits_ and pool_: they are declared before ioc_,
  // whose destructor destroys the sessions still queued in it.
  ServerOptions options_;
  ConnectionLimits limits_;
  ResponseCache cache_;
  ApiPool& pool_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  // Declared last, so destroyed (joined) first, while what the sessions refer to still lives.
  net::thread_pool upload_threads_{options_.uploads ? options_.uploads->limits().max_concurrent : 1};
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(const ServerOptions& options, ApiPool& pool) {
  auto server = std::make_unique<ServerImpl>(options, pool);
  auto st = server->listen();
  if (!st) return tl::make_unexpected(st.error());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace policyindex::serve
