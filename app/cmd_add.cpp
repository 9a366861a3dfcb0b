// policyindex add FILE --town NAME --type TYPE [--url URL]: a local file (a PDF from a
// public records request, say) into the store as a document version.

#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "corpus/corpus.h"

namespace policyindex::app {

void register_add(Registry& r) {
  struct Opts {
    std::string file, town, type, url, title, format = "text";
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand("add", "Add a local file (e.g. a public-records PDF) as a document of a town");
  sub->add_option("FILE", opts->file, "The file to add")->required()->check(CLI::ExistingFile);
  sub->add_option("--town", opts->town, "Municipality it belongs to")->required();
  sub->add_option("--type", opts->type, "Document type: ordinance, bylaw, police_policy, ...")
      ->required();
  sub->add_option("--url", opts->url, "Where the document was published (default: file:// path)");
  sub->add_option("--title", opts->title, "Title to show");
  sub->add_option("--format", opts->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  Globals& g = r.globals;
  r.add(sub, [opts, &g]() -> int {
    auto store = corpus::Store::open(corpus::default_data_dir(g.data_dir));
    if (!store) return fail(store.error());
    auto town = store->catalog().find_municipality(opts->town);
    if (!town) return fail(town.error());
    if (!*town) return fail("unknown municipality '" + opts->town + "'");
    std::ifstream in(opts->file, std::ios::binary);
    if (!in) return fail(opts->file + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    auto sha = store->blobs().put(bytes);
    if (!sha) return fail(sha.error());
    std::string url = opts->url;
    if (url.empty()) url = "file://" + std::filesystem::absolute(opts->file).lexically_normal().string();
    std::string title = opts->title.empty() ? std::filesystem::path(opts->file).filename().string()
                                            : opts->title;
    auto doc = store->catalog().ensure_document(url, *town, opts->type, title, "add");
    if (!doc) return fail(doc.error());
    corpus::VersionInput v;
    v.document_id = *doc;
    v.sha256 = *sha;
    v.size = bytes.size();
    auto ver = store->catalog().add_version(v);
    if (!ver) return fail(ver.error());
    if (opts->format == "json") {
      nlohmann::json j = {{"document_id", *doc},
                          {"version_id", ver->version_id},
                          {"sha256", *sha},
                          {"new_version", ver->created},
                          {"url", url}};
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << (ver->created ? "added" : "unchanged") << ": document " << *doc << " version "
                << ver->version_id << " (" << bytes.size() << " bytes, sha256 " << sha->substr(0, 12)
                << ")\n";
    }
    return kExitOk;
  });
}

}  // namespace policyindex::app
