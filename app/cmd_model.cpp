// policyindex model add DOCUMENT_ID|URL --name NAME | model list | model remove NAME: corpus
// documents marked as models (the model welcoming ordinance or trust policy advocates
// circulate), which `analyze FILE --model NAME` compares a town's policy with.

#include <filesystem>
#include <iostream>

#include "app/app.h"
#include "corpus/models.h"
#include "render/report.h"

namespace policyindex::app {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The catalog of the data directory; an error (not a new catalog) when there is none.
Result<corpus::Catalog> open_existing(const Globals& g) {
  const std::filesystem::path dir = corpus::default_data_dir(g.data_dir);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "catalog.sqlite", ec))
    return make_error(ErrorCode::kNotFound, "there is no corpus in " + dir.string() + " (use --data DIR, or crawl or add documents first)");
  return corpus::Catalog::open(dir / "catalog.sqlite");
}

}  // namespace

void register_model(Registry& r) {
  struct Opts {
    std::string document, name, format = "text", remove;
  };
  auto opts = std::make_shared<Opts>();
  auto* model = r.app.add_subcommand("model", "Mark corpus documents as models to compare policies with");
  model->require_subcommand(1);
  auto* add = model->add_subcommand("add", "Mark a corpus document (its id or URL) as a model");
  add->add_option("DOCUMENT", opts->document, "The document's id (as in search results) or its URL")->required();
  add->add_option("--name", opts->name, "The model's name, e.g. \"Model trust policy\"")->required();
  auto* list = model->add_subcommand("list", "List the models");
  list->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  auto* remove = model->add_subcommand("remove", "Unmark a model");
  remove->add_option("NAME", opts->remove, "The model's name")->required();
  Globals& g = r.globals;
  r.add(add, [opts, &g]() -> int {
    auto catalog = open_existing(g);
    if (!catalog) return fail(catalog.error());
    corpus::ReportReader reader(*catalog);
    int64_t id = 0;
    if (all_digits(opts->document)) {
      id = std::stoll(opts->document);
    } else {
      auto found = reader.document_by_url(opts->document);
      if (!found) return fail(found.error());
      if (!*found) return fail("no document with the URL " + opts->document + " in the corpus");
      id = **found;
    }
    if (auto st = reader.add_model(opts->name, id); !st) return fail(st.error());
    std::cout << "model \"" << opts->name << "\" is document " << id << "\n";
    return kExitOk;
  });
  r.add(list, [opts, &g]() -> int {
    auto catalog = open_existing(g);
    if (!catalog) return fail(catalog.error());
    auto models = corpus::ReportReader(*catalog).models();
    if (!models) return fail(models.error());
    std::cout << (opts->format == "json" ? render::models_json(*models) + "\n" : render::models_text(*models));
    return kExitOk;
  });
  r.add(remove, [opts, &g]() -> int {
    auto catalog = open_existing(g);
    if (!catalog) return fail(catalog.error());
    if (auto st = corpus::ReportReader(*catalog).remove_model(opts->remove); !st) return fail(st.error());
    std::cout << "model \"" << opts->remove << "\" removed\n";
    return kExitOk;
  });
}

}  // namespace policyindex::app
