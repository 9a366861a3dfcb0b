// policyindex index [--rebuild]: bring the Xapian index up to date with the catalog.

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/progress.h"
#include "corpus/corpus.h"
#include "index/index.h"
#include "pipeline/pipeline.h"

namespace policyindex::app {

void register_index(Registry& r) {
  struct Opts {
    bool rebuild = false;
    size_t batch = 5000;
    bool no_spelling = false;
    int threads = -1;
    std::string index_dir, format = "text";
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand(
      "index", "Index every extracted section not yet indexed (adds, replaces and deletes only what changed)");
  sub->add_flag("--rebuild", opts->rebuild, "Drop the index and rebuild it from the catalog");
  sub->add_option("--batch", opts->batch, "Sections per Xapian transaction")
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  sub->add_option("--index", opts->index_dir, "Index directory (default: DATA/xapian)");
  sub->add_flag("--no-spelling", opts->no_spelling, "Do not record spelling data (no suggestions)");
  sub->add_option("--threads", opts->threads,
                  "Threads preparing documents beside the writer (default: one per core beyond "
                  "the first; 0: none). An empty index is filled as threads+1 shards merged into one")
      ->check(CLI::Range(0, 64));
  sub->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  Globals& g = r.globals;
  r.add(sub, [opts, &g]() -> int {
    auto store = corpus::Store::open(corpus::default_data_dir(g.data_dir));
    if (!store) return fail(store.error());
    index::IndexOptions o;
    o.rebuild = opts->rebuild;
    o.batch_sections = opts->batch;
    o.spelling = !opts->no_spelling;
    if (opts->threads >= 0) o.threads = opts->threads;
    if (!opts->index_dir.empty()) o.index_dir = opts->index_dir;
    ProgressStyle style;
    style.show = !g.quiet && isatty(STDERR_FILENO);
    style.index_sections = true;
    CliProgress progress(style, g.quiet);
    auto stats = pipeline::run_index(*store, o, progress.get());
    if (!stats) return fail(stats.error());
    if (opts->format == "json") {
      nlohmann::ordered_json j = {{"documents_indexed", stats->documents_indexed},
                                  {"documents_removed", stats->documents_removed},
                                  {"documents_pending", stats->documents_pending},
                                  {"sections_added", stats->sections_added},
                                  {"sections_in_index", stats->sections_in_index},
                                  {"shards", stats->shards},
                                  {"seconds", stats->seconds}};
      std::cout << j.dump(2) << "\n";
    } else {
      std::printf("indexed %zu documents (%zu sections), removed %zu, %zu waiting for extraction; "
                  "%zu sections in the index (%.1f s)\n",
                  stats->documents_indexed, stats->sections_added, stats->documents_removed,
                  stats->documents_pending, stats->sections_in_index, stats->seconds);
    }
    return kExitOk;
  });
}

}  // namespace policyindex::app
