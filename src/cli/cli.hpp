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

namespace docket::cli {

int run_cli(int argc, char** argv);

// Options every command shares, filled by CLI11 before a command's callback runs.
struct GlobalOptions {
  std::string repo;  // -C
  std::string ref;   // --ref
  std::string key;   // --key
};

// What a command's registration gets: the root app and a way to build Settings/Session once
// arguments are parsed. Commands print to `out`; errors are thrown as docket::Error.
struct CommandContext {
  GlobalOptions globals;
  std::ostream* out = nullptr;
  int exit_code = 0;  // a command that reports findings (check, verify) sets 1
  // Settings from the globals and the environment (the only place that reads it).
  app::Settings settings() const;
};

// One entry of the command table: its name, one-line summary and registration function.
struct CommandSpec {
  const char* name;
  const char* summary;
  void (*attach)(CLI::App& command, CommandContext& ctx);
};
const std::vector<CommandSpec>& command_table();

}  // namespace docket::cli
