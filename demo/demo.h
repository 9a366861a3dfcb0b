// The demo: the embedded sample towns (demo/sample/) served on loopback, crawled with the
// real crawler, extracted, tagged and indexed through pipeline/, then a short tour of
// answers (a faceted search, scorecards, a peers answer, the matrix) and the web page. All
// in this process: nothing is spawned, nothing parsed from a program's output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "demo/sample/sample_site.h"
#include "pipeline/pipeline.h"

namespace policyindex::demo {

// A marker that makes a data directory disposable: the demo starts every run from scratch
// so that the answers are the same each time (the sample's port, and so its URLs, change).
inline constexpr const char* kMarker = ".policyindex-demo";

// The tour's questions.
inline constexpr const char* kSearchQuery = "287(g)";
inline constexpr const char* kSearchProvision = "287g";
inline constexpr const char* kSearchStance = "protective";
inline constexpr size_t kSearchLimit = 5;
inline constexpr const char* kScorecardTown = "Saltmarsh Harbor";
inline constexpr const char* kPeersTown = "Wexcombe";
inline constexpr const char* kPeersProvision = "info_sharing";

// The tour's answers, each the JSON document of docs/API.md that the query API gives for
// the question (what `policyindex search|scorecard|peers|matrix --format json` prints).
struct Tour {
  nlohmann::json search;
  nlohmann::json scorecards = nlohmann::json::object();  // town -> scorecard
  nlohmann::json peers;
  nlohmann::json matrix;
};

struct Options {
  std::filesystem::path data;        // the data directory; cleared when a previous demo's
  std::filesystem::path sample_dir;  // the generated sample; empty: sample::default_sample_dir()
  uint16_t sample_port = 0;          // the sample sites' port; 0 = any free port
  bool all_scorecards = false;       // every sample town's scorecard, not only kScorecardTown
  std::string taxonomy;              // a taxonomy file, or empty for the built-in one
  bool handle_signals = false;       // the crawl stops cleanly on SIGINT/SIGTERM
  // One line for people at each step ("demo: [1/4] crawling the sample towns").
  std::function<void(const std::string&)> say;
  // The stages' progress (pipeline.h); null: none.
  const pipeline::Progress* progress = nullptr;
};

// What a demo run did.
struct Run {
  std::filesystem::path data;          // absolute
  std::filesystem::path registry_dir;  // DATA/sample-registry: the sample registry, live port
  uint16_t sample_port = 0;
  std::vector<std::string> towns;      // the sample's municipalities, in registry order
  pipeline::BuildResult build;
  Tour tour;
};

// Serves the sample, prepares OPTIONS.data (refusing a directory that holds other data),
// crawls, extracts, indexes and asks the tour's questions. Every request the crawler made
// is written to DATA/sample-access.log. Errors name what failed ("crawl: ...", "DIR holds
// data that is not from the demo; ...", "search: ...").
[[nodiscard]] Result<Run> run(const Options& options);

// The tour's questions asked of the query API over DATA (demo/tour.cpp). With
// ALL_SCORECARDS every town of TOWNS gets its scorecard, else kScorecardTown only.
[[nodiscard]] Result<Tour> ask_tour(const std::filesystem::path& data,
                                    const std::vector<std::string>& towns, bool all_scorecards);

// The tour for people: the four questions, each with the command that asks it and a few
// lines of its answer. TOWNS limits the matrix to the sample towns.
void print_tour(const Tour& tour, const std::vector<std::string>& towns, std::ostream& os);

// The tour as the JSON `policyindex demo --format json` prints.
nlohmann::json tour_json(const Run& run);

// Serves the web page and JSON API over DATA on BIND:PORT until SIGINT or SIGTERM.
// ON_READY is called with the page's URL once the server listens.
[[nodiscard]] Status serve_page(const std::filesystem::path& data, const std::string& bind,
                                uint16_t port, const std::function<void(const std::string&)>& on_ready);

}  // namespace policyindex::demo
