#include "docket/app/log.hpp"

#include "docket/app/verify.hpp"
#include "docket/codec/command_json.hpp"
#include "docket/codec/commit_message.hpp"
#include "docket/core/error.hpp"
#include "docket/core/id.hpp"

namespace docket::app {
namespace {

// What the commit did to `id`, from its replay line: the line `verify` replays, so the timeline
// shows what was checked rather than what the subject claims.
void describe(LogEntry& entry, const std::string& message, const ExceptionId& id) {
  for (const auto& line : codec::find_replay_lines(message)) {
    try {
      const codec::Replay replay = codec::replay_from_json(line);
      if (replay.id != id) continue;
      entry.command = replay.open ? "open" : std::string(core::verb(*replay.command));
      entry.action = codec::describe_replay(replay);
      return;
    } catch (const Error&) {
      entry.action = "(unreadable replay line)";
      return;
    }
  }
  // No replay line (a sync merge): what the message says, for want of anything better.
  entry.command = codec::read_message(message).command;
  entry.action = entry.subject;
}

}  // namespace

std::vector<LogEntry> record_log(Session& session, std::string_view query) {
  const ExceptionId id = session.resolve_id(session.tip(), query);
  const std::string path = record_path(id);
  std::vector<LogEntry> out;
  for (const auto& c : session.store().history()) {
    const auto now = session.store().at(c.id).blob_id(path);
    if (!now) continue;
    const auto before = c.parents.empty() ? std::nullopt : session.store().at(c.parents.front()).blob_id(path);
    if (before && *before == *now) continue;
    LogEntry entry{c.id.hex, c.time, c.author_email, {}, {}, c.message.substr(0, c.message.find('\n')), signature_status(session, c)};
    describe(entry, c.message, id);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace docket::app
