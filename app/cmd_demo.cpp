// policyindex demo [--no-serve] [--port N] [--bind ADDR] [--sample-port N] [--format text|json]
//
// The whole job on a bundled sample, with no internet: serves twelve fictional town websites
// on loopback (corpus/sample/), crawls them with the real crawler, extracts, tags and
// indexes, prints a short tour (a faceted search, a scorecard, a peers answer, the matrix),
// then serves the web page until Ctrl-C. --no-serve stops after the tour, for scripts.
//
// Each step of the pipeline is one function below. The steps that belong to other modules
// (crawl, extract, index, the queries, serve) run the sibling command of this same binary
// through the documented command line (DESIGN.md), so the demo exercises exactly what a user
// would type. An in-process call can replace any one of them without touching the rest.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "app/app.h"
#include "corpus/corpus.h"
#include "corpus/sample/sample_site.h"

extern char** environ;

namespace policyindex::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct DemoOptions {
  bool no_serve = false;
  uint16_t port = 8080;  // the web page
  std::string bind = "127.0.0.1";
  uint16_t sample_port = 0;  // the sample sites; 0 = any free port
  std::string format = "text";
  std::string sample_dir;  // default: sample::default_sample_dir()
};

// What every step needs.
struct Context {
  const DemoOptions& opts;
  fs::path data;
  fs::path registry_dir;  // DATA/sample-registry, the sample registry with the live port
  sample::SampleSet sample;
  bool quiet = false;
  bool progress = false;           // on a TTY
  std::vector<std::string> towns;  // the sample's municipalities
};

// A marker that makes a data directory disposable: the demo starts every run from scratch so
// that the answers are the same each time (the sample's port, and so its URLs, change).
constexpr const char* kMarker = ".policyindex-demo";

void say(const Context& ctx, const std::string& line) {
  if (!ctx.quiet) std::cerr << line << "\n";
}

// --- running this binary's own commands ------------------------------------------------

struct Ran {
  int exit_code = 0;
  std::string out;  // stdout when captured
};

// The program the steps run: this binary, or $POLICYINDEX_DEMO_COMMAND (a stand-in that
// tests use to check the orchestration and the tour without the other modules).
fs::path self_path() {
  if (const char* cmd = std::getenv("POLICYINDEX_DEMO_COMMAND"); cmd && *cmd) return cmd;
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("policyindex") : p;
}

// Runs `policyindex --data DATA ARGS...`. Stdout is captured when CAPTURE, else inherited;
// stderr is always inherited (progress and error lines reach the user).
Result<Ran> run_self(const Context& ctx, const std::vector<std::string>& args, bool capture) {
  std::vector<std::string> argv_s = {self_path().string(), "--data", ctx.data.string()};
  if (ctx.quiet) argv_s.push_back("--quiet");
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  int fds[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!capture && ctx.opts.format == "json") {
    // The tour is the only thing on stdout in JSON mode: the steps' reports go to stderr.
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  }
  if (capture) {
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      posix_spawn_file_actions_destroy(&actions);
      return make_error(ErrorCode::kIo, "demo: pipe: " + std::string(std::strerror(errno)));
    }
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  }
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (capture) ::close(fds[1]);
  if (rc != 0) {
    if (capture) ::close(fds[0]);
    return make_error(ErrorCode::kIo, "demo: cannot run " + argv_s[0] + ": " + std::strerror(rc));
  }
  Ran ran;
  if (capture) {
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) ran.out.append(buf, static_cast<size_t>(n));
    }
    ::close(fds[0]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return ran;
}

std::string joined(const std::vector<std::string>& args) {
  std::string s = "policyindex";
  for (const auto& a : args) s += " " + (a.find(' ') == std::string::npos ? a : "'" + a + "'");
  return s;
}

// One pipeline step through the command line: fails with the command that failed.
Status run_step(const Context& ctx, const std::vector<std::string>& args) {
  auto ran = run_self(ctx, args, false);
  if (!ran) return tl::make_unexpected(ran.error());
  if (ran->exit_code != 0) {
    return make_error(ErrorCode::kInternal, "demo: `" + joined(args) + "` failed (exit " +
                                                std::to_string(ran->exit_code) + ")");
  }
  return {};
}

