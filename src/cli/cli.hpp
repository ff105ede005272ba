#pragma once
// The command-line edge: argument parsing (CLI11), environment, rendering, exit codes.

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "docket/app/session.hpp"
#include "docket/app/settings.hpp"
#include "screen.hpp"

namespace docket::cli {

int run_cli(int argc, char** argv);

// Options every command shares, filled by CLI11 before a command's callback runs.
struct GlobalOptions {
  std::string repo;  // -C
  std::string ref;   // --ref
  std::string key;   // --key
  std::string color = "auto";  // --color auto|always|never
  bool no_pager = false;       // --no-pager
  bool local_time = false;     // --local
};

// What a command's registration gets: the root app and a way to build Settings/Session once
// arguments are parsed. Commands print to `out`; errors are thrown as docket::Error.
struct CommandContext {
  GlobalOptions globals;
  std::ostream* out = nullptr;
  int exit_code = 0;  // a command that reports findings (check, verify) sets 1
  // Settings from the globals and the environment (the only place that reads it).
  app::Settings settings() const;
  // What standard output can show (colour, width, time zone), decided on first use from the
  // globals and the environment; decided before a pager takes standard output over.
  const Screen& screen();
  // Sends what follows on standard output through the pager when it is a terminal and
  // --no-pager was not given (screen.hpp). Call it once the command is about to print its
  // result, after the store has been read and verified; a second call does nothing.
  void page();
  Pager* pager = nullptr;  // owned by run_cli

private:
  std::optional<Screen> screen_;
};

// One entry of the command table: its name, one-line summary and registration function.
struct CommandSpec {
  const char* name;
  const char* group;  // one of command_groups()
  const char* summary;
  void (*attach)(CLI::App& command, CommandContext& ctx);
};
const std::vector<CommandSpec>& command_table();
// The groups of the command table in the order help lists them: Lifecycle, Reading, Audit, CI,
// Administration.
const std::vector<const char*>& command_groups();
// The command list `docket`, `docket help` and `docket --help` print: the commands by group,
// each with its summary, and the global options.
std::string command_overview(const CLI::App& root);

}  // namespace docket::cli
