// docket completion: the shell completion engine and the command tree, both read from the
// CLI11 tree the other commands registered. The scripts in completions/ are thin glue that call
// `docket completion words`, so a new command or option completes without touching them, and
// tests/integration/test_docs.sh checks man pages and completions against `docket completion
// tree`. Hidden from --help: it is machinery, documented in docket-completion(1).
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "cli.hpp"
#include "docket/app/exceptions.hpp"
#include "docket/app/report_render.hpp"
#include "docket/app/session.hpp"
#include "docket/codec/export.hpp"
#include "docket/core/administration.hpp"
#include "docket/core/display.hpp"
#include "docket/core/error.hpp"
#include "docket/core/lifecycle.hpp"

namespace docket::cli {
namespace {

// The values the parsers in command_support.cpp accept, in lifecycle order.
// TODO(core): take these from core once it exports its enumerator lists.
constexpr State kStates[] = {State::open, State::triaged,          State::investigating, State::remediating,
                             State::pending_approval, State::accepted, State::closed};
constexpr Severity kSeverities[] = {Severity::critical, Severity::high, Severity::medium, Severity::low};
// `revoked` is never requested (revoke ends an acceptance), so it is not offered.
constexpr Resolution kRequestable[] = {Resolution::remediated, Resolution::accepted, Resolution::rejected};
constexpr Role kRoles[] = {Role::admin, Role::approver, Role::responder, Role::reporter};

// What a value of an option or positional is, which decides what completes it.
enum class ValueKind {
  none, choices, ids, states, move_targets, severities, resolutions, roles, templates, members, files, dirs,
  formats, items, remotes, commands, policy_keys, teams
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_positional(const CLI::Option& o) { return o.get_positional() && !o.nonpositional(); }
bool takes_value(const CLI::Option& o) { return o.get_type_size_max() > 0; }
bool repeatable(const CLI::Option& o) { return o.get_expected_max() > 1; }
bool hidden(const CLI::App& a) { return a.get_group().empty(); }

// The values a CLI::IsMember check allows: CLI11 appends them to the type name as `:{a,b,c}`.
std::vector<std::string> member_choices(const CLI::Option& o) {
  const std::string type = o.get_type_name();
  const auto open = type.find('{');
  const auto close = type.find('}', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return {};
  std::vector<std::string> values;
  std::string current;
  for (char c : type.substr(open + 1, close - open - 1)) {
    if (c == ',') {
      values.push_back(current);
      current.clear();
    } else if (c != ' ') {
      current += c;
    }
  }
  if (!current.empty()) values.push_back(current);
  return values;
}

// Commands name their options and positionals after what they hold (ID, STATE, --template,
// FILE…); completion relies on that convention instead of a second list of options.
ValueKind value_kind(const CLI::Option& o) {
  if (!member_choices(o).empty()) return ValueKind::choices;
  const std::string name = is_positional(o) ? o.get_name(true) : o.get_name();
  const std::string type = o.get_type_name();
  if (name == "ID") return ValueKind::ids;
  if (name == "ITEM" || name == "--item") return ValueKind::items;
  if (name == "REMOTE") return ValueKind::remotes;
  if (name == "COMMAND") return ValueKind::commands;
  if (name == "--format") return ValueKind::formats;
  if (name == "STATE") return ValueKind::move_targets;
  if (name == "EMAIL" || name == "--to" || name == "--owner" || name == "--assignee" || name == "--add-owner" ||
      name == "--remove-owner")
    return ValueKind::members;
  if (name == "FILE" || name == "--out" || name == "--key" || type == "PATH" || type == "FILE") return ValueKind::files;
  if (type == "DIR") return ValueKind::dirs;
  if (name == "--state") return ValueKind::states;
  if (name == "--severity") return ValueKind::severities;
  if (name == "--resolution") return ValueKind::resolutions;
  if (name == "--role") return ValueKind::roles;
  if (name == "--template" || name == "NAME") return ValueKind::templates;
  if (name == "KEY") return ValueKind::policy_keys;
  if (name == "TEAM") return ValueKind::teams;
  return ValueKind::none;
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !hidden(*sub); });
}

std::vector<const CLI::Option*> positionals(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return is_positional(*o); });
}

// ---- walking a partial command line ----

// Where the words before the cursor leave the parser.
struct LineState {
  const CLI::App* app = nullptr;         // the deepest command named so far
  const CLI::Option* pending = nullptr;  // an option whose value is the word being completed
  std::vector<std::string> positional_values;
  std::set<const CLI::Option*> used;
  bool after_separator = false;  // `--` seen: only positionals follow
  GlobalOptions globals;         // -C, --ref, --key typed on the line
};

