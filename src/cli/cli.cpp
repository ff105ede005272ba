#include "cli.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "docket/core/display.hpp"
#include "docket/core/error.hpp"
#include "docket/core/suggest.hpp"
#include "docket/core/time.hpp"
#include "docket/store/store.hpp"


namespace docket::cli {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

// git's boolean environment values (git_parse_maybe_bool): true/yes/on, false/no/off, or a
// number (non-zero is true); an empty value is false.
bool git_env_bool(const std::string& name, const char* value) {
  std::string text(value);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text.empty() || text == "false" || text == "no" || text == "off") return false;
  if (text == "true" || text == "yes" || text == "on") return true;
  char* end = nullptr;
  const long number = std::strtol(text.c_str(), &end, 10);
  if (end != text.c_str() && *end == '\0') return number != 0;
  throw Error(ExitCode::usage, name + "='" + value + "' is not a boolean",
              "use true or false, as git does (or unset it)");
}

// The colour of "docket: error:" lines: decided from --color as typed (the parse may have failed
// before the option was stored) and the environment.
bool stderr_colour(int argc, char** argv) {
  ColorMode mode = ColorMode::automatic;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::string_view value;
    if (arg == "--color" && i + 1 < argc) value = argv[i + 1];
    else if (arg.starts_with("--color=")) value = arg.substr(8);
    else continue;
    if (value == "always") mode = ColorMode::always;
    else if (value == "never") mode = ColorMode::never;
    else if (value == "auto") mode = ColorMode::automatic;
  }
  return colour_for_stderr(mode);
}

// "docket: error:" and the like, in `style` when standard error takes colour.
std::string label(std::string_view text, Style style, bool colour) {
  if (!colour) return std::string(text);
  return std::string(sgr(style)) + std::string(text) + std::string(kSgrReset);
}

void print_error(const Error& e, bool colour) {
  // Messages quote names and text from records and arguments: escaped like any record text, so
  // none can paint the terminal or start a line of its own.
  const std::string what = core::display_block(e.what(), "  ");
  if (const auto* rule = dynamic_cast<const RuleViolation*>(&e))
    std::cerr << label("docket: refused", Style::bold_red, colour) << " by rule '" << rule->rule() << "': " << what << "\n";
  else
    std::cerr << label("docket: error:", Style::bold_red, colour) << " " << what << "\n";
  if (!e.hint().empty()) std::cerr << label("docket: hint:", Style::yellow, colour) << " " << core::display_block(e.hint(), "  ") << "\n";
}

// CLI11's own exit codes start at 100; docket maps every parse error to 2 (usage).
// Where the user typed a command: the index in argv of the first argument at or after `from`
// that is neither an option nor the value of a global option.
std::optional<int> typed_word(int argc, char** argv, int from = 1) {
  for (int i = from; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-C" || arg == "--ref" || arg == "--key" || arg == "--color") {
      ++i;
      continue;
    }
    if (!arg.starts_with("-")) return i;
  }
  return std::nullopt;
}

