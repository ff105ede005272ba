#include "command_support.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>

#include "docket/app/exceptions.hpp"
#include "docket/core/display.hpp"
#include "docket/core/error.hpp"
#include "docket/core/suggest.hpp"
#include "docket/core/time.hpp"
#include "render.hpp"

namespace docket::cli {
namespace {

template <typename E, typename Parse>
E parse_enum(const std::string& text, const std::string& what, std::initializer_list<E> values, Parse parse) {
  if (const auto v = parse(text)) return *v;
  std::vector<std::string> names;
  for (auto v : values) names.emplace_back(to_string(v));
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  const auto guess = closest_match(text, names);
  throw Error(ExitCode::usage, "'" + text + "' is not a " + what,
              (guess ? "did you mean '" + *guess + "'? " : std::string{}) + "use one of: " + all);
}

}  // namespace

Email parse_email_option(const std::string& text, const std::string& option) {
  if (const auto e = Email::parse(text)) return *e;
  throw Error(ExitCode::usage, option + " '" + text + "' is not an e-mail address", "give a plain address such as alice@example.com");
}

Severity parse_severity_option(const std::string& text) {
  return parse_enum(text, "severity", {Severity::critical, Severity::high, Severity::medium, Severity::low}, parse_severity);
}

State parse_state_option(const std::string& text) {
  return parse_enum(text, "state",
                    {State::open, State::triaged, State::investigating, State::remediating, State::pending_approval,
                     State::accepted, State::closed},
                    parse_state);
}

Resolution parse_resolution_option(const std::string& text) {
  return parse_enum(text, "resolution", {Resolution::remediated, Resolution::accepted, Resolution::rejected},
                    parse_resolution);
}

Role parse_role_option(const std::string& text) {
  return parse_enum(text, "role", {Role::admin, Role::approver, Role::responder, Role::reporter}, parse_role);
}

Identity parse_identity_option(const std::string& text, const std::string& option) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    throw Error(ExitCode::usage, option + " '" + text + "' is not KIND:NAME", "e.g. " + option + " service-account:svc-billing@acme-prod");
  Identity identity;
  identity.kind = text.substr(0, colon);
  identity.name = text.substr(colon + 1);
  return identity;
}

Timestamp parse_time_option(const std::string& text, const std::string& option, Timestamp now) {
  if (const auto t = parse_time_or_duration(text, now)) {
    if (!in_time_range(*t))
      throw Error(ExitCode::usage,
                  option + " '" + text + "' is outside 1970-01-01 .. 9999-12-31, the times docket reads and writes",
                  "give a time in that range, e.g. 2026-12-31T00:00:00Z or 30d");
    return *t;
  }
  throw Error(ExitCode::usage, option + " '" + text + "' is neither an RFC 3339 time nor a duration",
              "use e.g. 2026-12-31T00:00:00Z, 2026-12-31, 72h or 30d");
}

void warn_unreadable(const std::vector<core::UnreadableRecord>& records) {
  for (const auto& r : records)
    std::cerr << "docket: warning: cannot read " << core::display_line(r.path) << ", left out: "
              << core::display_line(r.reason) << "\ndocket: hint: run docket verify, and have an admin repair the record\n";
}

void print_human(std::ostream& out, std::string_view text) {
  // Plain ASCII without controls (nearly all output) is written as it is; anything else goes
  // through the one escaping rule (core/display), line breaks kept — except docket's own colour
  // sequences (screen.hpp), which are let through as they are.
  const bool plain = std::none_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\n') || u >= 0x7f;
  });
  if (plain) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return;
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::size_t length = 0;
    if (text[i] != '\x1b' || !starts_with_sgr(text.substr(i), &length)) continue;
    out << core::display_block(text.substr(start, i - start), "") << text.substr(i, length);
    i += length - 1;
    start = i + 1;
  }
  out << core::display_block(text.substr(start), "");
}

void print_record(CommandContext& ctx, const Record& r, bool json, Timestamp now) {
  if (json) {
    render_json(*ctx.out, r);
    return;
  }
  std::ostringstream text;
  render_record(text, r, ctx.screen(), now);
  print_human(*ctx.out, text.str());
}

std::shared_ptr<RecordCommandOptions> add_record_options(CLI::App& command) {
  auto opts = std::make_shared<RecordCommandOptions>();
  command.add_option("ID", opts->id, "Exception id or an unambiguous prefix of it")->required();
  command.add_flag("--json", opts->json, "Print the resulting record as JSON");
  return opts;
}

void run_record_change(CommandContext& ctx, const RecordCommandOptions& opts,
                       const std::function<core::Command(app::Session&)>& make) {
  app::Session session(ctx.settings());
  const Record r = app::change_exception(session, opts.id, make(session));
  print_record(ctx, r, opts.json, session.now());
}

}  // namespace docket::cli
