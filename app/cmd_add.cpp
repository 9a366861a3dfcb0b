// policyindex add PATH... --town NAME --type TYPE: local files (a PDF from a public records
// request, say, or a whole folder of them) into the store as document versions. Folders are
// walked recursively. Files are stored in groups: their blobs made durable with one sync per
// group and their catalog rows written in one transaction per group, so a folder of
// thousands of files costs a few syncs instead of thousands. A file that cannot be read is
// reported by name and the rest are still added.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "corpus/corpus.h"
#include "corpus/doc_type.h"
#include "corpus/towns.h"

namespace policyindex::app {
namespace {

// A durable group: at most this many files or bytes (each group costs two syncfs calls,
// which wait for every dirty page of the file system, other processes' too).
constexpr size_t kGroupFiles = 4096;
constexpr uint64_t kGroupBytes = uint64_t{256} << 20;

// Regular files under PATHS (directories walked recursively; hidden entries skipped), in a
// stable order. Problems are collected by path, not fatal.
std::vector<std::filesystem::path> collect(const std::vector<std::string>& paths,
                                           std::vector<std::string>& errors) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    std::filesystem::path path(p);
    if (std::filesystem::is_regular_file(path, ec)) {
      files.push_back(path);
      continue;
    }
    if (!std::filesystem::is_directory(path, ec)) {
      errors.push_back(p + ": not a file or folder");
      continue;
    }
    std::vector<std::filesystem::path> found;
    auto it = std::filesystem::recursive_directory_iterator(
        path, std::filesystem::directory_options::skip_permission_denied, ec);
    if (ec) {
      errors.push_back(p + ": " + ec.message());
      continue;
    }
    for (auto end = std::filesystem::recursive_directory_iterator(); it != end; it.increment(ec)) {
      if (ec) {
        errors.push_back(p + ": " + ec.message());
        break;
      }
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

struct Added {
  std::string file, url, sha256;
  int64_t document_id = 0, version_id = 0;
  uint64_t size = 0;
  bool created = false;
};

}  // namespace

void register_add(Registry& r) {
  struct Opts {
    std::vector<std::string> paths;
    std::string town, type, url, title, format = "text";
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand(
      "add", "Add local files (e.g. public-records PDFs, or whole folders of them) as documents of a town");
  sub->add_option("PATH", opts->paths, "Files or folders (walked recursively) to add")->required();
  sub->add_option("--town", opts->town, "Municipality they belong to")->required();
  std::string types;
  for (corpus::DocType t : corpus::all_doc_types()) {
    types += (types.empty() ? "" : ", ") + std::string(corpus::doc_type_name(t));
  }
  sub->add_option("--type", opts->type, "Document type: " + types)
      ->required()
      ->check(
          [](const std::string& value) {
            auto t = corpus::parse_doc_type(value);
            return t ? std::string() : t.error().message;
          },
          "TYPE");
  sub->add_option("--url", opts->url, "Where the document was published (one file only; default: file:// path)");
  sub->add_option("--title", opts->title, "Title to show (one file only; default: the file name)");
  sub->add_option("--format", opts->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  Globals& g = r.globals;
  r.add(sub, [opts, &g]() -> int {
    std::vector<std::string> errors;
    auto files = collect(opts->paths, errors);
    if ((!opts->url.empty() || !opts->title.empty()) && files.size() != 1) {
      std::cerr << "policyindex: --url and --title name one document; " << files.size()
                << " files were given\n";
      return kExitUsage;
    }
    auto store = corpus::Store::open(corpus::default_data_dir(g.data_dir));
    if (!store) return fail(store.error());
    // The one town resolver: exact name, then an unambiguous prefix; else an error naming
    // the candidates ("unknown municipality 'X'; did you mean: ...").
    auto resolved = corpus::resolve_town(store->catalog(), opts->town, "municipality");
    if (!resolved) return fail(resolved.error());
    const std::optional<int64_t> town = resolved->id;
    const bool tty = !g.quiet && ::isatty(STDERR_FILENO);
    std::vector<Added> added;
    auto& cat = store->catalog();
    for (size_t from = 0, to = 0; from < files.size(); from = to) {
      // 1. Blobs, sealed without a sync each; then one sync for the group.
      std::vector<corpus::BlobWriter> writers;
      std::vector<Added> group;
      uint64_t group_bytes = 0;
      for (size_t& i = to; i < files.size() && i - from < kGroupFiles && group_bytes < kGroupBytes;
           ++i) {
        const auto& file = files[i];
        std::ifstream in(file, std::ios::binary);
        if (!in) {
          errors.push_back(file.string() + ": cannot open");
          continue;
        }
        auto w = store->blobs().begin();
        if (!w) return fail(w.error());
        char buf[1 << 16];
        uint64_t size = 0;
        bool ok = true;
        while (in) {
          in.read(buf, sizeof buf);
          if (in.gcount() <= 0) break;
          size += static_cast<uint64_t>(in.gcount());
          if (auto st = w->append(std::string_view(buf, static_cast<size_t>(in.gcount()))); !st) {
            return fail(st.error());
          }
        }
        if (in.bad()) {
          errors.push_back(file.string() + ": read error");
          ok = false;
        }
        if (!ok) continue;
        auto sha = w->seal();
        if (!sha) return fail(sha.error());
        Added a;
        a.file = file.string();
        a.sha256 = *sha;
        a.size = size;
        a.url = opts->url.empty()
                    ? "file://" + std::filesystem::absolute(file).lexically_normal().string()
                    : opts->url;
        group.push_back(std::move(a));
        writers.push_back(std::move(*w));
        group_bytes += size;
        if (tty && i % 64 == 0) std::fprintf(stderr, "\radding: %zu/%zu files", i, files.size());
      }
      if (auto st = store->blobs().commit_sealed(writers); !st) return fail(st.error());
      // 2. The catalog rows of the group in one transaction.
      if (auto st = cat.begin(); !st) return fail(st.error());
      for (auto& a : group) {
        std::string title = opts->title.empty() ? std::filesystem::path(a.file).filename().string() : opts->title;
        auto doc = cat.ensure_document(a.url, *town, opts->type, title, "add");
        if (!doc) {
          cat.rollback();
          return fail(doc.error());
        }
        corpus::VersionInput v;
        v.document_id = *doc;
        v.sha256 = a.sha256;
        v.size = a.size;
        auto ver = cat.add_version(v);
        if (!ver) return fail(ver.error());  // add_version rolled back
        a.document_id = *doc;
        a.version_id = ver->version_id;
        a.created = ver->created;
      }
      if (auto st = cat.commit(); !st) {
        cat.rollback();
        return fail(st.error());
      }
      added.insert(added.end(), std::make_move_iterator(group.begin()), std::make_move_iterator(group.end()));
      if (tty) std::fprintf(stderr, "\radding: %zu/%zu files", to, files.size());
    }
    if (tty && !files.empty()) std::fprintf(stderr, "\n");
    for (const auto& e : errors) std::cerr << "policyindex: " << e << "\n";
    const auto created = std::count_if(added.begin(), added.end(), [](const Added& a) { return a.created; });
    if (opts->format == "json") {
      nlohmann::json docs = nlohmann::json::array();
      for (const auto& a : added) {
        docs.push_back({{"file", a.file},
                        {"document_id", a.document_id},
                        {"version_id", a.version_id},
                        {"sha256", a.sha256},
                        {"new_version", a.created},
                        {"url", a.url}});
      }
      nlohmann::json j = {{"documents", docs},
                          {"added", created},
                          {"unchanged", static_cast<int64_t>(added.size()) - created},
                          {"errors", errors}};
      // One file: its fields at the top level too, as before.
      if (added.size() == 1 && files.size() == 1) {
        for (auto& [k, v] : docs[0].items()) j[k] = v;
      }
      std::cout << j.dump(2) << "\n";
    } else if (added.size() == 1 && files.size() == 1) {
      const auto& a = added[0];
      std::cout << (a.created ? "added" : "unchanged") << ": document " << a.document_id << " version "
                << a.version_id << " (" << a.size << " bytes, sha256 " << a.sha256.substr(0, 12) << ")\n";
    } else {
      std::cout << "added " << created << " new versions, " << (added.size() - created)
                << " unchanged, from " << files.size() << " files";
      if (!errors.empty()) std::cout << "; " << errors.size() << " problems (on stderr)";
      std::cout << "\n";
    }
    return errors.empty() ? kExitOk : kExitFailure;
  });
}

}  // namespace policyindex::app
