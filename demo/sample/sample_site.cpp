// The sample's manifest, registry and loopback server. The only Boost.Beast translation unit
// of the sample (Beast is slow to compile: keep it in one TU).

#include "demo/sample/sample_site.h"

#include <fcntl.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange under C++20

namespace policyindex::sample {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// ---------------------------------------------------------------------------------------
// Manifest and registry

namespace {

std::string slurp(const fs::path& p, bool* ok) {
  std::ifstream in(p, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Rows of a TSV with a header line; comments (#) and blank lines skipped. Each row comes
// with its line number; columns are looked up by header name.
struct Tsv {
  std::map<std::string, size_t> cols;
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  std::string get(const std::vector<std::string>& row, const std::string& col) const {
    auto it = cols.find(col);
    return it == cols.end() || it->second >= row.size() ? "" : row[it->second];
  }
};

Result<Tsv> read_tsv(const fs::path& path, const std::vector<std::string>& required) {
  bool ok = false;
  std::string text = slurp(path, &ok);
  if (!ok) return make_error(ErrorCode::kIo, path.string() + ": cannot open");
  Tsv tsv;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::string field;
    std::istringstream ls(line);
    while (std::getline(ls, field, '\t')) fields.push_back(field);
    if (!header) {
      for (size_t i = 0; i < fields.size(); ++i) tsv.cols[fields[i]] = i;
      for (const auto& r : required) {
        if (!tsv.cols.count(r)) {
          return make_error(ErrorCode::kParse, path.string() + ":" + std::to_string(lineno) +
                                                   ": no column '" + r + "'");
        }
      }
      header = true;
      continue;
    }
    tsv.rows.emplace_back(lineno, std::move(fields));
  }
  if (!header) return make_error(ErrorCode::kParse, path.string() + ": no header line");
  return tsv;
}

std::string with_port(std::string url, uint16_t port) {
  const std::string from = ":" + std::to_string(kRegistryPort) + "/";
  auto p = url.find(from);
  if (url.rfind("http://127.", 0) == 0 && p != std::string::npos) {
    url.replace(p, from.size(), ":" + std::to_string(port) + "/");
  }
  return url;
}

}  // namespace

const Site* SampleSet::find_site(std::string_view slug) const {
  for (const auto& s : sites) {
    if (s.slug == slug) return &s;
  }
  return nullptr;
}

fs::path default_sample_dir() {
  if (const char* env = std::getenv("POLICYINDEX_SAMPLE_DIR"); env && *env) return env;
  std::error_code ec;
#ifdef PI_SAMPLE_BUILD_DIR
  if (fs::exists(fs::path(PI_SAMPLE_BUILD_DIR) / "sites.tsv", ec)) return PI_SAMPLE_BUILD_DIR;
#endif
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path beside = exe.parent_path() / "demo" / "sample" / "site";
    if (fs::exists(beside / "sites.tsv", ec)) return beside;
  }
#ifdef PI_SAMPLE_BUILD_DIR
  return PI_SAMPLE_BUILD_DIR;
#else
  return "demo/sample/site";
#endif
}

Result<SampleSet> load_sample(const fs::path& root) {
  std::error_code ec;
  if (!fs::exists(root / "sites.tsv", ec)) {
    return make_error(ErrorCode::kNotFound,
                      root.string() +
                          ": no generated sample here (sites.tsv missing); build the "
                          "pi_sample_site target, or set POLICYINDEX_SAMPLE_DIR");
  }
  SampleSet set;
  set.root = root;
  auto sites = read_tsv(root / "sites.tsv", {"slug", "municipality", "address"});
  if (!sites) return tl::make_unexpected(sites.error());
  for (const auto& [lineno, row] : sites->rows) {
    Site s{sites->get(row, "slug"), sites->get(row, "municipality"), sites->get(row, "address")};
    auto where = (root / "sites.tsv").string() + ":" + std::to_string(lineno) + ": ";
    boost::system::error_code bec;
    auto addr = asio::ip::make_address_v4(s.address, bec);
    if (bec || (addr.to_uint() >> 24) != 127) {
      return make_error(ErrorCode::kParse, where + "address '" + s.address + "' is not in 127/8");
    }
    if (!fs::is_directory(root / "sites" / s.slug, ec)) {
      return make_error(ErrorCode::kNotFound, where + "no folder sites/" + s.slug);
    }
    for (const auto& other : set.sites) {
      if (other.address == s.address || other.slug == s.slug) {
        return make_error(ErrorCode::kParse, where + "slug or address used twice");
      }
    }
    set.sites.push_back(std::move(s));
  }
  auto redirects = read_tsv(root / "redirects.tsv", {"site", "from", "to", "status"});
  if (!redirects) return tl::make_unexpected(redirects.error());
  for (const auto& [lineno, row] : redirects->rows) {
    Redirect r{redirects->get(row, "site"), redirects->get(row, "from"), redirects->get(row, "to"),
               std::atoi(redirects->get(row, "status").c_str())};
    auto where = (root / "redirects.tsv").string() + ":" + std::to_string(lineno) + ": ";
    if (!set.find_site(r.slug))
      return make_error(ErrorCode::kParse, where + "unknown site '" + r.slug + "'");
    if (r.status != 301 && r.status != 302 && r.status != 307 && r.status != 308) {
      return make_error(ErrorCode::kParse, where + "status must be 301, 302, 307 or 308");
    }
    if (r.from.empty() || r.from[0] != '/' || r.to.empty() || r.to[0] != '/') {
      return make_error(ErrorCode::kParse, where + "from and to must be paths starting with /");
    }
    set.redirects.push_back(std::move(r));
  }
  return set;
}

Result<corpus::Registry> sample_registry(const SampleSet& sample, uint16_t port) {
  auto reg = corpus::read_registry(sample.root);
  if (!reg) return tl::make_unexpected(reg.error());
  for (auto& m : reg->municipalities) m.website = with_port(m.website, port);
  for (auto& s : reg->sources) s.url = with_port(s.url, port);
  return reg;
}

Status write_registry(const corpus::Registry& registry, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::kIo, dir.string() + ": " + ec.message());
  std::ofstream towns(dir / "municipalities.tsv", std::ios::trunc);
  towns << "name\tcounty\tkind\tpopulation\twebsite\n";
  for (const auto& m : registry.municipalities) {
    towns << m.name << '\t' << m.county << '\t' << m.kind << '\t'
          << (m.population ? std::to_string(*m.population) : "") << '\t' << m.website << '\n';
  }
  std::ofstream sources(dir / "sources.tsv", std::ios::trunc);
  sources << "municipality\turl\tdoc_type\tnote\n";
  for (const auto& s : registry.sources) {
    sources << s.municipality << '\t' << s.url << '\t' << s.doc_type << '\t' << s.note << '\n';
  }
  if (!towns.flush() || !sources.flush()) {
    return make_error(ErrorCode::kIo, dir.string() + ": cannot write the registry");
  }
  return {};
}

// ---------------------------------------------------------------------------------------
// Server

namespace {

constexpr const char* kLastModified = "Mon, 04 Mar 2024 12:00:00 GMT";

struct FileEntry {
  std::string body;
  std::string content_type;
  std::string etag;
};

struct SiteContent {
  std::map<std::string, FileEntry> files;                        // "/police/index.html"
  std::map<std::string, std::pair<std::string, int>> redirects;  // from -> (to, status)
};

std::string content_type_for(const fs::path& p) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html"},
      {".htm", "text/html"},
      {".css", "text/css"},
      {".txt", "text/plain; charset=utf-8"},
      {".pdf", "application/pdf"},
      {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {".xml", "application/xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
  };
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string etag_of(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

// Decodes %XX; returns false on a malformed escape or a decoded NUL or "..".
bool normalize_path(std::string_view target, std::string* out) {
  auto q = target.find_first_of("?#");
  if (q != std::string_view::npos) target = target.substr(0, q);
  if (target.empty() || target[0] != '/') return false;
  std::string path;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '%') {
      if (i + 2 >= target.size() || !std::isxdigit(static_cast<unsigned char>(target[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(target[i + 2]))) {
        return false;
      }
      char c = static_cast<char>(std::stoi(std::string(target.substr(i + 1, 2)), nullptr, 16));
      if (c == '\0') return false;
      path += c;
      i += 2;
    } else {
      path += target[i];
    }
  }
  if (path.find("/../") != std::string::npos || path.ends_with("/..")) return false;
  *out = path;
  return true;
}

}  // namespace

struct Server::Impl {
  asio::io_context io{1};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::map<std::string, SiteContent> sites;  // by address
  std::map<std::string, std::string> slug_address;
  uint16_t port = 0;
  std::thread thread;
  std::atomic<bool> stopped{false};
  mutable std::mutex log_mutex;
  std::vector<AccessEntry> log;
  std::ofstream log_file;

  void record(AccessEntry e) {
    std::lock_guard lock(log_mutex);
    if (log_file.is_open()) {
      log_file << e.address << ' ' << e.method << ' ' << e.target << ' ' << e.status << ' '
               << e.bytes << '\n';
      log_file.flush();
    }
    log.push_back(std::move(e));
  }

  http::response<http::string_body> answer(const std::string& address,
                                           const http::request<http::string_body>& req) {
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(http::field::server, "policyindex-sample");
    auto text = [&](http::status st, std::string body) {
      res.result(st);
      res.set(http::field::content_type, "text/plain; charset=utf-8");
      res.body() = std::move(body);
    };
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      text(http::status::method_not_allowed, "method not allowed\n");
      res.set(http::field::allow, "GET, HEAD");
      res.prepare_payload();
      return res;
    }
    std::string path;
    if (!normalize_path(std::string_view(req.target().data(), req.target().size()), &path)) {
      text(http::status::bad_request, "bad request target\n");
      res.prepare_payload();
      return res;
    }
    const SiteContent& site = sites.at(address);
    const std::string base = "http://" + address + ":" + std::to_string(port);
    if (auto r = site.redirects.find(path); r != site.redirects.end()) {
      text(static_cast<http::status>(r->second.second), "moved to " + r->second.first + "\n");
      res.set(http::field::location, base + r->second.first);
      res.prepare_payload();
      return res;
    }
    std::string key = path.ends_with("/") ? path + "index.html" : path;
    auto it = site.files.find(key);
    if (it == site.files.end() && site.files.count(path + "/index.html")) {
      text(http::status::moved_permanently, "moved to " + path + "/\n");
      res.set(http::field::location, base + path + "/");
      res.prepare_payload();
      return res;
    }
    if (it == site.files.end()) {
      res.result(http::status::not_found);
      res.set(http::field::content_type, "text/html");
      res.body() =
          "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Page not found</title></head>"
          "<body><h1>Page not found</h1><p>The page you asked for is not on this site.</p>"
          "<p><a href=\"/\">Home</a></p></body></html>\n";
      res.prepare_payload();
      return res;
    }
    const FileEntry& f = it->second;
    res.set(http::field::etag, f.etag);
    res.set(http::field::last_modified, kLastModified);
    res.set(http::field::cache_control, "max-age=300");
    auto inm = req.find(http::field::if_none_match);
    auto ims = req.find(http::field::if_modified_since);
    bool not_modified = inm != req.end() ? inm->value() == f.etag
                                         : (ims != req.end() && ims->value() == kLastModified);
    if (not_modified) {
      res.result(http::status::not_modified);
      return res;
    }
    res.result(http::status::ok);
    res.set(http::field::content_type, f.content_type);
    if (req.method() == http::verb::head) {
      res.content_length(f.body.size());
    } else {
      res.body() = f.body;
      res.prepare_payload();
    }
    return res;
  }
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server, std::string address)
      : stream_(std::move(socket)), server_(server), address_(std::move(address)) {}