// Options of `app` and, because the root falls through, of its ancestors.
const CLI::Option* find_option(const CLI::App& app, const std::string& word) {
  for (const CLI::App* a = &app; a; a = a->get_parent()) {
    for (const CLI::Option* o : a->get_options()) {
      if (is_positional(*o)) continue;
      if (word.starts_with("--") ? o->check_lname(word.substr(2)) : o->check_sname(word.substr(1))) return o;
    }
  }
  return nullptr;
}

// Keeps the value of a global option, so ids and templates come from the store the line names.
void remember_global(LineState& s, const CLI::App& root, const CLI::Option& o, const std::string& value) {
  const auto globals = root.get_options();
  if (std::find(globals.begin(), globals.end(), &o) == globals.end()) return;
  if (o.check_sname("C")) s.globals.repo = value;
  else if (o.check_lname("ref")) s.globals.ref = value;
  else if (o.check_lname("key")) s.globals.key = value;
}

LineState walk(const CLI::App& root, const std::vector<std::string>& done_words) {
  LineState s;
  s.app = &root;
  for (const auto& word : done_words) {
    if (s.pending) {
      if (word == "=") continue;  // bash splits `--state=open` into `--state`, `=`, `open`
      remember_global(s, root, *s.pending, word);
      s.pending = nullptr;
      continue;
    }
    if (!s.after_separator && word == "--") {
      s.after_separator = true;
      continue;
    }
    if (!s.after_separator && word.size() > 1 && word[0] == '-') {
      const auto eq = word.find('=');
      const std::string name = word.substr(0, eq);
      if (const CLI::Option* o = find_option(*s.app, name)) {
        s.used.insert(o);
        if (eq != std::string::npos) remember_global(s, root, *o, word.substr(eq + 1));
        else if (takes_value(*o)) s.pending = o;
      }
      continue;
    }
    if (s.positional_values.empty()) {
      const auto subs = s.app->get_subcommands([&](const CLI::App* sub) { return sub->check_name(word); });
      if (!subs.empty()) {
        s.app = subs.front();
        s.used.clear();
        continue;
      }
    }
    s.positional_values.push_back(word);
  }
  return s;
}

// The positional the next bare word fills, or null when all are given.
const CLI::Option* next_positional(const LineState& s) {
  std::size_t given = s.positional_values.size();
  for (const CLI::Option* o : positionals(*s.app)) {
    if (o->get_items_expected_max() > 1) return o;  // FILE…: takes every remaining word
    if (given == 0) return o;
    --given;
  }
  return nullptr;
}

// ---- candidates ----

struct Candidate {
  std::string word;
  std::string description;
};

// Result of a completion: either words, or "let the shell complete file or folder names".
struct Completion {
  enum class Mode { words, files, dirs } mode = Mode::words;
  std::vector<Candidate> candidates;
};

bool starts_with_ignoring_case(const std::string& text, const std::string& prefix) {
  return lower(text).starts_with(lower(prefix));
}

void add_if_match(std::vector<Candidate>& out, const std::string& prefix, std::string word, std::string description = {}) {
  if (word.starts_with(prefix)) out.push_back({std::move(word), std::move(description)});
}

// The store named on the line (or by the environment), opened only to read names from it.
// Completion runs on every TAB, in and out of stores: failures mean "nothing to offer".
class StoreReader {
public:
  StoreReader(const CommandContext& ctx, const GlobalOptions& globals) {
    CommandContext local = ctx;
    local.globals = globals;
    try {
      session_.emplace(local.settings());
      tip_ = session_->tip();
    } catch (const Error&) {
      session_.reset();
    }
  }
  bool ok() const { return session_.has_value() && tip_.has_value(); }
  app::Session& session() const { return *session_; }
  const store::Snapshot& tip() const { return *tip_; }
  app::RecordIndex& index() const { return session_->index(); }

private:
  mutable std::optional<app::Session> session_;
  std::optional<store::Snapshot> tip_;
};

void add_ids(std::vector<Candidate>& out, const StoreReader& store, const std::string& prefix) {
  if (!store.ok()) return;
  try {
    // Ids and titles from the record index: no record is parsed on a TAB.
    for (auto& r : store.index().summaries(store.tip()))
      if (starts_with_ignoring_case(r.id.str(), prefix)) out.push_back({r.id.str(), std::move(r.title)});
  } catch (const Error&) {
    // A malformed record: nothing to offer; `list` and `verify` report what is wrong.
  }
}

void add_from_config(std::vector<Candidate>& out, const StoreReader& store, const std::string& prefix, ValueKind kind) {
  if (!store.ok()) return;
  try {
    const auto config = app::load_config(store.tip());
    if (kind == ValueKind::templates)
      for (const auto& [name, t] : config.templates) add_if_match(out, prefix, name, t.description);
    else if (kind == ValueKind::teams)
      for (const auto& [name, members] : config.policy.teams) add_if_match(out, prefix, name);
    else
      for (const auto& m : config.policy.members) add_if_match(out, prefix, m.email.str(), m.name);
  } catch (const Error&) {
    // A store with a malformed docket.yaml or template offers nothing; commands report it.
  }
}

