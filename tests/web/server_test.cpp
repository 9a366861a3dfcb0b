// The server over loopback: real sockets, limits, timeouts, connection caps; and the pool
// that reopens the Api when the index changes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "serve/http_server.h"
#include "serve/web_upload.h"
#include "tests/web/fake_api.h"

namespace policyindex {
namespace {

using namespace std::chrono_literals;

// A blocking client socket to 127.0.0.1:PORT, from SOURCE (another loopback address makes
// another client as far as per-address limits go).
class Client {
 public:
  Client(uint16_t port, const char* source = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &src.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  bool connected() const { return connected_; }
  void send(const std::string& s) { (void)::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
  // Reads until the peer closes, a full response (by Content-Length) arrived, or TIMEOUT.
  std::string read_response(std::chrono::milliseconds timeout = 5000ms) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now()).count());
      if (::poll(&p, 1, std::max(left, 1)) <= 0) break;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) { closed_ = true; break; }
      out.append(buf, static_cast<size_t>(n));
      size_t end = out.find("\r\n\r\n");
      size_t cl = out.find("Content-Length: ");
      if (end != std::string::npos && cl != std::string::npos && cl < end) {
        size_t len = std::stoul(out.substr(cl + 16));
        if (out.size() >= end + 4 + len) break;
      }
    }
    return out;
  }
  // True when the server closes the connection within TIMEOUT.
  bool closed_within(std::chrono::milliseconds timeout) {
    read_response(timeout);
    return closed_;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
};

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(response.substr(9, 3));
}