int handle_parse_error(CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
    // `docket --help`: the grouped list (a command's own --help is CLI11's).
    if (dynamic_cast<const CLI::CallForHelp*>(&e) && app.get_subcommands().empty()) std::cout << command_overview(app);
    else app.exit(e);
    return 0;
  }
  std::string message = e.what();
  std::string hint = "see docket --help";
  std::vector<std::string> names;
  for (const auto& spec : command_table()) names.emplace_back(spec.name);
  const std::optional<int> command_at = typed_word(argc, argv);
  const std::optional<std::string> typed = command_at ? std::optional<std::string>(argv[*command_at]) : std::nullopt;
  const bool known = typed && std::find(names.begin(), names.end(), *typed) != names.end();
  if (typed && !known) {
    message = "'" + *typed + "' is not a docket command";
    if (const auto guess = closest_match(*typed, names)) hint = "did you mean 'docket " + *guess + "'?";
  } else if (typed) {
    // A command with subcommands (ingest FORMAT, member add|remove|key|list): name the word
    // that is not one of them, and the ones it takes.
    CLI::App* command = app.get_subcommand(*typed);
    std::vector<std::string> subs;
    for (const CLI::App* sub : command->get_subcommands({})) subs.push_back(sub->get_name());
    if (!subs.empty()) {
      const std::optional<int> word_at = typed_word(argc, argv, *command_at + 1);
      const std::optional<std::string> word = word_at ? std::optional<std::string>(argv[*word_at]) : std::nullopt;
      std::string list;
      for (const auto& sub : subs) list += (list.empty() ? "" : ", ") + sub;
      if (word && std::find(subs.begin(), subs.end(), *word) == subs.end()) {
        message = "'" + *word + "' is not one of what 'docket " + *typed + "' takes: " + list;
        if (const auto guess = closest_match(*word, subs)) hint = "did you mean 'docket " + *typed + " " + *guess + "'?";
        else hint = "see docket " + *typed + " --help";
      } else if (!word) {
        message = "'docket " + *typed + "' needs one of: " + list;
        // An option typed where the subcommand belongs (`ingest --bogus`): name it.
        for (int i = *command_at + 1; i < argc; ++i)
          if (argv[i][0] == '-' && argv[i][1] != '\0') {
            message = "'docket " + *typed + "' needs one of " + list + " before any option, but got the option '" +
                      std::string(argv[i]) + "'";
            break;
          }
        hint = "see docket " + *typed + " --help";
      }
    }
  }
  if (known && hint == "see docket --help") {
    // An error inside a known command: name that command's own --help, and for an option it
    // does not have, the closest one it does.
    const CLI::App* command = app.get_subcommand(*typed);
    std::string path = "docket " + *typed;
    const std::optional<int> word_at = typed_word(argc, argv, *command_at + 1);
    for (const CLI::App* sub : command->get_subcommands({}))
      if (word_at && sub->get_name() == argv[*word_at]) {
        command = sub;
        path += " " + sub->get_name();
      }
    hint = "see " + path + " --help";
    if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
      std::vector<std::string> options;
      for (const CLI::App* scope : {command, static_cast<const CLI::App*>(&app)})
        for (const CLI::Option* opt : scope->get_options()) {
          for (const auto& l : opt->get_lnames()) options.push_back("--" + l);
          for (const auto& n : opt->get_snames()) options.push_back("-" + n);
        }
      for (int i = *command_at + 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (!arg.starts_with("-") || arg == "-" || arg == "--") continue;
        if (const auto eq = arg.find('='); eq != std::string::npos) arg.resize(eq);
        if (std::find(options.begin(), options.end(), arg) != options.end()) continue;
        message = "'" + path + "' has no option '" + arg + "'";
        if (const auto guess = closest_match(arg, options)) hint = "did you mean '" + *guess + "'? (see " + path + " --help)";
        break;
      }
    }
  }
  // Arguments are the user's text: shown escaped, as record text is.
  const bool colour = stderr_colour(argc, argv);
  std::cerr << label("docket: error:", Style::bold_red, colour) << " " << core::display_line(message) << "\n"
            << label("docket: hint:", Style::yellow, colour) << " " << core::display_line(hint) << "\n";
  return static_cast<int>(ExitCode::usage);
}

}  // namespace

const Screen& CommandContext::screen() {
  if (!screen_) screen_ = screen_for_stdout(parse_color_mode(globals.color), globals.local_time);
  return *screen_;
}

void CommandContext::page() {
  screen();  // decided on the terminal itself, before the pager takes it over
  if (pager && !pager->running()) pager->start(!globals.no_pager);
}

app::Settings CommandContext::settings() const {
  app::Settings s;
  char buf[4096];
  if (!getcwd(buf, sizeof buf))
    throw Error(ExitCode::usage, "the current folder cannot be read", "cd to an existing folder");
  s.cwd = buf;
  if (!globals.repo.empty()) s.repo = globals.repo;
  else if (auto v = env("DOCKET_REPO")) s.repo = *v;
  if (!globals.ref.empty()) s.ref = globals.ref;
  else s.ref = env("DOCKET_REF");
  if (!globals.key.empty()) s.key = globals.key;
  else s.key = env("DOCKET_SIGNING_KEY");
  if (auto v = env("HOME")) s.home = *v;
  // git's own variables, honoured as git honours them (git-config(1) ENVIRONMENT).
  if (const char* v = std::getenv("GIT_CONFIG_GLOBAL")) s.git_config.global = std::filesystem::path(v);
  if (const char* v = std::getenv("GIT_CONFIG_SYSTEM")) s.git_config.system = std::filesystem::path(v);
  if (const char* v = std::getenv("GIT_CONFIG_NOSYSTEM")) s.git_config.no_system = git_env_bool("GIT_CONFIG_NOSYSTEM", v);
  // What ssh-keygen and gpg.ssh.defaultKeyCommand need to be found and to reach ssh-agent.
  if (const char* v = std::getenv("PATH")) s.signing.path = v;
  s.signing.agent = env("SSH_AUTH_SOCK").has_value();
  if (const char* v = std::getenv("SSH_ASKPASS_REQUIRE")) s.signing.askpass_require = std::string(v);
  s.actor_email = env("DOCKET_ACTOR_EMAIL");
  s.actor_name = env("DOCKET_ACTOR_NAME");
  if (auto v = env("DOCKET_INDEX")) {
    if (*v != "on" && *v != "off")
      throw Error(ExitCode::usage, "DOCKET_INDEX='" + *v + "' is neither on nor off",
                  "unset it (the default, on), or set off to read every record without the local index");
    s.use_index = *v == "on";
  }
  if (auto v = env("DOCKET_NOW")) {
    s.now = parse_rfc3339(*v);
    if (!s.now) throw Error(ExitCode::usage, "DOCKET_NOW='" + *v + "' is not an RFC 3339 time", "use e.g. 2026-11-23T10:00:00Z");
    if (!in_time_range(*s.now))
      throw Error(ExitCode::usage, "DOCKET_NOW='" + *v + "' is before 1970-01-01T00:00:00Z",
                  "docket writes times from 1970 to 9999; use e.g. 2026-11-23T10:00:00Z");
  }
  return s;
}

