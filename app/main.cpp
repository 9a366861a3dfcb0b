// policyindex: the single binary. Argument parsing and wiring only; the work is in the
// module libraries.

#include <curl/curl.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app/app.h"

namespace policyindex::app {

int fail(const std::string& message) {
  std::cerr << "policyindex: " << message << "\n";
  return kExitFailure;
}

int fail(const Error& error) { return fail(error.message); }

int not_built(const std::string& command, int issue) {
  return fail(command + ": not built yet (issue " + std::to_string(issue) + ")");
}

}  // namespace policyindex::app

int main(int argc, char** argv) {
  // OCR runs one Tesseract per thread (a worker per core, or a document's scanned pages on
  // every core), but Tesseract's LSTM asks OpenMP for more threads of its own, which spin
  // and fight over the same cores: five times the CPU for the same text. libgomp reads its
  // thread limit from the environment once, when the binary loads, so the limit is set here
  // and the binary started again, before anything else runs. A limit the user set is kept.
  if (std::getenv("OMP_THREAD_LIMIT") == nullptr) {
    ::setenv("OMP_THREAD_LIMIT", "1", 1);
    ::execv("/proc/self/exe", argv);  // returns only on failure: go on, with slower OCR
  }
  using namespace policyindex::app;
  CLI::App app{
      "policyindex: a searchable corpus of municipal policies on cooperation with federal "
      "immigration enforcement"};
  app.set_version_flag("--version", PI_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  Globals globals;
  app.add_option("--data", globals.data_dir,
                 "Data directory (default: $POLICYINDEX_DATA, else ./policy-data)");
  app.add_flag("--quiet,-q", globals.quiet, "No progress output");
  app.add_option("--taxonomy", globals.taxonomy,
                 "Provision taxonomy TOML to tag with (default: the built-in provisions/taxonomy.toml)")
      ->check(CLI::ExistingFile);

  Registry registry{app, globals, {}};
  register_crawl(registry);
  register_add(registry);
  register_extract(registry);
  register_index(registry);
  register_refresh(registry);
  register_analyze(registry);
  register_model(registry);
  register_query(registry);
  register_serve(registry);
  register_demo(registry);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = kExitFailure;
  try {
    for (auto& [sub, action] : registry.actions) {
      if (sub->parsed()) {
        rc = action();
        break;
      }
    }
  } catch (const std::exception& e) {
    rc = fail(e.what());
  }
  curl_global_cleanup();
  return rc;
}
