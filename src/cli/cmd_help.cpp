// docket help [COMMAND...]: the grouped command list, or the help of one (nested) command.
#include <string>
#include <vector>

#include "cli.hpp"
#include "docket/core/error.hpp"
#include "docket/core/suggest.hpp"

namespace docket::cli {

std::string command_overview(const CLI::App& root) {
  std::string out = "docket — exception workflows for non-human identities, kept as signed git history\n\n"
                    "Usage: docket [GLOBAL OPTIONS] COMMAND [ARGS...]\n";
  std::size_t width = 0;
  for (const auto& spec : command_table()) width = std::max(width, std::string_view(spec.name).size());
  for (const char* group : command_groups()) {
    out += std::string("\n") + group + ":\n";
    for (const auto& spec : command_table()) {
      if (std::string_view(spec.group) != group) continue;
      if (root.get_subcommand(spec.name)->get_group().empty()) continue;  // hidden machinery (completion)
      out += "  " + std::string(spec.name) + std::string(width - std::string_view(spec.name).size() + 2, ' ') + spec.summary + "\n";
    }
  }
  out += "\nGlobal options (before or after the command):\n";
  for (const CLI::Option* opt : root.get_options()) {
    const std::string name = opt->get_name(false, true);
    if (name.empty() || opt->get_description().empty()) continue;
    out += "  " + name + (opt->get_type_size() != 0 ? " " + opt->get_type_name() : "") + "\n      " + opt->get_description() + "\n";
  }
  out += "\nRun 'docket help COMMAND' or 'docket COMMAND --help' for a command's options; man docket-COMMAND for more.\n";
  return out;
}

void attach_help(CLI::App& cmd, CommandContext& ctx) {
  auto words = std::make_shared<std::vector<std::string>>();
  cmd.add_option("COMMAND", *words, "The command (and subcommand) to describe, e.g. 'member add'");
  cmd.callback([&ctx, &cmd, words] {
    const CLI::App* root = cmd.get_parent();
    if (words->empty()) {
      *ctx.out << command_overview(*root);
      return;
    }
    const CLI::App* at = root;
    std::string path = "docket", parent_path;
    for (const auto& word : *words) {
      std::vector<std::string> names;
      const CLI::App* next = nullptr;
      for (const CLI::App* sub : at->get_subcommands({})) {
        names.push_back(sub->get_name());
        if (sub->get_name() == word) next = sub;
      }
      if (!next) {
        const std::string hint = [&] {
          if (const auto guess = closest_match(word, names)) return "did you mean 'docket help " + (path == "docket" ? "" : path.substr(7) + " ") + *guess + "'?";
          return std::string("run docket help for the list of commands");
        }();
        if (names.empty())
          throw Error(ExitCode::usage, "'" + path + "' has no subcommand '" + word + "'", "see " + path + " --help");
        throw Error(ExitCode::usage, "'" + word + "' is not " + (at == root ? "a docket command" : "a subcommand of '" + path + "'"),
                    hint);
      }
      at = next;
      parent_path = path;
      path += " " + word;
    }
    *ctx.out << at->help(parent_path);  // "Usage: docket member add …", as COMMAND --help prints it
  });
}

}  // namespace docket::cli