  void run() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(64 * 1024);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      // end_of_stream, timeout, reset, or a malformed request: close quietly.
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    auto req = parser_->release();
    auto res = std::make_shared<http::response<http::string_body>>(server_.answer(address_, req));
    server_.record({address_, std::string(req.method_string()), std::string(req.target()),
                    static_cast<int>(res->result_int()),
                    static_cast<uint64_t>(res->body().size())});
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code wec, size_t) {
                        if (wec || !res->keep_alive()) {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          return;
                        }
                        self->read();
                      });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Server::Impl& server_;
  std::string address_;
};

void accept_loop(Server::Impl& impl, tcp::acceptor& acceptor, std::string address) {
  acceptor.async_accept([&impl, &acceptor, address](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || impl.stopped) return;
    } else {
      // Keep the socket out of child processes (the demo runs its steps as children).
      ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
      std::make_shared<Session>(std::move(socket), impl, address)->run();
    }
    accept_loop(impl, acceptor, address);
  });
}

}  // namespace

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::start(const SampleSet& sample,
                                              const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  // Load every file of every site.
  for (const auto& site : sample.sites) {
    SiteContent content;
    const fs::path dir = sample.root / "sites" / site.slug;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      bool ok = false;
      std::string body = slurp(it->path(), &ok);
      if (!ok) return make_error(ErrorCode::kIo, it->path().string() + ": cannot read");
      std::string rel = "/" + fs::relative(it->path(), dir).generic_string();
      FileEntry entry{std::move(body), content_type_for(it->path()), ""};
      entry.etag = etag_of(entry.body);
      content.files.emplace(rel, std::move(entry));
    }
    if (ec) return make_error(ErrorCode::kIo, dir.string() + ": " + ec.message());
    for (const auto& r : sample.redirects) {
      if (r.slug == site.slug) content.redirects[r.from] = {r.to, r.status};
    }
    impl->sites.emplace(site.address, std::move(content));
    impl->slug_address[site.slug] = site.address;
  }
  if (!options.access_log.empty()) {
    impl->log_file.open(options.access_log, std::ios::app);
    if (!impl->log_file) {
      return make_error(ErrorCode::kIo, options.access_log.string() + ": cannot open for writing");
    }
  }
  // Bind every address on one port. With port 0 the first address picks a free port and the
  // others must get the same one; when another process holds it somewhere, try again.
  const int attempts = options.port == 0 ? 20 : 1;
  std::string last_error;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    impl->acceptors.clear();
    uint16_t port = options.port;
    bool ok = true;
    for (const auto& site : sample.sites) {
      auto acceptor = std::make_unique<tcp::acceptor>(impl->io);
      boost::system::error_code ec;
      tcp::endpoint ep(asio::ip::make_address_v4(site.address), port);
      acceptor->open(ep.protocol(), ec);
      if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) acceptor->bind(ep, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        last_error = site.address + ":" + std::to_string(port) + ": " + ec.message();
        ok = false;
        break;
      }
      if (port == 0) port = acceptor->local_endpoint().port();
      ::fcntl(acceptor->native_handle(), F_SETFD, FD_CLOEXEC);
      impl->acceptors.push_back(std::move(acceptor));
    }
    if (ok) {
      impl->port = port;
      break;
    }
  }
  if (impl->port == 0) {
    return make_error(ErrorCode::kNetwork, "sample server: cannot listen on " + last_error);
  }
  for (size_t i = 0; i < sample.sites.size(); ++i) {
    accept_loop(*impl, *impl->acceptors[i], sample.sites[i].address);
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->port; }

std::string Server::url(std::string_view slug) const {
  auto it = impl_->slug_address.find(std::string(slug));
  if (it == impl_->slug_address.end()) return "";
  return "http://" + it->second + ":" + std::to_string(impl_->port) + "/";
}

std::vector<AccessEntry> Server::access_log() const {
  std::lock_guard lock(impl_->log_mutex);
  return impl_->log;
}

void Server::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  asio::post(impl_->io, [impl = impl_.get()] {
    for (auto& a : impl->acceptors) {
      boost::system::error_code ec;
      a->close(ec);
    }
    impl->io.stop();
  });
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace policyindex::sample
