// Commit messages docket writes and `verify` reads back: the subject, the Docket-Command and
// Docket-Record trailers and each `Docket-Replay: {json}` line (codec/command_json.hpp,
// codec/commit_message.hpp). The input is a whole message; it is also tried as one replay line.
// Checks: replay_from_json refuses only with docket::Error and accepts only its own canonical
// text (written again, a replay is the same bytes); describe_replay gives one line without
// controls; message_mismatch answers without throwing; and the message docket writes for the
// replays found (command_message, or ingest_subject + ingest_message for any one-line tools
// text) is one message_mismatch accepts.

#include <algorithm>
#include <vector>

#include "docket/codec/command_json.hpp"
#include "docket/codec/commit_message.hpp"
#include "fuzz_support.hpp"

using namespace docket;

namespace {

std::optional<codec::Replay> read_line(std::string_view line) {
  auto replay = fuzz::accepted([&] { return codec::replay_from_json(line); });
  if (!replay) return std::nullopt;
  const std::string again =
      replay->open ? codec::open_to_json(replay->id, *replay->open) : codec::command_to_json(replay->id, *replay->command);
  FUZZ_CHECK(again == line);
  FUZZ_CHECK(!fuzz::has_control(codec::describe_replay(*replay)));
  return replay;
}

std::string verb_of(const codec::Replay& replay) {
  return replay.open ? std::string("open") : std::string(core::verb(*replay.command));
}

// The SUMMARY of a one-command subject `docket: VERB ID: SUMMARY`, or "".
std::string summary_of(std::string_view subject, const codec::ReplayInMessage& replay) {
  const std::string head = "docket: " + replay.verb + " " + replay.id.str() + ": ";
  return subject.starts_with(head) ? std::string(subject.substr(head.size())) : std::string();
}

// The tools of an ingest subject `docket: ingest TOOLS: counts`, or the whole subject.
std::string tools_of(std::string_view subject) {
  constexpr std::string_view prefix = "docket: ingest ";
  if (subject.starts_with(prefix)) subject.remove_prefix(prefix.size());
  return std::string(subject.substr(0, subject.rfind(':')));
}

void check_written_message(const codec::MessageParts& parts, std::vector<codec::ReplayInMessage> replays) {
  const bool ingest = std::all_of(replays.begin(), replays.end(), [](const codec::ReplayInMessage& r) {
    return r.verb == "open" || r.verb == "seen-again" || r.verb == "not-seen";
  });
  if (replays.size() == 1 && parts.command != "ingest") {
    replays.front().summary = summary_of(parts.subject, replays.front());
    const auto& r = replays.front();
    const std::string message = codec::command_message(r.verb, r.id, r.summary, r.line);
    FUZZ_CHECK(codec::read_message(message).command == r.verb);
    FUZZ_CHECK(!codec::message_mismatch(message, replays));
  }
  if (ingest) {
    // Tool names reach the subject cleaned to one line (codec/sarif.hpp); any such text must do.
    const std::string tools = tools_of(parts.subject);
    if (fuzz::has_control(tools) || !fuzz::is_utf8(tools)) return;
    codec::IngestCounts counts;
    std::vector<std::pair<ExceptionId, std::string>> lines;
    for (const auto& r : replays) {
      if (r.verb == "open") ++counts.opened;
      else if (r.verb == "seen-again") ++counts.seen_again;
      else ++counts.not_seen;
      lines.emplace_back(r.id, r.line);
    }
    const std::string message = codec::ingest_message(codec::ingest_subject(tools, counts), lines);
    FUZZ_CHECK(codec::read_message(message).command == "ingest");
    FUZZ_CHECK(!codec::message_mismatch(message, replays));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view message = fuzz::as_text(data, size);
  (void)read_line(message);

  const codec::MessageParts parts = codec::read_message(message);
  std::vector<codec::ReplayInMessage> replays;
  for (const std::string& line : codec::find_replay_lines(message)) {
    const auto replay = read_line(line);
    if (!replay) return 0;  // verify refuses the commit before it compares messages
    replays.push_back({line, verb_of(*replay), replay->id, {}});
  }
  if (replays.empty()) {
    (void)codec::message_mismatch(message, replays);
    return 0;
  }
  for (auto& r : replays) r.summary = replays.size() == 1 ? summary_of(parts.subject, r) : std::string();
  (void)codec::message_mismatch(message, replays);
  check_written_message(parts, replays);
  return 0;
}
