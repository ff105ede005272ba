#pragma once
// The replay line of a commit message. Every docket commit that changes a record says, as
// JSON in a `Docket-Replay:` trailer, which command produced it. `verify` re-applies that
// command with the commit's signer, time and parent policy and requires the result to equal
// the committed record. The trailer is untrusted: whatever it claims, the same core rules run,
// so a forged claim can only describe a change those rules allow for that signer.

#include <optional>
#include <string>
#include <string_view>

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

inline constexpr std::string_view kReplayTrailer = "Docket-Replay: ";
// The replay lines of a commit message, in order.
std::vector<std::string> find_replay_lines(std::string_view message);

}  // namespace docket::codec