// The record the line's ID positional names (the first positional of the command), if the store
// has it; nothing on any failure.
std::optional<Record> named_record(const StoreReader& store, const LineState& s) {
  if (!store.ok() || s.positional_values.empty()) return std::nullopt;
  try {
    return app::show_exception(store.session(), s.positional_values.front());
  } catch (const Error&) {
    return std::nullopt;
  }
}

// The formats `--format` of the command on the line takes, as its parser accepts them.
std::vector<std::string> format_names(const CLI::App& command) {
  std::vector<std::string> out;
  if (command.get_name() == "report") {
    for (const char* f : {"md", "json", "csv", "html"})
      if (app::parse_report_format(f)) out.emplace_back(f);
  } else if (command.get_name() == "export") {
    for (const char* f : {"sarif", "trivyignore", "gitleaksignore"})
      if (codec::parse_export_format(f)) out.emplace_back(f);
  }
  return out;
}

Completion complete_value(const CLI::Option& o, const std::string& prefix, const CommandContext& ctx, const LineState& s) {
  Completion c;
  std::vector<Candidate>& out = c.candidates;
  switch (value_kind(o)) {
    case ValueKind::none: break;
    case ValueKind::choices:
      for (auto& v : member_choices(o)) add_if_match(out, prefix, std::move(v));
      break;
    case ValueKind::states:
      for (State v : kStates) add_if_match(out, prefix, std::string(to_string(v)));
      break;
    case ValueKind::move_targets: {
      // The states the named exception may `move` to (core::allowed_moves); without one, every
      // state some state may move to. In lifecycle order.
      std::set<State> targets;
      const auto record = named_record(StoreReader(ctx, s.globals), s);
      for (State from : kStates)
        if (!record || record->state == from)
          for (State to : core::allowed_moves(from)) targets.insert(to);
      for (State v : kStates)
        if (targets.count(v)) add_if_match(out, prefix, std::string(to_string(v)));
      break;
    }
    case ValueKind::severities:
      for (Severity v : kSeverities) add_if_match(out, prefix, std::string(to_string(v)));
      break;
    case ValueKind::resolutions:
      for (Resolution v : kRequestable) add_if_match(out, prefix, std::string(to_string(v)));
      break;
    case ValueKind::roles:
      for (Role v : kRoles) add_if_match(out, prefix, std::string(to_string(v)));
      break;
    case ValueKind::ids: add_ids(out, StoreReader(ctx, s.globals), prefix); break;
    case ValueKind::policy_keys:
      for (const auto& k : core::policy_keys()) add_if_match(out, prefix, std::string(k.key), std::string(k.meaning));
      break;
    case ValueKind::templates:
    case ValueKind::teams:
    case ValueKind::members: add_from_config(out, StoreReader(ctx, s.globals), prefix, value_kind(o)); break;
    case ValueKind::formats:
      for (auto& f : format_names(*s.app)) add_if_match(out, prefix, std::move(f));
      break;
    case ValueKind::items: {
      // The named exception's checklist items not done yet; `done` completes only those that
      // need no evidence (attach --item is for the others).
      const bool evidence_allowed = s.app->get_name() != "done";
      if (const auto record = named_record(StoreReader(ctx, s.globals), s))
        for (const auto& item : record->checklist)
          if (!item.done && (evidence_allowed || !item.evidence_required)) add_if_match(out, prefix, item.id, item.text);
      break;
    }
    case ValueKind::remotes: {
      // The repository's remotes (a fresh clone has no store yet: only the repository is needed).
      try {
        CommandContext local = ctx;
        local.globals = s.globals;
        app::Session session(local.settings());
        for (auto& r : session.repository().remote_names()) add_if_match(out, prefix, std::move(r));
      } catch (const Error&) {
        // Not in a repository: nothing to offer.
      }
      break;
    }
    case ValueKind::commands: {
      // `docket help WORD…`: the commands, then the subcommands of the one already named.
      const CLI::App* at = s.app->get_parent();
      for (const auto& word : s.positional_values) {
        const auto subs = at->get_subcommands([&](const CLI::App* sub) { return sub->check_name(word); });
        if (subs.empty()) return c;
        at = subs.front();
      }
      for (const CLI::App* sub : visible_subcommands(*at)) add_if_match(out, prefix, sub->get_name(), sub->get_description());
      break;
    }
    case ValueKind::files: c.mode = Completion::Mode::files; break;
    case ValueKind::dirs: c.mode = Completion::Mode::dirs; break;
  }
  return c;
}

