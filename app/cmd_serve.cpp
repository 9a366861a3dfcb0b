// policyindex serve [--bind 127.0.0.1] [--port 8080]: the web page and the JSON API.

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "app/app.h"
#include "corpus/corpus.h"
#include "serve/http_server.h"
#include "serve/upload_analyzer.h"
#include "query/query.h"

namespace policyindex::app {
namespace {

// Changes whenever a Xapian commit lands in one of PATHS (glass rewrites its version file
// "iamglass" on every commit; a stub file changes when edited), or a file of PATHS changes
// (the catalog and its -wal file). Remote indexes are not seen here: the age limits cover them.
std::string corpus_stamp(const std::vector<std::string>& paths) {
  std::string stamp;
  for (const auto& p : paths) {
    std::filesystem::path file = p;
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) file /= "iamglass";
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0) {
      stamp += std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
               std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ";";
    } else {
      stamp += "-;";
    }
  }
  return stamp;
}

}  // namespace

void register_serve(Registry& r) {
  struct Opts {
    serve::ServerOptions server;
    std::vector<std::string> index_paths;
    int refresh_seconds = 60;
    size_t record_cache_mb = 64;
    bool no_upload = false;
    size_t upload_mb = 20;
    serve::UploadLimits upload;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand("serve", "Serve the web page and JSON API");
  sub->add_option("--bind", opts->server.bind, "Address to listen on (default 127.0.0.1: this machine only)");
  sub->add_option("--port", opts->server.port, "Port (0: any free port; the URL is printed)");
  sub->add_option("--threads", opts->server.threads, "Worker threads (default: one per core)");
  sub->add_option("--max-connections", opts->server.max_connections, "Open connections at most")
      ->check(CLI::Range(size_t{1}, size_t{100000}));
  sub->add_option("--index", opts->index_paths,
                  "Search these Xapian databases as one instead of DATA/xapian (repeatable)");
  sub->add_option("--refresh-seconds", opts->refresh_seconds,
                  "Reopen the index at least this often even when no change is seen (remote indexes)")
      ->check(CLI::Range(1, 86400));
  sub->add_option("--cache-entries", opts->server.cache_entries,
                  "Answers kept in memory until the corpus changes (0: no cache)");
  sub->add_option("--record-cache-mb", opts->record_cache_mb,
                  "Decoded search hits kept in memory, in MiB (0: read each hit from the index)")
      ->check(CLI::Range(size_t{0}, size_t{1} << 20));
  sub->add_flag("--no-upload", opts->no_upload, "Do not offer /analyze (the upload of one's own policy)");
  sub->add_option("--upload-max-mb", opts->upload_mb, "Largest file /analyze takes, in MB")
      ->check(CLI::Range(size_t{1}, size_t{1024}));
  sub->add_option("--upload-concurrent", opts->upload.max_concurrent, "Uploads analyzed at once (default 2)")
      ->check(CLI::Range(size_t{1}, size_t{64}));
  Globals& g = r.globals;
  r.add(sub, [opts, &g]() -> int {
    const std::filesystem::path data = corpus::default_data_dir(g.data_dir);
    // /analyze: files analyzed like `analyze` does, nothing stored.
    std::unique_ptr<serve::Uploads> uploads;
    if (!opts->no_upload) {
      opts->upload.max_bytes = opts->upload_mb << 20;
      auto services = serve::make_upload_services(data, g.taxonomy);
      if (!services) return fail(services.error());
      uploads = std::make_unique<serve::Uploads>(std::move(services->analyzer), std::move(services->models), opts->upload);
      opts->server.uploads = uploads.get();
    }
    // What the pool's Apis share: facet tables and the decoded-record cache.
    auto context = std::make_shared<query::SearchContext>(opts->record_cache_mb << 20);
    // The Apis are reopened when the index changes (the catalog they read live); cached
    // answers are dropped when either changes.
    std::vector<std::string> watched = opts->index_paths;
    if (watched.empty()) watched.push_back((data / "xapian").string());
    std::vector<std::string> watched_all = watched;
    watched_all.push_back((data / "catalog.sqlite").string());
    watched_all.push_back((data / "catalog.sqlite-wal").string());
    const auto paths = opts->index_paths;
    serve::ApiPool pool([data, paths, context] { return query::open_api(data, paths, context); },
                        [watched] { return corpus_stamp(watched); },
                        std::chrono::seconds(opts->refresh_seconds));
    {
      auto first = pool.acquire();  // fail now, not on the first request
      if (!first) return fail(first.error());
    }
    opts->server.cache_max_age = std::chrono::seconds(opts->refresh_seconds);
    // The pool keeps the first Api open, so the catalog's -wal file exists from here on and
    // only writers change it.
    opts->server.cache_stamp = [watched_all] { return corpus_stamp(watched_all); };
    auto server = serve::HttpServer::start(opts->server, pool);
    if (!server) return fail(server.error());
    std::string host = opts->server.bind;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    std::printf("policyindex: serving %s on http://%s:%u/ (Ctrl-C to stop)\n", data.string().c_str(),
                host.c_str(), static_cast<unsigned>((*server)->port()));
    std::fflush(stdout);
    (*server)->run(true);
    return kExitOk;
  });
}

}  // namespace policyindex::app
