// The HTTP engine: libcurl's multi *socket* interface driven by one Boost.Asio io_context.
// curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to time out
// (CURLMOPT_TIMERFUNCTION); Asio waits for readiness and calls curl_multi_socket_action.
// Hundreds of transfers run on one thread with no polling.
//
// Traps (DEPENDENCIES.md §2d): a stream_descriptor owns its fd, so on CURL_POLL_REMOVE it is
// cancel()ed and release()d, never closed (the socket is curl's). Cancelled waits still run
// their handlers and fd numbers get reused, so every socket record carries a "dead" flag
// shared with its handlers. curl_multi_socket_action is never called from inside a curl
// callback: the timer callback only (re)arms an Asio timer.

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange under C++20

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>

#include <chrono>
#include <map>
#include <vector>
#include <optional>
#include <unordered_map>

#include "corpus/corpus.h"
#include "crawler/engine.h"
#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

namespace asio = boost::asio;

struct EasyCleanup {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct MultiCleanup {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  }
  return true;
}

class AsioCurlEngine final : public Engine {
 public:
  AsioCurlEngine() : timer_(io_), signals_(io_) {
    multi_.reset(curl_multi_init());
    curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &AsioCurlEngine::socket_cb);
    curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_.get(), CURLMOPT_TIMERFUNCTION, &AsioCurlEngine::timer_cb);
    curl_multi_setopt(multi_.get(), CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, 512L);
  }

  ~AsioCurlEngine() override {
    // Detach curl's sockets from Asio before curl closes them.
    for (auto& [fd, sock] : sockets_) release(*sock);
    sockets_.clear();
    for (auto& [easy, t] : transfers_) curl_multi_remove_handle(multi_.get(), easy);
    transfers_.clear();
    for (CURL* e : spare_easy_) curl_easy_cleanup(e);
  }

  void start(const HttpRequest& req, DataFn on_data, DoneFn done) override {
    auto t = std::make_unique<Transfer>();
    t->engine = this;
    t->on_data = std::move(on_data);
    t->done = std::move(done);
    t->resp.started_at = corpus::now_iso8601();
    // Easy handles are reused without curl_easy_reset: the options every request shares
    // are set once per handle, the others below on every request. A reset per request
    // (and setting ~25 options again) cost a few microseconds and, worse, a fresh 256 KB
    // receive buffer each time.
    bool fresh = false;
    if (!spare_easy_.empty()) {
      t->easy.reset(spare_easy_.back());
      spare_easy_.pop_back();
    } else {
      t->easy.reset(curl_easy_init());
      fresh = true;
    }
    CURL* e = t->easy.get();
    if (fresh) {
      curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &AsioCurlEngine::write_cb);
      curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &AsioCurlEngine::header_cb);
      curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
      // Every encoding libcurl decodes (gzip, deflate, br, zstd); the write callback sees
      // the decoded stream, so the size cap holds against decompression bombs.
      curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
      curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
      curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
      curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
      // 256 KB reads instead of curl's 16 KB: a sixteenth of the recv/write calls and
      // callbacks on large bodies (measured: ~15% less CPU on the crawl benchmark).
      curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024);
    }
    curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
    if (req.method == "POST") {
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, req.body.c_str());
    } else {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);  // a reused handle's POST is undone
    }
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_USERAGENT, req.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(req.max_redirects));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout_ms));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(req.low_speed_bytes));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(req.low_speed_seconds));
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(req.max_bytes));  // 0: none
    curl_slist* headers = nullptr;
    for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());
    t->headers.reset(headers);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);  // null: none (a reused handle's are gone)
    curl_slist* resolve = nullptr;
    for (const auto& r : req.resolve) resolve = curl_slist_append(resolve, r.c_str());
    t->resolve.reset(resolve);
    curl_easy_setopt(e, CURLOPT_RESOLVE, resolve);
    CURL* key = e;
    transfers_.emplace(key, std::move(t));
    CURLMcode rc = curl_multi_add_handle(multi_.get(), key);
    if (rc != CURLM_OK) {
      auto node = transfers_.extract(key);
      HttpResponse r = node.mapped()->resp;
      r.curl_code = -1;
      r.error = std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc);
      auto fn = std::move(node.mapped()->done);
      asio::post(io_, [fn = std::move(fn), r = std::move(r)]() mutable { fn(std::move(r)); });
    }
  }

  void after(int64_t ms, std::function<void()> fn) override {
    auto timer = std::make_shared<asio::steady_timer>(io_);
    timer->expires_after(std::chrono::milliseconds(ms));
    timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
      if (!ec) fn();
    });
  }

  void on_signal(std::function<void()> fn) override {
    signal_fn_ = std::move(fn);
    boost::system::error_code ec;
    signals_.add(SIGINT, ec);
    signals_.add(SIGTERM, ec);
    signals_.async_wait([this](const boost::system::error_code& e, int) {
      if (!e && signal_fn_) signal_fn_();
    });
  }

  size_t in_flight() const override { return transfers_.size(); }

  void run() override {
    io_.restart();
    auto guard = asio::make_work_guard(io_);
    io_.run();
  }

  void stop() override {
    boost::system::error_code ec;
    signals_.cancel(ec);
    io_.stop();
  }

 private:
  struct Transfer {
    AsioCurlEngine* engine = nullptr;
    std::unique_ptr<CURL, EasyCleanup> easy;
    std::unique_ptr<curl_slist, SlistFree> headers;
    std::unique_ptr<curl_slist, SlistFree> resolve;
    DataFn on_data;
    DoneFn done;
    HttpResponse resp;
    char errbuf[CURL_ERROR_SIZE] = {0};
  };

  struct Socket {
    explicit Socket(asio::io_context& io, curl_socket_t s) : fd(s), sd(io, s) {}
    curl_socket_t fd;
    asio::posix::stream_descriptor sd;
    int want = 0;
    bool reading = false, writing = false, dead = false;
  };

  static void release(Socket& s) {
    s.dead = true;
    boost::system::error_code ec;
    s.sd.cancel(ec);
    s.sd.release();  // the fd belongs to curl
  }

  static size_t header_cb(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
      // A new response (after 1xx, or a redirect curl follows): forget the last one's headers.
      t->resp.content_type.clear();
      t->resp.etag.clear();
      t->resp.last_modified.clear();
      t->resp.retry_after.clear();
      t->resp.location.clear();
      t->resp.server.clear();
      t->resp.content_disposition.clear();
      auto sp = line.find(' ');
      if (sp != std::string_view::npos) t->resp.status = std::atol(std::string(line.substr(sp + 1, 3)).c_str());
      return size * n;
    }
    auto value = [&](size_t name_len) { return std::string(trim(line.substr(name_len))); };
    if (iequals_prefix(line, "content-type:")) t->resp.content_type = value(13);
    else if (iequals_prefix(line, "etag:")) t->resp.etag = value(5);
    else if (iequals_prefix(line, "last-modified:")) t->resp.last_modified = value(14);
    else if (iequals_prefix(line, "retry-after:")) t->resp.retry_after = value(12);
    else if (iequals_prefix(line, "location:")) t->resp.location = value(9);
    else if (iequals_prefix(line, "server:")) t->resp.server = value(7);
    else if (iequals_prefix(line, "content-disposition:")) t->resp.content_disposition = value(20);
    return size * n;
  }

  static size_t write_cb(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    size_t len = size * n;
    t->resp.bytes += len;
    if (t->on_data && !t->on_data(std::string_view(data, len), t->resp)) return 0;
    return len;
  }

  static int socket_cb(CURL*, curl_socket_t s, int what, void* userp, void*) {
    auto* self = static_cast<AsioCurlEngine*>(userp);
    auto it = self->sockets_.find(s);
    if (what == CURL_POLL_REMOVE) {
      if (it != self->sockets_.end()) {
        release(*it->second);
        self->sockets_.erase(it);
      }
      return 0;
    }
    if (it == self->sockets_.end()) {
      it = self->sockets_.emplace(s, std::make_shared<Socket>(self->io_, s)).first;
    }
    it->second->want = what;
    self->arm(it->second);
    return 0;
  }

  // curl asks for its timeout to be (re)set after nearly every call, and setting an Asio
  // timer costs a timerfd_settime system call each time. So: the deadline curl wants is
  // kept in wanted_; the Asio timer is re-armed only when the new deadline is earlier than
  // the armed one (a later one is taken care of when the armed timer fires: it re-arms
  // itself for wanted_, since curl does not repeat an unchanged deadline); a 0 timeout is
  // a post, not a timer. Even a 0 timeout goes through the loop: socket_action must not be
  // called from here.
  static int timer_cb(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<AsioCurlEngine*>(userp);
    if (timeout_ms < 0) {
      self->wanted_.reset();  // an armed timer may still fire; it then finds nothing wanted
      return 0;
    }
    auto now = std::chrono::steady_clock::now();
    self->wanted_ = now + std::chrono::milliseconds(timeout_ms);
    if (timeout_ms == 0) {
      if (!self->zero_posted_) {
        self->zero_posted_ = true;
        asio::post(self->io_, [self] {
          self->zero_posted_ = false;
          self->on_timeout();
        });
      }
      return 0;
    }
    if (!self->armed_ || *self->wanted_ < self->armed_at_) self->arm_timer(*self->wanted_);
    return 0;
  }

  void arm_timer(std::chrono::steady_clock::time_point at) {
    armed_ = true;
    armed_at_ = at;
    uint64_t gen = ++timer_gen_;
    timer_.expires_at(at);
    timer_.async_wait([this, gen](const boost::system::error_code& ec) {
      if (ec || gen != timer_gen_) return;  // replaced by a later arm_timer
      armed_ = false;
      on_timeout();
    });
  }

  void on_timeout() {
    if (!wanted_) return;
    if (*wanted_ > std::chrono::steady_clock::now()) {
      if (!armed_ || *wanted_ < armed_at_) arm_timer(*wanted_);
      return;
    }
    wanted_.reset();
    action(CURL_SOCKET_TIMEOUT, 0);
  }

  void arm(const std::shared_ptr<Socket>& s) {
    if (s->dead) return;
    if ((s->want & CURL_POLL_IN) && !s->reading) {
      s->reading = true;
      s->sd.async_wait(asio::posix::stream_descriptor::wait_read,
                       [this, s](const boost::system::error_code& ec) {
                         s->reading = false;
                         if (s->dead || ec == asio::error::operation_aborted) return;
                         action(s->fd, CURL_CSELECT_IN | (ec ? CURL_CSELECT_ERR : 0));
                         arm(s);
                       });
    }
    if ((s->want & CURL_POLL_OUT) && !s->writing) {
      s->writing = true;
      s->sd.async_wait(asio::posix::stream_descriptor::wait_write,
                       [this, s](const boost::system::error_code& ec) {
                         s->writing = false;
                         if (s->dead || ec == asio::error::operation_aborted) return;
                         action(s->fd, CURL_CSELECT_OUT | (ec ? CURL_CSELECT_ERR : 0));
                         arm(s);
                       });
    }
  }

  void action(curl_socket_t fd, int events) {
    int running = 0;
    curl_multi_socket_action(multi_.get(), fd, events, &running);
    drain();
  }

  void drain() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      curl_multi_remove_handle(multi_.get(), easy);
      auto node = transfers_.extract(easy);
      if (node.empty()) continue;
      Transfer& t = *node.mapped();
      HttpResponse& r = t.resp;
      r.curl_code = code;
      if (code != CURLE_OK) r.error = t.errbuf[0] ? t.errbuf : curl_easy_strerror(code);
      r.timed_out = code == CURLE_OPERATION_TIMEDOUT;
      r.too_large = code == CURLE_FILESIZE_EXCEEDED;
      r.transient = r.timed_out || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
                    code == CURLE_PARTIAL_FILE || code == CURLE_GOT_NOTHING ||
                    code == CURLE_COULDNT_CONNECT || code == CURLE_HTTP2 ||
                    code == CURLE_HTTP2_STREAM || code == CURLE_BAD_CONTENT_ENCODING;
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      if (status) r.status = status;
      char* s = nullptr;
      if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s) r.effective_url = s;
      s = nullptr;
      if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &s) == CURLE_OK && s) r.redirect_url = s;
      curl_off_t total_us = 0;
      curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
      r.total_ms = static_cast<double>(total_us) / 1000.0;
      DoneFn done = std::move(t.done);
      HttpResponse out = std::move(r);
      CURL* done_easy = t.easy.release();
      // Options pointing into the finished transfer (freed below) are cleared.
      curl_easy_setopt(done_easy, CURLOPT_ERRORBUFFER, nullptr);
      curl_easy_setopt(done_easy, CURLOPT_HTTPHEADER, nullptr);
      curl_easy_setopt(done_easy, CURLOPT_RESOLVE, nullptr);
      curl_easy_setopt(done_easy, CURLOPT_PRIVATE, nullptr);
      if (spare_easy_.size() < kSpareEasy) {
        spare_easy_.push_back(done_easy);
      } else {
        curl_easy_cleanup(done_easy);
      }
      node.mapped().reset();  // frees the transfer before the callback starts more
      if (done) done(std::move(out));
    }
  }

  asio::io_context io_;
  asio::steady_timer timer_;
  std::optional<std::chrono::steady_clock::time_point> wanted_;  // curl's deadline
  std::chrono::steady_clock::time_point armed_at_{};             // timer_'s, when armed_
  bool armed_ = false;
  bool zero_posted_ = false;
  uint64_t timer_gen_ = 0;
  asio::signal_set signals_;
  std::function<void()> signal_fn_;
  std::unique_ptr<CURLM, MultiCleanup> multi_;
  std::map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  static constexpr size_t kSpareEasy = 256;
  std::vector<CURL*> spare_easy_;
};

}  // namespace

std::unique_ptr<Engine> Engine::create() { return std::make_unique<AsioCurlEngine>(); }

}  // namespace policyindex::crawler
