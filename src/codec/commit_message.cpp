#include "docket/codec/commit_message.hpp"

#include <algorithm>
#include <type_traits>

#include "docket/core/time.hpp"

namespace docket::codec {
namespace {

constexpr std::size_t kMaxSummaryBytes = 72;
constexpr std::size_t kMaxIngestSubjectBytes = 100;

// The length of the longest prefix of `text` of at most `limit` bytes that ends on a UTF-8
// character boundary.
std::size_t utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text.size();
  std::size_t n = limit;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return n;
}

// At most `limit` bytes: longer text keeps a prefix and ends with "...".
std::string shortened(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  text.resize(utf8_prefix(text, limit - 3));
  return text + "...";
}

// One line for a terminal: up to the first line break, other C0 controls and DEL as spaces.
std::string one_line(std::string_view text) {
  std::string out(text.substr(0, text.find_first_of("\r\n")));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  return out;
}

std::string counts_text(const IngestCounts& counts) {
  std::string out;
  const auto part = [&](std::size_t n, const char* what) {
    if (n) out += " " + std::to_string(n) + " " + what + ",";
  };
  part(counts.opened, "opened");
  part(counts.seen_again, "seen again");
  part(counts.not_seen, "not seen");
  part(counts.reidentified, "given today's identity");
  if (!out.empty()) out.pop_back();
  return out;
}

std::string trailers(std::string_view command, const std::vector<std::pair<ExceptionId, std::string>>& replays) {
  std::string out = std::string(kCommandTrailer) + std::string(command) + "\n";
  for (const auto& [id, line] : replays) out += std::string(kRecordTrailer) + id.str() + "\n";
  for (const auto& [id, line] : replays) out += std::string(kReplayTrailer) + line + "\n";
  return out;
}

// The first line where two texts differ, quoted, for a one-line violation message.
std::string first_difference(std::string_view expected, std::string_view actual) {
  std::size_t line = 1, start = 0;
  for (;;) {
    const auto ea = expected.find('\n', start), aa = actual.find('\n', start);
    const auto le = expected.substr(start, ea == std::string_view::npos ? std::string_view::npos : ea - start);
    const auto la = actual.substr(start, aa == std::string_view::npos ? std::string_view::npos : aa - start);
    if (le != la || ea != aa) {
      const auto show = [](std::string_view l) { return "'" + shortened(one_line(l), 120) + "'"; };
      return "line " + std::to_string(line) + " is " + show(la) + ", docket writes " + show(le);
    }
    if (ea == std::string_view::npos) return "the messages differ";
    start = ea + 1;
    ++line;
  }
}

std::string quoted(std::string_view text) { return "\"" + shortened(one_line(text), 60) + "\""; }

}  // namespace

std::string command_summary(const core::Command* command, const Record* before, const Record& after) {
  if (!command) return after.title;
  if (const auto* attach = std::get_if<core::Attach>(command)) {
    std::string names;
    for (const auto& f : attach->files) names += (names.empty() ? "" : ", ") + f.name;
    return names;
  }
  if (!before || after.events.size() <= before->events.size()) return {};
  // An edit adds one event per field it changes: the summary names them all.
  if (std::holds_alternative<core::Edit>(*command)) {
    std::string all;
    for (auto e = after.events.begin() + static_cast<std::ptrdiff_t>(before->events.size()); e != after.events.end(); ++e)
      all += (all.empty() ? "" : "; ") + e->detail;
    return all;
  }
  return after.events.back().detail;
}

std::string command_message(std::string_view verb, const ExceptionId& id, std::string_view summary,
                            std::string_view replay_line) {
  std::string msg = "docket: " + std::string(verb) + " " + id.str();
  const std::string line = one_line(summary);
  if (!line.empty()) msg += ": " + shortened(line, kMaxSummaryBytes);
  return msg + "\n\n" + trailers(verb, {{id, std::string(replay_line)}});
}

