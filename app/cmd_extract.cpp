// policyindex extract: every stored version without an extraction (or extracted by another
// tagger version) is extracted in worker processes, both cores busy, and stored with its
// sections. A document that fails (corrupt, encrypted, crash, timeout) is stored with
// status 'error' and its reason; the run goes on.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/section_tags.h"
#include "corpus/corpus.h"
#include "extract/extract.h"

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
    auto store = corpus::Store::open(corpus::default_data_dir(g.data_dir));
    if (!store) return fail(store.error());
    auto todo = store->catalog().versions_to_extract(tagger_version());
    if (!todo) return fail(todo.error());
    const auto& versions = *todo;
    extract::BatchOptions batch;
    batch.workers = opts->jobs;
    batch.options.ocr = !opts->no_ocr;
    batch.limits.wall_seconds = opts->timeout;
    batch.limits.cpu_seconds = opts->timeout;
    batch.limits.memory_bytes = static_cast<size_t>(opts->memory_mb) << 20;
    const bool progress = !g.quiet && isatty(STDERR_FILENO);
    size_t ok = 0, failed = 0, sections = 0, pages = 0, ocr_pages = 0, finished = 0;
    nlohmann::json errors = nlohmann::json::array();
    Status store_error = ok_status();
    auto t0 = std::chrono::steady_clock::now();
    extract::extract_batch(
        versions.size(),
        [&](size_t i) -> Result<std::string> { return store->blobs().read(versions[i].sha256); },
        [&](size_t i, Result<extract::Document> doc) {
          const corpus::VersionRow& v = versions[i];
          corpus::ExtractionRecord rec;
          rec.version_id = v.id;
          rec.tagger_version = tagger_version();
          if (doc) {
            rec.status = "ok";
            rec.type = std::string(extract::file_type_name(doc->type));
            if (doc->pages > 0) rec.pages = doc->pages;
            rec.ocr_pages = doc->ocr_pages;
            rec.title = doc->title;
            rec.struck = doc->struck;
            int ord = 0;
            for (const extract::Section& s : doc->sections) {
              corpus::StoredSection ss;
              ss.ord = ord++;
              ss.key = s.key;
              ss.number = s.number;
              ss.heading = s.heading;
              ss.level = s.level;
              if (s.page > 0) {
                ss.page = s.page;
                ss.page_end = s.page_end;
              }
              ss.text = s.text;
              ss.start = static_cast<int64_t>(s.start);
              ss.end = static_cast<int64_t>(s.end);
              SectionTags tags = tag_section(s);
              ss.hits = std::move(tags.hits);
              ss.cites = std::move(tags.cites);
              rec.sections.push_back(std::move(ss));
            }
            ++ok;
            sections += rec.sections.size();
            pages += static_cast<size_t>(doc->pages);
            ocr_pages += doc->ocr_pages.size();
          } else {
            rec.status = "error";
            rec.type = "unknown";
            rec.error = doc.error().message;
            ++failed;
            errors.push_back({{"version_id", v.id}, {"document_id", v.document_id}, {"error", rec.error}});
          }
          Status st = store->catalog().store_extraction(rec);
          if (!st && store_error) store_error = st;
          ++finished;
          if (progress) {
            std::fprintf(stderr, "\rextract: %zu/%zu  (%zu failed)", finished, versions.size(), failed);
            std::fflush(stderr);
          }
        },
        batch);
    if (progress) std::fprintf(stderr, "\n");
    if (!store_error) return fail(store_error.error());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (opts->format == "json") {
      nlohmann::json j = {{"versions", versions.size()}, {"extracted", ok}, {"failed", failed},
                          {"sections", sections}, {"pages", pages}, {"ocr_pages", ocr_pages},
                          {"seconds", secs}, {"errors", errors}};
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << "extracted " << ok << " of " << versions.size() << " versions (" << failed
                << " failed): " << sections << " sections, " << pages << " pages (" << ocr_pages
                << " by OCR) in " << secs << " s\n";
      for (const auto& e : errors)
        std::cout << "  version " << e["version_id"] << ": " << e["error"].get<std::string>() << "\n";
    }
    return kExitOk;
  });
}

}  // namespace policyindex::app
