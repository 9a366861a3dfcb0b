// policyindex demo [--no-serve] [--port N] [--bind ADDR] [--sample-port N] [--format text|json]
//
// The whole job on a bundled sample, with no internet (demo/demo.h): serves twelve fictional
// town websites on loopback, crawls them with the real crawler, extracts, tags and indexes,
// prints a short tour (a faceted search, a scorecard, a peers answer, the matrix), then
// serves the web page until Ctrl-C. --no-serve stops after the tour, for scripts.

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "app/progress.h"
#include "corpus/corpus.h"
#include "demo/demo.h"

namespace policyindex::app {
namespace {

struct DemoOptions {
  bool no_serve = false;
  uint16_t port = 8080;  // the web page
  std::string bind = "127.0.0.1";
  uint16_t sample_port = 0;  // the sample sites; 0 = any free port
  std::string format = "text";
  std::string sample_dir;  // default: sample::default_sample_dir()
};

int run_demo(const DemoOptions& opts, const Globals& g) {
  ProgressStyle style;
  style.show = !g.quiet && ::isatty(STDERR_FILENO);
  CliProgress progress(style, g.quiet);
  demo::Options o;
  o.data = g.data_dir.empty() && !std::getenv("POLICYINDEX_DATA")
               ? std::filesystem::path("policy-demo")
               : corpus::default_data_dir(g.data_dir);
  o.sample_dir = opts.sample_dir;
  o.sample_port = opts.sample_port;
  o.all_scorecards = opts.format == "json";
  o.taxonomy = g.taxonomy;
  o.handle_signals = true;
  if (!g.quiet) o.say = [](const std::string& line) { std::cerr << line << "\n"; };
  o.progress = progress.get();
  auto run = demo::run(o);
  if (!run) return fail(run.error());

  if (opts.format == "json") {
    std::cout << demo::tour_json(*run).dump(2) << "\n";
  } else {
    demo::print_tour(run->tour, run->towns, std::cout);
    std::cout << "\nExplore further:  ./build/policyindex --data " << run->data.string()
              << " search detainer --town Ashgrove\n";
  }
  std::cout << std::flush;
  if (opts.no_serve) return kExitOk;
  const std::string url = "http://" + opts.bind + ":" + std::to_string(opts.port) + "/";
  std::cout << "\nThe web page: " << url << "   (Ctrl-C to stop)\n" << std::flush;
  auto served = demo::serve_page(run->data, opts.bind, opts.port, [&](const std::string& at) {
    std::printf("policyindex: serving %s on %s (Ctrl-C to stop)\n", run->data.string().c_str(),
                at.c_str());
    std::fflush(stdout);
  });
  if (!served) return fail(served.error());
  return kExitOk;
}

}  // namespace

void register_demo(Registry& r) {
  auto opts = std::make_shared<DemoOptions>();
  auto* sub = r.app.add_subcommand(
      "demo",
      "Serve a bundled sample of town websites on loopback, crawl, extract, index, answer, and "
      "serve the web page (no internet needed)");
  sub->add_flag("--no-serve", opts->no_serve, "Stop after the tour (for scripts)");
  sub->add_option("--port", opts->port, "Port of the web page (default 8080)");
  sub->add_option("--bind", opts->bind, "Address of the web page (default 127.0.0.1)");
  sub->add_option("--sample-port", opts->sample_port,
                  "Port of the sample town websites (default: any free port)");
  sub->add_option("--sample-dir", opts->sample_dir,
                  "The generated sample (default: the build tree's demo/sample/site)");
  sub->add_option("--format", opts->format,
                  "Output of the tour: text, or json (every town's scorecard)")
      ->check(CLI::IsMember({"text", "json"}));
  sub->footer(
      "The data directory (--data) defaults to ./policy-demo; a previous demo's directory is "
      "cleared first, a directory holding other data is refused.");
  Globals& g = r.globals;
  r.add(sub, [opts, &g] { return run_demo(*opts, g); });
}

}  // namespace policyindex::app