// A query through the command line with --format json; returns the parsed answer.
Result<json> ask(const Context& ctx, const std::vector<std::string>& args) {
  auto full = args;
  full.insert(full.end(), {"--format", "json"});
  auto ran = run_self(ctx, full, true);
  if (!ran) return tl::make_unexpected(ran.error());
  if (ran->exit_code != 0) {
    return make_error(ErrorCode::kInternal, "demo: `" + joined(full) + "` failed (exit " +
                                                std::to_string(ran->exit_code) + ")");
  }
  try {
    return json::parse(ran->out);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kParse,
                      "demo: `" + joined(full) + "` printed invalid JSON: " + e.what());
  }
}

// --- the steps ---------------------------------------------------------------------------

// Prepares DATA: wipes a previous demo's directory, refuses a directory holding other data,
// writes the sample registry (with the live port) and loads its towns and sources.
Status step_prepare(Context& ctx, uint16_t port) {
  std::error_code ec;
  if (fs::exists(ctx.data / kMarker, ec)) {
    fs::remove_all(ctx.data, ec);
    if (ec)
      return make_error(ErrorCode::kIo, ctx.data.string() + ": cannot clear: " + ec.message());
  } else if (fs::exists(ctx.data, ec) && !fs::is_empty(ctx.data, ec)) {
    return make_error(ErrorCode::kInvalidArgument,
                      ctx.data.string() +
                          " holds data that is not from the demo; choose another "
                          "directory with --data");
  }
  fs::create_directories(ctx.data, ec);
  std::ofstream(ctx.data / kMarker) << "written by `policyindex demo`; removed by its next run\n";
  auto reg = sample::sample_registry(ctx.sample, port);
  if (!reg) return tl::make_unexpected(reg.error());
  ctx.registry_dir = ctx.data / "sample-registry";
  if (auto w = sample::write_registry(*reg, ctx.registry_dir); !w) return w;
  auto store = corpus::Store::open(ctx.data);
  if (!store) return tl::make_unexpected(store.error());
  auto& cat = store->catalog();
  if (auto u = cat.upsert_municipalities(reg->municipalities); !u) return u;
  // One transaction for the sources: one fsync, not one per row.
  if (auto b = cat.begin(); !b) return b;
  auto sources = [&]() -> Status {
    for (const auto& m : reg->municipalities) {
      ctx.towns.push_back(m.name);
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

// TO WIRE (crawler): crawls the sample registry. Could become crawler::crawl(store, registry,
// options) in-process once crawler.h has it.
Status step_crawl(const Context& ctx) {
  return run_step(ctx, {"crawl", "--registry", ctx.registry_dir.string(), "--per-host", "2",
                        "--delay-ms", "0"});
}

// TO WIRE (extract + provisions): extracts and tags every stored version.
Status step_extract(const Context& ctx) { return run_step(ctx, {"extract"}); }

// TO WIRE (index): indexes every extracted section.
Status step_index(const Context& ctx) { return run_step(ctx, {"index"}); }

// The tour's answers (the query module, through `--format json`).
struct Tour {
  json search;
  json scorecards = json::object();  // town -> scorecard
  json peers;
  json matrix;
};

inline constexpr const char* kSearchQuery = "287(g)";
inline constexpr const char* kSearchProvision = "287g";
inline constexpr const char* kScorecardTown = "Saltmarsh Harbor";
inline constexpr const char* kPeersTown = "Wexcombe";
inline constexpr const char* kPeersProvision = "info_sharing";

// TO WIRE (query): the four questions of the tour. With ALL_SCORECARDS every sample town's
// scorecard is fetched (the JSON output, which the end-to-end test checks).
Result<Tour> step_tour(const Context& ctx, bool all_scorecards) {
  Tour t;
  auto search = ask(ctx, {"search", kSearchQuery, "--provision", kSearchProvision, "--stance",
                          "protective", "--limit", "5"});
  if (!search) return tl::make_unexpected(search.error());
  t.search = std::move(*search);
  std::vector<std::string> towns =
      all_scorecards ? ctx.towns : std::vector<std::string>{kScorecardTown};
  for (const auto& town : towns) {
    auto card = ask(ctx, {"scorecard", town});
    if (!card) return tl::make_unexpected(card.error());
    t.scorecards[town] = std::move(*card);
  }
  auto peers = ask(ctx, {"peers", kPeersTown, "--provision", kPeersProvision});
  if (!peers) return tl::make_unexpected(peers.error());
  t.peers = std::move(*peers);
  auto matrix = ask(ctx, {"matrix"});
  if (!matrix) return tl::make_unexpected(matrix.error());
  t.matrix = std::move(*matrix);
  return t;
}

// --- printing the tour -------------------------------------------------------------------

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string strip_tags(std::string s) {
  std::string out;
  bool in_tag = false;
  for (char c : s) {
    if (c == '<')
      in_tag = true;
    else if (c == '>')
      in_tag = false;
    else if (!in_tag)
      out += c;
  }
  for (auto [from, to] :
       {std::pair{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}}) {
    for (size_t p; (p = out.find(from)) != std::string::npos;)
      out.replace(p, std::strlen(from), to);
  }
  return out;
}

std::string clip(std::string s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return s.substr(0, cut) + "…";
}

void print_tour(const Context& ctx, const Tour& t, std::ostream& os) {
  const std::set<std::string> sample_towns(ctx.towns.begin(), ctx.towns.end());
  os << "\n1. Which towns ban 287(g) agreements?\n"
     << "   $ policyindex search '" << kSearchQuery << "' --provision " << kSearchProvision
     << " --stance protective\n";
  if (t.search.contains("facets") && t.search["facets"].contains("town")) {
    os << "   " << t.search.value("total", 0) << " sections in";
    bool first = true;
    for (const auto& [town, n] : t.search["facets"]["town"].items()) {
      os << (first ? " " : ", ") << town << " (" << n.get<int>() << ")";
      first = false;
    }
    os << "\n";
  }
  for (const auto& hit : t.search.value("hits", json::array())) {
    os << "   - " << str(hit, "town") << ", " << str(hit, "title");
    if (!str(hit, "number").empty()) os << " § " << str(hit, "number");
    os << ": " << clip(strip_tags(str(hit, "snippet")), 110) << "\n";
  }

  for (const auto& [town, card] : t.scorecards.items()) {
    os << "\n2. How does " << town << " score on the seven questions?\n"
       << "   $ policyindex scorecard '" << town << "'\n";
    for (int q = 1; q <= 7; ++q) {
      std::string key = "Q" + std::to_string(q);
      if (!card.contains(key)) continue;
      const auto& e = card[key];
      std::string line = "   " + key + " " + str(e, "provision");
      line.resize(std::max<size_t>(line.size(), 30), ' ');
      line += str(e, "verdict");
      const auto ev = e.value("evidence", json::array());
      if (!ev.empty()) {
        line.resize(std::max<size_t>(line.size(), 38), ' ');
        line += "\"" + clip(str(ev[0], "text"), 80) + "\"";
      }
      os << line << "\n";
    }
    break;  // one scorecard in the text tour
  }

  os << "\n3. Which peer towns have protective language on information sharing that " << kPeersTown
     << " lacks?\n"
     << "   $ policyindex peers " << kPeersTown << " --provision " << kPeersProvision << "\n";
  for (const auto& p : t.peers.value("provisions", json::array())) {
    for (const auto& peer : p.value("peers", json::array())) {
      os << "   - " << str(peer, "town") << " (" << str(peer, "county")
         << (peer.value("same_county", false) ? ", same county" : "")
         << "): " << str(peer, "verdict");
      const auto ev = peer.value("evidence", json::array());
      if (!ev.empty()) os << ", \"" << clip(str(ev[0], "text"), 70) << "\"";
      os << "\n";
    }
  }

  os << "\n4. The matrix (sample towns; `policyindex matrix --format csv` for all):\n";
  os << "   town              Q1 Q2 Q3 Q4 Q5 Q6 Q7\n";
  auto mark = [](const std::string& v) {
    if (v == "green") return " ✔ ";
    if (v == "red") return " ✘ ";
    if (v == "mixed") return " ± ";
    if (v == "absent") return " · ";
    return "   ";
  };
  for (const auto& row : t.matrix.value("rows", json::array())) {
    std::string town = str(row, "town");
    if (!sample_towns.count(town)) continue;
    std::string line = "   " + town;
    line.resize(21, ' ');
    for (int q = 1; q <= 7; ++q) line += mark(row["cells"].value("Q" + std::to_string(q), ""));
    os << line << "\n";
  }
  os << "   ✔ green (protective)  ✘ red (permissive)  ± mixed  · absent\n";
}

// --- serving -----------------------------------------------------------------------------

// TO WIRE (web): serves the page until Ctrl-C. Runs `policyindex serve` as a child and waits;
// Ctrl-C reaches the child through the terminal, and the demo returns when it exits.
int step_serve(const Context& ctx) {
  const std::string url = "http://" + ctx.opts.bind + ":" + std::to_string(ctx.opts.port) + "/";
  std::cout << "\nThe web page: " << url << "   (Ctrl-C to stop)\n" << std::flush;
  struct sigaction ignore {
  }, old_int{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, &old_int);
  auto ran = run_self(
      ctx, {"serve", "--bind", ctx.opts.bind, "--port", std::to_string(ctx.opts.port)}, false);
  ::sigaction(SIGINT, &old_int, nullptr);
  if (!ran) return fail(ran.error());
  // 130: interrupted by Ctrl-C, the normal way to leave.
  if (ran->exit_code != 0 && ran->exit_code != 130 && ran->exit_code != 128 + SIGINT) {
    return fail("demo: `policyindex serve` failed (exit " + std::to_string(ran->exit_code) + ")");
  }
  return kExitOk;
}

int run_demo(const DemoOptions& opts, const Globals& g) {
  fs::path data = g.data_dir.empty() && !std::getenv("POLICYINDEX_DATA")
                      ? fs::path("policy-demo")
                      : corpus::default_data_dir(g.data_dir);
  auto sample = sample::load_sample(opts.sample_dir.empty() ? sample::default_sample_dir()
                                                            : fs::path(opts.sample_dir));
  if (!sample) return fail(sample.error());
  Context ctx{opts,    fs::absolute(data),           {}, std::move(*sample),
              g.quiet, ::isatty(STDERR_FILENO) != 0, {}};

  sample::ServerOptions sopts;
  sopts.port = opts.sample_port;
  // The log lives beside the data, not in it: the data directory is wiped by step_prepare.
  auto server = sample::Server::start(ctx.sample, sopts);
  if (!server) return fail(server.error());
  say(ctx, "demo: serving " + std::to_string(ctx.sample.sites.size()) +
               " sample town websites on 127.0.0.2-" + ctx.sample.sites.back().address.substr(8) +
               ", port " + std::to_string((*server)->port()));
  if (auto s = step_prepare(ctx, (*server)->port()); !s) return fail(s.error());
  say(ctx, "demo: data directory " + ctx.data.string());

  // Record every request the crawler makes (robots.txt must keep it out of /staff/).
  auto write_access_log = [&] {
    std::ofstream log(ctx.data / "sample-access.log", std::ios::trunc);
    for (const auto& e : (*server)->access_log()) {
      log << e.address << ' ' << e.method << ' ' << e.target << ' ' << e.status << ' ' << e.bytes
          << '\n';
    }
  };

  say(ctx, "demo: [1/4] crawling the sample towns");
  if (auto s = step_crawl(ctx); !s) {
    write_access_log();
    return fail(s.error());
  }
  write_access_log();
  say(ctx, "demo: [2/4] extracting and tagging");
  if (auto s = step_extract(ctx); !s) return fail(s.error());
  say(ctx, "demo: [3/4] indexing");
  if (auto s = step_index(ctx); !s) return fail(s.error());
  say(ctx, "demo: [4/4] asking");
  auto tour = step_tour(ctx, opts.format == "json");
  if (!tour) return fail(tour.error());

  if (opts.format == "json") {
    json out = {{"data", ctx.data.string()},
                {"sample", {{"port", (*server)->port()}, {"registry", ctx.registry_dir.string()}}},
                {"search", tour->search},
                {"scorecards", tour->scorecards},
                {"peers", tour->peers},
                {"matrix", tour->matrix}};
    std::cout << out.dump(2) << "\n";
  } else {
    print_tour(ctx, *tour, std::cout);
    std::cout << "\nExplore further:  ./build/policyindex --data " << ctx.data.string()
              << " search detainer --town Ashgrove\n";
  }
  std::cout << std::flush;
  if (opts.no_serve) return kExitOk;
  int rc = step_serve(ctx);
  (*server)->stop();
  return rc;
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
                  "The generated sample (default: the build tree's corpus/sample/site)");
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