std::string admin_message(const core::Administration& a) {
  const std::string verb(core::administration_name(a));
  std::string words = verb;
  std::replace(words.begin(), words.end(), '-', ' ');
  const std::string detail = std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, core::PolicySet>) return x.key + " " + x.value;
        else if constexpr (std::is_same_v<T, core::TeamAdd> || std::is_same_v<T, core::TeamRemove>) return x.team + " " + x.member.str();
        else if constexpr (std::is_same_v<T, core::TemplateAdd>) return x.added.name;
        else if constexpr (std::is_same_v<T, core::TemplateUpdate>) return x.updated.name;
        else return x.name;
      },
      a);
  return "docket: " + words + " " + shortened(one_line(detail), kMaxSummaryBytes) + "\n\n" + std::string(kCommandTrailer) + verb +
         "\n" + std::string(kReplayTrailer) + admin_to_json(a) + "\n";
}

std::string ingest_subject(std::string_view tools, const IngestCounts& counts) {
  return shortened(one_line("docket: ingest " + std::string(tools) + ":" + counts_text(counts)), kMaxIngestSubjectBytes);
}

std::string ingest_message(std::string_view subject, const std::vector<std::pair<ExceptionId, std::string>>& replays) {
  return std::string(subject) + "\n\n" + trailers("ingest", replays);
}