void add_options(std::vector<Candidate>& out, const LineState& s, const std::string& prefix) {
  for (const CLI::Option* o : s.app->get_options()) {
    if (is_positional(*o) || o->get_group().empty()) continue;
    if (s.used.count(o) && !repeatable(*o)) continue;
    add_if_match(out, prefix, o->get_name(), o->get_description());
  }
}

Completion complete(const CLI::App& root, const CommandContext& ctx, std::vector<std::string> words) {
  const std::string current = words.empty() ? std::string{} : words.back();
  if (!words.empty()) words.pop_back();
  const LineState s = walk(root, words);
  if (s.pending) return complete_value(*s.pending, current, ctx, s);

  Completion c;
  if (!s.after_separator && current.starts_with("-")) {
    // `--state=op` in one word (zsh, fish): complete the value, keeping the option in front.
    if (const auto eq = current.find('='); eq != std::string::npos) {
      const CLI::Option* o = find_option(*s.app, current.substr(0, eq));
      if (!o || !takes_value(*o)) return c;
      c = complete_value(*o, current.substr(eq + 1), ctx, s);
      for (auto& cand : c.candidates) cand.word = current.substr(0, eq + 1) + cand.word;
      return c;
    }
    add_options(c.candidates, s, current);
    return c;
  }
  const auto subs = visible_subcommands(*s.app);
  if (!subs.empty() && s.positional_values.empty()) {
    for (const CLI::App* sub : subs) add_if_match(c.candidates, current, sub->get_name(), sub->get_description());
    return c;
  }
  if (const CLI::Option* next = next_positional(s)) return complete_value(*next, current, ctx, s);
  // Every positional is given: what is left to type is options.
  add_options(c.candidates, s, current);
  return c;
}

void print_completion(std::ostream& out, const Completion& c) {
  switch (c.mode) {
    case Completion::Mode::files: out << "files\n"; return;
    case Completion::Mode::dirs: out << "dirs\n"; return;
    case Completion::Mode::words: out << "words\n"; break;
  }
  // One candidate a line, a tab before its description. Names and titles from a hostile store
  // must not break the line protocol or reach the terminal as escape sequences.
  auto clean = [](const std::string& text) {
    std::string safe;
    for (char ch : text) safe += (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ? ' ' : ch;
    return safe;
  };
  for (const auto& cand : c.candidates) {
    out << clean(cand.word);
    // Descriptions are record text (titles): escaped as everywhere else (bidi overrides too).
    if (!cand.description.empty()) out << '\t' << clean(core::display_line(cand.description));
    out << '\n';
  }
}

// ---- the tree ----

nlohmann::json option_json(const CLI::Option& o) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& s : o.get_snames()) names.push_back("-" + s);
  for (const auto& l : o.get_lnames()) names.push_back("--" + l);
  return {{"name", is_positional(o) ? o.get_name(true) : o.get_name()},
          {"names", names},
          {"positional", is_positional(o)},
          {"takes_value", takes_value(o)},
          {"repeatable", repeatable(o)},
          {"required", o.get_required()},
          {"hidden", o.get_group().empty()},
          {"description", o.get_description()}};
}

nlohmann::json tree_json(const CLI::App& app, std::vector<std::string> path) {
  nlohmann::json options = nlohmann::json::array();
  for (const CLI::Option* o : app.get_options()) options.push_back(option_json(*o));
  nlohmann::json subcommands = nlohmann::json::array();
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    auto sub_path = path;
    sub_path.push_back(sub->get_name());
    subcommands.push_back(tree_json(*sub, sub_path));
  }
  return {{"name", app.get_name()},  {"path", path},       {"hidden", hidden(app)}, {"description", app.get_description()},
          {"options", options}, {"subcommands", subcommands}};
}

}  // namespace

void attach_completion(CLI::App& cmd, CommandContext& ctx) {
  cmd.group("");  // hidden from `docket --help`
  cmd.require_subcommand(1);
  const CLI::App* root = &cmd;
  while (root->get_parent()) root = root->get_parent();

  auto words = std::make_shared<std::vector<std::string>>();
  CLI::App* complete_cmd = cmd.add_subcommand("words", "Complete a command line: print the candidates for its last word");
  complete_cmd->add_option("WORDS", *words, "The words after 'docket', the last being the one to complete (pass after --)");
  complete_cmd->callback([&ctx, root, words] { print_completion(*ctx.out, complete(*root, ctx, *words)); });

  CLI::App* tree = cmd.add_subcommand("tree", "Print every command with its options and positionals, as JSON");
  tree->callback([&ctx, root] { *ctx.out << tree_json(*root, {}).dump(2) << "\n"; });
}

}  // namespace docket::cli