// A reader that went away (`docket list | head`): stop quietly with git's status, 128 + SIGPIPE.
constexpr int kClosedPipe = 128 + SIGPIPE;

// Flushes standard output and turns a failed write into exit status 9 with a message (or a
// quiet kClosedPipe for a closed pipe, as git does); else returns `code`.
int finish_output(int code) {
  errno = 0;
  const bool flushed = !std::cout.flush().fail() && std::fflush(stdout) == 0 && !std::ferror(stdout);
  if (flushed) return code;
  const int error = errno;
  if (error == EPIPE) return kClosedPipe;
  std::cerr << "docket: error: cannot write the output to standard output"
            << (error != 0 ? std::string(": ") + std::strerror(error) : std::string()) << "\n"
            << "docket: hint: check the free space and the file or descriptor it goes to\n";
  return static_cast<int>(ExitCode::output);
}

int run_cli(int argc, char** argv) {
  CLI::App app{"docket — exception workflows for non-human identities, kept as signed git history", "docket"};
  app.set_version_flag("--version", std::string("docket ") + DOCKET_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough();
  CommandContext ctx;
  ctx.out = &std::cout;
  Pager pager;
  ctx.pager = &pager;
  app.add_option("-C", ctx.globals.repo, "Run as if started in DIR (the repository holding the store)")->type_name("DIR");
  app.add_option("--ref", ctx.globals.ref, "The store's ref (default refs/heads/docket; env DOCKET_REF)")->type_name("REF");
  app.add_option("--key", ctx.globals.key, "Signing key: a private key path (env DOCKET_SIGNING_KEY)")->type_name("PATH");
  app.add_option("--color", ctx.globals.color, "Colour: auto (on a terminal; NO_COLOR, CLICOLOR_FORCE), always or never")
      ->type_name("WHEN:{auto,always,never}");
  app.add_flag("--no-pager", ctx.globals.no_pager, "Do not send long output through a pager (DOCKET_PAGER, PAGER, less -FRX)");
  app.add_flag("--local", ctx.globals.local_time, "Show times in the local time zone (TZ) instead of UTC");
  for (const auto& spec : command_table()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.summary);
    sub->group(spec.group);  // `docket --help` lists commands by group; attach may hide one (group "")
    spec.attach(*sub, ctx);
  }
  try {
    try {
      app.parse(argc, argv);
      parse_color_mode(ctx.globals.color);  // a bad --color is an error even when nothing is printed
      // A bare `docket` (global options only): the command list, as `docket help` prints it.
      if (app.get_subcommands().empty()) *ctx.out << command_overview(app);
    } catch (const CLI::ParseError& e) {
      return handle_parse_error(app, e, argc, argv);
    }
    return finish_output(ctx.exit_code);
  } catch (const Error& e) {
    const int code = finish_output(static_cast<int>(e.code()));
    if (code == kClosedPipe) return code;
    pager.finish();  // the message goes after what the pager showed, not over it
    print_error(e, stderr_colour(argc, argv));
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    pager.finish();
    std::cerr << "docket: internal error: " << e.what() << "\ndocket: hint: please report this as a bug\n";
    return static_cast<int>(ExitCode::internal);
  }
}

}  // namespace docket::cli
