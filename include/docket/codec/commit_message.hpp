#pragma once
// The commit messages docket writes for record changes, in one place: the commands write them
// and `verify` rebuilds them from the replay lines (rule message-mismatch), so the subject a
// reader sees in `git log` and the `Docket-Command:` trailer say what the replay did.
//
// One command on one record (open, approve, comment …):
//
//   docket: VERB ID[: SUMMARY]
//
//   Docket-Command: VERB
//   Docket-Record: ID
//   Docket-Replay: {json}
//
// An ingest run, one `Docket-Record:` line and then one `Docket-Replay:` line per record, in the
// same order:
//
//   docket: ingest TOOLS: N opened, N seen again, N not seen
//
//   Docket-Command: ingest
//   Docket-Record: ID …
//   Docket-Replay: {json} …

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/codec/command_json.hpp"
#include "docket/core/record.hpp"

namespace docket::codec {

inline constexpr std::string_view kCommandTrailer = "Docket-Command: ";
inline constexpr std::string_view kRecordTrailer = "Docket-Record: ";

// The SUMMARY of a one-command subject: an open's title (`command` null, `before` null), the
// names of the files an attach adds, the details of every event an edit added joined by "; ",
// else the detail of the event the command added to `after` (empty when it added none).
std::string command_summary(const core::Command* command, const Record* before, const Record& after);

// The whole message of one command. The summary is cut at its first line break, other control
// characters become spaces (a CR or an escape sequence cannot repaint a terminal showing
// `git log`) and it is shortened to at most 72 bytes on a UTF-8 boundary.
std::string command_message(std::string_view verb, const ExceptionId& id, std::string_view summary,
                            std::string_view replay_line);

// How many records an ingest run opened, saw again and marked not seen.
struct IngestCounts {
  std::size_t opened = 0;
  std::size_t seen_again = 0;
  std::size_t not_seen = 0;
  std::size_t reidentified = 0;  // exceptions given the identity their finding has today
};
// `docket: ingest gitleaks, trivy: 2 opened, 1 seen again` (`tools` already joined), at most
// 100 bytes.
std::string ingest_subject(std::string_view tools, const IngestCounts& counts);
// The whole message of an ingest run: `subject`, then the trailers of `replays` (id, line) in order.
std::string ingest_message(std::string_view subject, const std::vector<std::pair<ExceptionId, std::string>>& replays);

// The whole message of an administration command (core/administration.hpp):
//
//   docket: policy set sla.critical 12h        (team add TEAM EMAIL, template add NAME …)
//
//   Docket-Command: policy-set
//   Docket-Replay: {json}
//
// The subject's value is made one line and shortened like a summary. `verify` requires a
// commit with an administration replay line to carry exactly this message.
std::string admin_message(const core::Administration& a);
// For `verify`: nullopt when `message` is exactly admin_message(a), else what disagrees.
std::optional<std::string> admin_message_mismatch(std::string_view message, const core::Administration& a);

// What a commit's message says, read back for `verify` and `docket log`.
struct MessageParts {
  std::string subject;  // the first line
  std::string command;  // the Docket-Command trailer, empty when absent
};
MessageParts read_message(std::string_view message);

// For `verify`: nullopt when `message` is exactly what docket writes for the replay lines of the
// commit (`lines` in the order they appear; `summaries` the SUMMARY each one-command commit's
// subject must carry, by position), else what disagrees, in one sentence.
struct ReplayInMessage {
  std::string line;     // the JSON as found
  std::string verb;     // `open` or the command's verb
  ExceptionId id;
  std::string summary;  // command_summary of the replayed change
};
std::optional<std::string> message_mismatch(std::string_view message, const std::vector<ReplayInMessage>& replays);

// A short account of what a replay line did, for `docket log`: `comment: "text"`,
// `move to triaged`, `attach report.pdf (1 file)` …; control characters are shown as spaces.
std::string describe_replay(const Replay& replay);

}  // namespace docket::codec
