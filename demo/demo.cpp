// The demo run: sample served, data directory prepared, crawl -> extract -> index through
// pipeline/, then the tour (demo/tour.cpp).

#include <filesystem>
#include <fstream>

#include "demo/demo.h"

namespace policyindex::demo {
namespace {

namespace fs = std::filesystem;

void say(const Options& options, const std::string& line) {
  if (options.say) options.say(line);
}

// Prepares DATA: wipes a previous demo's directory, refuses a directory holding other data,
// writes the sample registry (with the live port) and loads its towns and sources.
Status prepare(const fs::path& data, const sample::SampleSet& sample, uint16_t port, Run& run) {
  std::error_code ec;
  if (fs::exists(data / kMarker, ec)) {
    fs::remove_all(data, ec);
    if (ec) return make_error(ErrorCode::kIo, data.string() + ": cannot clear: " + ec.message());
  } else if (fs::exists(data, ec) && !fs::is_empty(data, ec)) {
    return make_error(ErrorCode::kInvalidArgument,
                      data.string() +
                          " holds data that is not from the demo; choose another "
                          "directory with --data");
  }
  fs::create_directories(data, ec);
  std::ofstream(data / kMarker) << "written by `policyindex demo`; removed by its next run\n";
  auto reg = sample::sample_registry(sample, port);
  if (!reg) return tl::make_unexpected(reg.error());
  run.registry_dir = data / "sample-registry";
  if (auto w = sample::write_registry(*reg, run.registry_dir); !w) return w;
  auto store = corpus::Store::open(data);
  if (!store) return tl::make_unexpected(store.error());
  auto& cat = store->catalog();
  if (auto u = cat.upsert_municipalities(reg->municipalities); !u) return u;
  // One transaction for the sources: one fsync, not one per row.
  if (auto b = cat.begin(); !b) return b;
  auto sources = [&]() -> Status {
    for (const auto& m : reg->municipalities) {
      run.towns.push_back(m.name);
      auto id = cat.find_municipality(m.name);
      if (!id) return tl::make_unexpected(id.error());
      if (auto s = cat.upsert_source(*id, m.website, "website", "home page", "website"); !s)
        return s;
    }
    for (const auto& s : reg->sources) {
      auto id = cat.find_municipality(s.municipality);
      if (!id) return tl::make_unexpected(id.error());
      if (auto r = cat.upsert_source(*id, s.url, s.doc_type, s.note, "source"); !r) return r;
    }
    return {};
  }();
  if (!sources) {
    cat.rollback();
    return sources;
  }
  return cat.commit();
}

// Every request the crawler made (robots.txt must keep it out of /staff/).
void write_access_log(const fs::path& data, const sample::Server& server) {
  std::ofstream log(data / "sample-access.log", std::ios::trunc);
  for (const auto& e : server.access_log()) {
    log << e.address << ' ' << e.method << ' ' << e.target << ' ' << e.status << ' ' << e.bytes
        << '\n';
  }
}

}  // namespace

Result<Run> run(const Options& options) {
  Run out;
  out.data = fs::absolute(options.data);
  auto sample = sample::load_sample(options.sample_dir.empty() ? sample::default_sample_dir()
                                                               : options.sample_dir);
  if (!sample) return tl::make_unexpected(sample.error());
  auto tagger = pipeline::SectionTagger::create(options.taxonomy);
  if (!tagger) return tl::make_unexpected(tagger.error());

  sample::ServerOptions sopts;
  sopts.port = options.sample_port;
  auto server = sample::Server::start(*sample, sopts);
  if (!server) return tl::make_unexpected(server.error());
  out.sample_port = (*server)->port();
  say(options, "demo: serving " + std::to_string(sample->sites.size()) +
                   " sample town websites on 127.0.0.2-" + sample->sites.back().address.substr(8) +
                   ", port " + std::to_string(out.sample_port));
  if (auto s = prepare(out.data, *sample, out.sample_port, out); !s) {
    return tl::make_unexpected(s.error());
  }
  say(options, "demo: data directory " + out.data.string());
  auto store = corpus::Store::open(out.data);
  if (!store) return tl::make_unexpected(store.error());

  // crawl -> extract -> index, each stage announced before it starts; the caller's observer
  // is told everything too.
  pipeline::BuildOptions build;
  build.crawl.registry = out.registry_dir;
  build.crawl.per_host = 2;
  build.crawl.delay_ms = 0;
  build.crawl.handle_signals = options.handle_signals;
  const pipeline::Progress none;
  const pipeline::Progress& theirs = options.progress ? *options.progress : none;
  pipeline::Progress progress = theirs;
  progress.started = [&](pipeline::Stage stage) {
    switch (stage) {
      case pipeline::Stage::kCrawl: say(options, "demo: [1/4] crawling the sample towns"); break;
      case pipeline::Stage::kExtract: say(options, "demo: [2/4] extracting and tagging"); break;
      case pipeline::Stage::kIndex: say(options, "demo: [3/4] indexing"); break;
      case pipeline::Stage::kChanges: break;
    }
    if (theirs.started) theirs.started(stage);
  };
  auto built = pipeline::run_build(*store, *tagger, build, &progress);
  // The sample is only fetched by the crawl: its log is complete, also after a failure.
  write_access_log(out.data, **server);
  if (!built) return tl::make_unexpected(built.error());
  out.build = std::move(*built);

  say(options, "demo: [4/4] asking");
  auto tour = ask_tour(out.data, out.towns, options.all_scorecards);
  if (!tour) return tl::make_unexpected(tour.error());
  out.tour = std::move(*tour);
  (*server)->stop();
  return out;
}

}  // namespace policyindex::demo
