// Wiring shared by the subcommands of the policyindex binary. Each cmd_*.cpp registers
// one or more subcommands on the CLI11 app and runs them.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/result.h"

namespace policyindex::app {

// Exit codes of every command (DESIGN.md): 0 success, 1 failure, 2 bad usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
// refresh: another refresh holds the data directory's lock (EX_TEMPFAIL of sysexits.h:
// "try again later"); nothing was done.
inline constexpr int kExitLocked = 75;

// Options every command shares.
struct Globals {
  std::string data_dir;  // --data; see corpus::default_data_dir
  bool quiet = false;    // --quiet: no progress output
  std::string taxonomy;  // --taxonomy: a taxonomy TOML file instead of the built-in one
                         // (provisions::Taxonomy::load_or_builtin(globals.taxonomy))
};

// A registered subcommand's action, run after parsing succeeded.
using Action = std::function<int()>;

// Each register_* adds its subcommands to `app` and stores their actions in `actions`,
// keyed by the subcommand object.
struct Registry {
  CLI::App& app;
  Globals& globals;
  std::vector<std::pair<CLI::App*, Action>> actions;
  void add(CLI::App* sub, Action action) { actions.emplace_back(sub, std::move(action)); }
};

void register_crawl(Registry& r);
void register_add(Registry& r);
void register_extract(Registry& r);
void register_index(Registry& r);
void register_refresh(Registry& r);
void register_analyze(Registry& r);
void register_model(Registry& r);  // model add|list|remove
void register_query(Registry& r);  // search, scorecard, matrix, compare, peers, history
void register_serve(Registry& r);
void register_demo(Registry& r);

// Prints "policyindex: MESSAGE" on stderr and returns kExitFailure.
int fail(const std::string& message);
int fail(const Error& error);

// For commands whose issue has not landed: one line on stderr, exit 1.
int not_built(const std::string& command, int issue);

}  // namespace policyindex::app
