// policyindex extract: every stored version without an extraction (or extracted by another
// tagger version) is extracted in worker processes, both cores busy, and stored with its
// sections. A document that fails (corrupt, encrypted, crash, timeout) is stored with
// status 'error' and its reason; the run goes on.

#include <unistd.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/progress.h"
#include "corpus/corpus.h"
#include "pipeline/pipeline.h"

namespace policyindex::app {

void register_extract(Registry& r) {
  struct Opts {
    std::string format = "text";
    int jobs = 0;
    int timeout = 300;
    int memory_mb = 3072;
    bool no_ocr = false;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand("extract", "Extract sections from every stored version not yet extracted");
  sub->add_option("--format", opts->format, "Output format of the summary")->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--jobs,-j", opts->jobs, "Worker processes at once (default: number of cores)")->check(CLI::NonNegativeNumber);
  sub->add_option("--timeout", opts->timeout, "Seconds one document may take")->check(CLI::PositiveNumber);
  sub->add_option("--memory-mb", opts->memory_mb, "Address-space limit of a worker, MB")->check(CLI::PositiveNumber);
  sub->add_flag("--no-ocr", opts->no_ocr, "Do not OCR pages without a text layer");
  Globals& g = r.globals;
  r.add(sub, [opts, &g]() -> int {
    auto tagger = pipeline::SectionTagger::create(g.taxonomy);
    if (!tagger) return fail(tagger.error());
    auto store = corpus::Store::open(corpus::default_data_dir(g.data_dir));
    if (!store) return fail(store.error());
    pipeline::ExtractOptions job;
    job.jobs = opts->jobs;
    job.ocr = !opts->no_ocr;
    job.timeout_s = opts->timeout;
    job.memory_mb = static_cast<size_t>(opts->memory_mb);
    ProgressStyle style;
    style.show = !g.quiet && isatty(STDERR_FILENO);
    CliProgress progress(style, g.quiet);
    auto res = pipeline::run_extract(*store, *tagger, job, progress.get());
    if (!res) return fail(res.error());
    if (opts->format == "json") {
      nlohmann::json errors = nlohmann::json::array();
      for (const auto& f : res->failures) {
        errors.push_back({{"version_id", f.version_id}, {"document_id", f.document_id}, {"error", f.error}});
      }
      nlohmann::json j = {{"versions", res->versions}, {"extracted", res->extracted}, {"failed", res->failed},
                          {"sections", res->sections}, {"pages", res->pages}, {"ocr_pages", res->ocr_pages},
                          {"navigation_pages", res->navigation_pages}, {"seconds", res->seconds},
                          {"errors", errors}};
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << "extracted " << res->extracted << " of " << res->versions << " versions (" << res->failed
                << " failed): " << res->sections << " sections, " << res->pages << " pages ("
                << res->ocr_pages << " by OCR) in " << res->seconds << " s\n";
      for (const auto& f : res->failures) std::cout << "  version " << f.version_id << ": " << f.error << "\n";
    }
    return kExitOk;
  });
}

}  // namespace policyindex::app
