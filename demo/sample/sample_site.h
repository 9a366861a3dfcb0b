// The bundled sample of fictional town websites (demo/sample/) and a loopback static
// server for them. Each town is served on its own loopback address (127.0.0.2, 127.0.0.3,
// ...; Linux routes all of 127/8 to lo), all on one port, so that a crawler sees one host
// per town exactly as on the internet. Used by `policyindex demo` and by tests; not part of
// corpus/ proper, which knows nothing of HTTP.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::sample {

// One town's website (a row of sites.tsv).
struct Site {
  std::string slug;          // folder under sites/
  std::string municipality;  // name as in the sample municipalities.tsv
  std::string address;       // loopback IPv4 address, "127.0.0.2"
};

// A redirect (a row of redirects.tsv): a request for FROM on the site answers STATUS with
// Location: TO (a path on the same site).
struct Redirect {
  std::string slug;
  std::string from;
  std::string to;
  int status = 301;
};

// A generated sample: ROOT holds sites.tsv, redirects.tsv, municipalities.tsv, sources.tsv,
// expected.json and sites/<slug>/...
struct SampleSet {
  std::filesystem::path root;
  std::vector<Site> sites;
  std::vector<Redirect> redirects;
  const Site* find_site(std::string_view slug) const;
};

// The port written in the sample registry's URLs; sample_registry() replaces it.
inline constexpr uint16_t kRegistryPort = 8431;

// Where the generated sample is: $POLICYINDEX_SAMPLE_DIR when set, else the build tree's
// demo/sample/site (compiled in), else demo/sample/site beside the running binary.
std::filesystem::path default_sample_dir();

// Loads ROOT's manifest. Fails naming the file and line of a bad row, a site folder that is
// missing, or an address outside 127/8.
[[nodiscard]] Result<SampleSet> load_sample(const std::filesystem::path& root);

// The sample registry (municipalities and sources) with every URL pointing at PORT.
[[nodiscard]] Result<corpus::Registry> sample_registry(const SampleSet& sample, uint16_t port);

// Writes REGISTRY as DIR/municipalities.tsv and DIR/sources.tsv (for `crawl --registry`).
[[nodiscard]] Status write_registry(const corpus::Registry& registry,
                                    const std::filesystem::path& dir);

// One request the server answered.
struct AccessEntry {
  std::string address;  // the site address the request arrived on
  std::string method;
  std::string target;
  int status = 0;
  uint64_t bytes = 0;
};

struct ServerOptions {
  uint16_t port = 0;  // 0: any port free on every site address
  // When set, every request is appended to this file as a line:
  // ADDRESS METHOD TARGET STATUS BYTES
  std::filesystem::path access_log;
};

// Serves a SampleSet on loopback from its own thread. Every file is read into memory when
// the server starts. GET and HEAD; keep-alive; Content-Type from the file extension (HTML
// without a charset parameter: pages declare theirs in <meta>); ETag and Last-Modified with
// 304 answers to conditional requests; redirects from redirects.tsv; 404 otherwise.
// Thread-safe: its methods may be called from any thread.
class Server {
 public:
  // Binds every site address on one port and starts serving. With port 0 a free port is
  // chosen (retrying when another process holds it on one of the addresses).
  [[nodiscard]] static Result<std::unique_ptr<Server>> start(const SampleSet& sample,
                                                             const ServerOptions& options = {});
  ~Server();  // stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  // "http://127.0.0.2:PORT/" for the site, or "" for an unknown slug.
  std::string url(std::string_view slug) const;
  // Every request answered so far, in order.
  std::vector<AccessEntry> access_log() const;
  // Stops accepting and closes connections; idempotent.
  void stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace policyindex::sample
