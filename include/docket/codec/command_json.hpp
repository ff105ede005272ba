#pragma once
// The replay line of a commit message. Every docket commit that changes a record says, as
// JSON in a `Docket-Replay:` trailer, which command produced it. `verify` re-applies that
// command with the commit's signer, time and parent policy and requires the result to equal
// the committed record. The trailer is untrusted: whatever it claims, the same core rules run,
// so a forged claim can only describe a change those rules allow for that signer.

#include <optional>
#include <string>
#include <string_view>

#include "docket/core/administration.hpp"
#include "docket/core/lifecycle.hpp"

namespace docket::codec {

// What a replay line describes: a command on an existing record, or an open.
struct ReplayOpen {
  std::string title;
  std::string template_name;
  std::optional<Severity> severity;
  Identity identity;
  std::vector<Email> owners;
  Source source;
  std::vector<ExceptionId> recurrence_of;
};

// One line of JSON naming the record `id` it applies to (a commit may change several records,
// as an ingest run does, with one replay line each).
std::string command_to_json(const ExceptionId& id, const core::Command& c);
std::string open_to_json(const ExceptionId& id, const ReplayOpen& o);

struct Replay {
  ExceptionId id;
  std::optional<core::Command> command;  // one of these two is set
  std::optional<ReplayOpen> open;
};
// Throws Error(usage) when the text is not a replay line docket writes.
Replay replay_from_json(std::string_view text);

// The replay line of an administration command (core/administration.hpp), one per commit and
// naming no record:
//   {"verb":"policy-set","key":"sla.critical","value":"12h"}
//   {"verb":"team-add","team":"platform","member":"bob@example.test"}   (team-remove alike)
//   {"verb":"template-add","template":"my-template"}   (template-update, template-remove alike)
// A template's content is not in the line: it is the file templates/<name>.yaml the commit
// writes, which `verify` reads and re-applies. Throws Error(usage) when a text is not UTF-8.
std::string admin_to_json(const core::Administration& a);
// The administration command `line` names, with a TemplateAdd / TemplateUpdate holding a
// template with only its name set; nullopt when `line` is not an administration command's line
// (a record's, whose `verb` is a lifecycle verb). Throws Error(usage) when it is one but
// malformed or not in the canonical form admin_to_json writes.
std::optional<core::Administration> admin_from_json(std::string_view line);

inline constexpr std::string_view kReplayTrailer = "Docket-Replay: ";
// The replay lines of a commit message, in order.
std::vector<std::string> find_replay_lines(std::string_view message);

}  // namespace docket::codec