class ServerTest : public ::testing::Test {
 protected:
  void start(serve::ServerOptions o) {
    o.bind = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    pool_ = std::make_unique<serve::ApiPool>(
        [] { return Result<std::unique_ptr<query::Api>>(std::make_unique<testing::FakeApi>()); },
        [] { return std::string("same"); }, 60s);
    auto s = serve::HttpServer::start(o, *pool_);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    server_ = std::move(*s);
    thread_ = std::thread([this] { server_->run(false); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return server_->port(); }

  std::unique_ptr<serve::ApiPool> pool_;
  std::unique_ptr<serve::HttpServer> server_;
  std::thread thread_;
};

TEST_F(ServerTest, ServesApiAndPagesWithKeepAlive) {
  start({});
  Client c(port());
  ASSERT_TRUE(c.connected());
  c.send("GET /api/search?q=detainer HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string r = c.read_response();
  EXPECT_EQ(status_of(r), 200) << r;
  EXPECT_NE(r.find("Content-Type: application/json; charset=utf-8"), std::string::npos);
  EXPECT_NE(r.find("\"total\":45"), std::string::npos);
  c.send("GET /town/Quillfield HTTP/1.1\r\nHost: x\r\n\r\n");  // same connection
  r = c.read_response();
  EXPECT_EQ(status_of(r), 200) << r;
  EXPECT_NE(r.find("Content-Security-Policy"), std::string::npos);
  c.send("HEAD /state HTTP/1.1\r\nHost: x\r\n\r\n");
  r = c.read_response(1000ms);
  EXPECT_EQ(status_of(r), 200);
  EXPECT_EQ(r.find("<html"), std::string::npos);  // no body for HEAD
  c.send("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  r = c.read_response();
  EXPECT_EQ(status_of(r), 404);
  EXPECT_TRUE(c.closed_within(2000ms));
}

TEST_F(ServerTest, BadRequestsGetErrors) {
  serve::ServerOptions o;
  o.max_header_bytes = 1024;
  o.max_body_bytes = 100;
  start(o);
  {
    Client c(port());
    c.send("GET /api/search?offset=x&q=y HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.read_response();
    EXPECT_EQ(status_of(r), 400) << r;
    EXPECT_NE(r.find("\"invalid_argument\""), std::string::npos);
  }
  {
    Client c(port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
    EXPECT_EQ(status_of(c.read_response()), 431);
  }
  {
    Client c(port());
    c.send("POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
    EXPECT_EQ(status_of(c.read_response()), 413);
  }
  {
    Client c(port());
    c.send("THIS IS NOT HTTP\r\n\r\n");
    EXPECT_EQ(status_of(c.read_response()), 400);
  }
  {
    Client c(port());
    c.send("DELETE /api/matrix HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.read_response();
    EXPECT_EQ(status_of(r), 405);
    EXPECT_NE(r.find("Allow: GET, HEAD"), std::string::npos);
  }
}

TEST_F(ServerTest, SlowClientIsCutOff) {
  serve::ServerOptions o;
  o.request_timeout = 400ms;
  start(o);
  Client slow(port());
  const auto t0 = std::chrono::steady_clock::now();
  slow.send("GET / HTTP/1.1\r\n");
  std::this_thread::sleep_for(150ms);
  slow.send("Host: x\r\n");  // still incomplete after the deadline
  EXPECT_TRUE(slow.closed_within(3000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2000ms);
}

TEST_F(ServerTest, SlowClientsCannotExhaustConnections) {
  serve::ServerOptions o;
  o.max_connections = 16;
  o.max_connections_per_ip = 4;
  o.request_timeout = 600ms;
  start(o);
  // One client opens more idle connections than it may: the extra ones are refused at once.
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<Client>(port()));
    idle.back()->send("GET / HTTP/1.1\r\n");  // never finished
  }
  std::this_thread::sleep_for(100ms);
  Client extra(port());
  EXPECT_TRUE(extra.closed_within(1000ms));
  // Another client is served meanwhile.
  Client other(port(), "127.0.0.2");
  other.send("GET /api/taxonomy HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(other.read_response()), 200);
  // The idle ones time out, and the first client gets its slots back.
  for (auto& c : idle) EXPECT_TRUE(c->closed_within(3000ms));
  std::this_thread::sleep_for(50ms);
  Client again(port());
  again.send("GET /api/matrix HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(again.read_response()), 200);
}

TEST_F(ServerTest, ManyParallelClients) {
  start({});
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      Client c(port());
      for (int i = 0; i < 20; ++i) {
        c.send("GET /api/search?q=x&offset=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        if (status_of(c.read_response()) == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 160);
  // Api instances are reused across requests, never more than there were requests at once.
  EXPECT_LE(pool_->created(), 8u);
}

// ---- uploads (/analyze, /api/analyze) --------------------------------------------------------

// An analyzer that holds every upload until released, so that uploads can be kept "in
// progress" for as long as a test needs.
struct HeldAnalyzer {
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  std::atomic<int> started{0};
  serve::Analyzer analyzer() {
    return [this](const serve::UploadInput& in, const serve::UploadLimits&) -> Result<serve::UploadReport> {
      ++started;
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [this] { return released; });
      serve::UploadReport r;
      r.report.file = in.name;
      r.json = "{\"file\":\"" + in.name + "\",\"bytes\":" + std::to_string(in.bytes.size()) + "}\n";
      return r;
    };
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu);
    released = true;
    cv.notify_all();
  }
};

std::string raw_upload(size_t bytes, const std::string& name = "policy.txt") {
  return "POST /api/analyze?name=" + name + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(bytes) + "\r\n\r\n";
}

class UploadServerTest : public ServerTest {
 protected:
  void start_uploads(serve::UploadLimits limits, serve::ServerOptions o = {}) {
    uploads_ = std::make_unique<serve::Uploads>(held_.analyzer(), serve::ModelList(), limits);
    o.uploads = uploads_.get();
    start(o);
  }
  void TearDown() override {
    held_.release();
    ServerTest::TearDown();
  }
  HeldAnalyzer held_;
  std::unique_ptr<serve::Uploads> uploads_;
};

TEST_F(UploadServerTest, LargeBodiesUpToTheLimitOthers413) {
  held_.release();
  serve::UploadLimits limits;
  limits.max_bytes = 100 * 1024;
  start_uploads(limits);
  {  // larger than the 16 KB of other requests, within the upload limit: analyzed
    Client c(port());
    const std::string body(50 * 1024, 'a');
    c.send(raw_upload(body.size()) + body);
    std::string r = c.read_response();
    EXPECT_EQ(status_of(r), 200) << r.substr(0, 300);
    EXPECT_NE(r.find("\"bytes\":51200"), std::string::npos);
  }
  {  // past the limit: 413 in plain words, said before the body is all sent
    Client c(port());
    c.send(raw_upload(1024 * 1024) + std::string(1000, 'a'));
    std::string r = c.read_response();
    EXPECT_EQ(status_of(r), 413) << r.substr(0, 300);
    EXPECT_NE(r.find("larger than the server takes (a file to analyze: up to 0 MB)"), std::string::npos);
  }
  {  // other routes keep their small limit
    Client c(port());
    c.send("POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n" + std::string(50000, 'a'));
    EXPECT_EQ(status_of(c.read_response()), 413);
  }
}

TEST_F(UploadServerTest, ConcurrentUploadsBeyondTheLimitGet503AndPagesAreStillServed) {
  serve::UploadLimits limits;
  limits.max_concurrent = 2;
  start_uploads(limits);
  Client a(port()), b(port(), "127.0.0.2");
  a.send(raw_upload(5) + "hello");
  b.send(raw_upload(5) + "hello");
  for (int i = 0; i < 200 && held_.started.load() < 2; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(held_.started.load(), 2);
  // A third upload is refused at once, with Retry-After and a plain message.
  Client c(port(), "127.0.0.3");
  c.send(raw_upload(5) + "hello");
  std::string r = c.read_response();
  EXPECT_EQ(status_of(r), 503) << r.substr(0, 300);
  EXPECT_NE(r.find("Retry-After: 10"), std::string::npos);
  EXPECT_NE(r.find("try again"), std::string::npos);
  // The form page too.
  Client f(port(), "127.0.0.4");
  f.send("POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 5\r\n\r\nhello");
  r = f.read_response();
  EXPECT_EQ(status_of(r), 503);
  EXPECT_NE(r.find("<html"), std::string::npos);
  // The two analyses in progress do not hold up the pages (they run on threads of their own).
  Client page(port(), "127.0.0.5");
  page.send("GET /api/taxonomy HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(page.read_response(2000ms)), 200);
  held_.release();
  EXPECT_EQ(status_of(a.read_response()), 200);
  EXPECT_EQ(status_of(b.read_response()), 200);
  // Places are free again.
  Client d(port());
  d.send(raw_upload(5) + "hello");
  EXPECT_EQ(status_of(d.read_response()), 200);
  EXPECT_EQ(uploads_->in_progress(), 0u);
}

TEST_F(UploadServerTest, SlowLorisUploadIsCutOff) {
  serve::UploadLimits limits;
  serve::ServerOptions o;
  o.upload_timeout = 500ms;
  start_uploads(limits, o);
  Client slow(port());
  const auto t0 = std::chrono::steady_clock::now();
  slow.send(raw_upload(100000));
  // A byte now and then: the whole body never arrives within the upload's deadline.
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {
    slow.send("a");
    closed = slow.closed_within(150ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms);
  EXPECT_EQ(held_.started.load(), 0);
  EXPECT_EQ(uploads_->in_progress(), 0u);
}

TEST(ApiPoolTest, ReopensWhenTheIndexChanges) {
  std::string stamp = "v1";
  int made = 0;
  serve::ApiPool pool(
      [&] {
        ++made;
        return Result<std::unique_ptr<query::Api>>(std::make_unique<testing::FakeApi>());
      },
      [&] { return stamp; }, 3600s);
  { auto a = pool.acquire(); ASSERT_TRUE(a.has_value()); }
  { auto a = pool.acquire(); ASSERT_TRUE(a.has_value()); }
  EXPECT_EQ(made, 1);  // reused
  {
    auto a = pool.acquire();
    auto b = pool.acquire();  // two at once: two instances
    EXPECT_EQ(made, 2);
  }
  stamp = "v2";  // a new index revision
  { auto a = pool.acquire(); ASSERT_TRUE(a.has_value()); }
  EXPECT_EQ(made, 3);
  { auto a = pool.acquire(); }
  EXPECT_EQ(made, 3);
}

TEST(ApiPoolTest, ReopensWhenOldAndReportsFactoryErrors) {
  int made = 0;
  bool broken = false;
  serve::ApiPool pool(
      [&]() -> Result<std::unique_ptr<query::Api>> {
        if (broken) return make_error(ErrorCode::kNotFound, "no corpus at /x");
        ++made;
        return std::make_unique<testing::FakeApi>();
      },
      nullptr, 50ms);
  { auto a = pool.acquire(); }
  std::this_thread::sleep_for(80ms);
  { auto a = pool.acquire(); }
  EXPECT_EQ(made, 2);
  broken = true;
  std::this_thread::sleep_for(80ms);
  auto a = pool.acquire();
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().message, "no corpus at /x");
}

}  // namespace
}  // namespace policyindex

namespace policyindex {
namespace {

using namespace std::chrono_literals;

TEST(ResponseCacheTest, HitsUntilTheCorpusChangesOrAges) {
  serve::ResponseCache cache(3, 1 << 20, 200ms);
  serve::HttpResponse r;
  r.body = "answer";
  cache.put("/api/search?q=a", "v1", r);
  auto hit = cache.get("/api/search?q=a", "v1");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->body, "answer");
  EXPECT_FALSE(cache.get("/api/search?q=b", "v1").has_value());
  EXPECT_FALSE(cache.get("/api/search?q=a", "v2").has_value());  // a new index: stale
  EXPECT_FALSE(cache.get("/api/search?q=a", "v1").has_value());  // and dropped
  cache.put("/x", "v1", r);
  std::this_thread::sleep_for(250ms);
  EXPECT_FALSE(cache.get("/x", "v1").has_value());  // too old
}

TEST(ResponseCacheTest, EvictsLeastRecentlyUsed) {
  serve::ResponseCache cache(2, 1 << 20, 60s);
  serve::HttpResponse r;
  r.body = "x";
  cache.put("/a", "s", r);
  cache.put("/b", "s", r);
  EXPECT_TRUE(cache.get("/a", "s").has_value());  // /a is now the most recent
  cache.put("/c", "s", r);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.get("/a", "s").has_value());
  EXPECT_FALSE(cache.get("/b", "s").has_value());
  serve::HttpResponse big;
  big.body.assign(1 << 18, 'b');  // over a sixteenth of the byte budget: not kept
  cache.put("/big", "s", big);
  EXPECT_FALSE(cache.get("/big", "s").has_value());
}

}  // namespace
}  // namespace policyindex