MessageParts read_message(std::string_view message) {
  MessageParts parts;
  parts.subject = std::string(message.substr(0, message.find('\n')));
  std::size_t start = 0;
  while (start < message.size()) {
    const auto end = message.find('\n', start);
    const auto line = message.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (line.starts_with(kCommandTrailer) && parts.command.empty()) parts.command = line.substr(kCommandTrailer.size());
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::optional<std::string> message_mismatch(std::string_view message, const std::vector<ReplayInMessage>& replays) {
  const MessageParts parts = read_message(message);
  if (replays.empty()) {
    // A commit without replay lines changes no record: its message must not claim it did.
    if (message.find("\n" + std::string(kRecordTrailer)) != std::string_view::npos)
      return "the message names a record in a Docket-Record line but has no replay line";
    // Nor may it claim to be a policy, team or template change, which docket always writes with
    // the replay line verify re-applies: `git log` would show a change the tree need not hold.
    for (const std::string_view verb : core::administration_names()) {
      std::string words(verb);
      std::replace(words.begin(), words.end(), '-', ' ');
      const bool claims_command = message.find("\n" + std::string(kCommandTrailer) + std::string(verb) + "\n") != std::string_view::npos ||
                                  message.ends_with("\n" + std::string(kCommandTrailer) + std::string(verb));
      if (claims_command || parts.subject.starts_with("docket: " + words + " "))
        return "the message says " + std::string(verb) + " but has no replay line: docket writes one for every policy, team and "
               "template change, so this commit's change was made by hand";
    }
    return std::nullopt;
  }
  std::string expected;
  if (parts.command == "ingest") {
    IngestCounts counts;
    std::vector<std::pair<ExceptionId, std::string>> lines;
    for (const auto& r : replays) {
      if (r.verb == "open") ++counts.opened;
      else if (r.verb == "seen-again") ++counts.seen_again;
      else if (r.verb == "not-seen") ++counts.not_seen;
      else if (r.verb == "reidentify") ++counts.reidentified;
      else return "the Docket-Command says ingest but a replay line is a '" + r.verb + "', which ingest never does";
      lines.emplace_back(r.id, r.line);
    }
    // The tools named are the report's, which the replay lines do not all carry; the counts are
    // the replay lines'.
    const std::string prefix = "docket: ingest ";
    const std::string tail = ":" + counts_text(counts);
    // `shortened` cuts on a character boundary, up to 3 bytes before its limit.
    const bool cut = parts.subject.size() <= kMaxIngestSubjectBytes && parts.subject.size() + 3 >= kMaxIngestSubjectBytes &&
                     parts.subject.ends_with("...");
    if (!parts.subject.starts_with(prefix) || (!cut && !parts.subject.ends_with(tail)))
      return "the subject " + quoted(parts.subject) + " does not say what the replay lines did (" +
             counts_text(counts).substr(1) + ")";
    expected = ingest_message(parts.subject, lines);
  } else {
    if (replays.size() != 1)
      return "the message has " + std::to_string(replays.size()) + " replay lines; only an ingest run changes several records";
    const auto& r = replays.front();
    if (parts.command != r.verb)
      return "the Docket-Command trailer says '" + one_line(parts.command) + "' but the replay line is a '" + r.verb + "'";
    expected = command_message(r.verb, r.id, r.summary, r.line);
    const std::string subject = expected.substr(0, expected.find('\n'));
    if (parts.subject != subject)
      return "the subject " + quoted(parts.subject) + " does not say what the replay did: docket writes " + quoted(subject);
  }
  if (message != expected) return "the message is not the one docket writes for its replay lines: " + first_difference(expected, message);
  return std::nullopt;
}

std::optional<std::string> admin_message_mismatch(std::string_view message, const core::Administration& a) {
  const std::string expected = admin_message(a);
  if (message == expected) return std::nullopt;
  return "the message is not the one docket writes for its replay line: " + first_difference(expected, message);
}

std::string describe_replay(const Replay& replay) {
  if (replay.open) return "open " + quoted(replay.open->title);
  struct Describe {
    std::string operator()(const core::Assign& x) const { return "assign to " + x.to.str(); }
    std::string operator()(const core::Escalate& x) const {
      return "escalate" + (x.to ? " to " + x.to->str() : std::string{}) + (x.reason.empty() ? "" : ": " + quoted(x.reason));
    }
    std::string operator()(const core::Move& x) const { return "move to " + std::string(to_string(x.to)); }
    std::string operator()(const core::Attach& x) const {
      std::string names;
      for (const auto& f : x.files) names += (names.empty() ? "" : ", ") + one_line(f.name);
      return "attach " + std::to_string(x.files.size()) + (x.files.size() == 1 ? " file" : " files") +
             (names.empty() ? "" : " (" + shortened(names, 60) + ")") + (x.item ? " for " + one_line(*x.item) : "");
    }
    std::string operator()(const core::CompleteItem& x) const { return "done " + one_line(x.item); }
    std::string operator()(const core::RequestResolution& x) const {
      return "request " + std::string(to_string(x.resolution)) + (x.expires ? " until " + format_rfc3339(*x.expires) : "");
    }
    std::string operator()(const core::Approve&) const { return "approve"; }
    std::string operator()(const core::Deny& x) const { return "deny: " + quoted(x.reason); }
    std::string operator()(const core::Revoke&) const { return "revoke"; }
    std::string operator()(const core::Renew& x) const { return "renew until " + format_rfc3339(x.expires); }
    std::string operator()(const core::Reopen&) const { return "reopen"; }
    std::string operator()(const core::RecordReview&) const { return "review"; }
    std::string operator()(const core::AddComment& x) const { return "comment " + quoted(x.text); }
    std::string operator()(const core::MarkNotSeen&) const { return "not-seen"; }
    std::string operator()(const core::MarkSeen&) const { return "seen-again"; }
    std::string operator()(const core::Reidentify&) const { return "reidentify"; }
    std::string operator()(const core::Edit& x) const {
      std::string parts;
      const auto part = [&](const std::string& p) { parts += (parts.empty() ? "" : ", ") + p; };
      if (x.title) part("title " + quoted(*x.title));
      if (x.severity) part("severity " + std::string(to_string(*x.severity)));
      if (x.identity) part("identity " + quoted(x.identity->kind + ":" + x.identity->name));
      if (x.system) part("system " + quoted(*x.system));
      for (const auto& e : x.add_owners) part("owner +" + e.str());
      for (const auto& e : x.remove_owners) part("owner -" + e.str());
      return "edit " + parts;
    }
  };
  return std::visit(Describe{}, *replay.command);
}

}  // namespace docket::codec
