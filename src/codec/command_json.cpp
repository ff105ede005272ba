#include "docket/codec/command_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <set>

#include "docket/core/overloaded.hpp"
#include "docket/core/error.hpp"
#include "docket/core/time.hpp"

namespace docket::codec {
namespace {

using nlohmann::json;

using core::overloaded;

[[noreturn]] void bad(const std::string& what) {
  throw Error(ExitCode::usage, "replay line: " + what, "the commit message was not written by docket");
}

std::string text(const json& j, const char* key) {
  if (!j.contains(key)) return {};
  if (!j[key].is_string()) bad(std::string("field '") + key + "' is not a string");
  return j[key].get<std::string>();
}

Email email(const json& j, const char* key) {
  const auto e = Email::parse(text(j, key));
  if (!e) bad(std::string("field '") + key + "' is not an e-mail address");
  return *e;
}

std::optional<Timestamp> time_of(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  const auto t = parse_rfc3339(text(j, key));
  if (!t) bad(std::string("field '") + key + "' is not an RFC 3339 time");
  return t;
}

std::vector<std::string> texts(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) bad(std::string("field '") + key + "' is not a list");
  for (const auto& v : j[key]) {
    if (!v.is_string()) bad(std::string("field '") + key + "' holds a non-string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// Every key of the object `j` must be one of `known`: a field docket does not write is refused,
// not ignored, so a replay line cannot carry text verify would not look at.
void known_keys(const json& j, std::string_view what, std::initializer_list<std::string_view> known) {
  if (!j.is_object()) bad(std::string(what) + " is not a JSON object");
  for (const auto& [key, value] : j.items())
    if (std::find(known.begin(), known.end(), key) == known.end()) bad("unknown field '" + key + "' in " + std::string(what));
}

// The mapping of `key` in `j`, which must be an object when present.
const json& object_field(const json& j, const char* key) {
  static const json empty = json::object();
  if (!j.contains(key)) return empty;
  if (!j[key].is_object()) bad(std::string("field '") + key + "' is not an object");
  return j[key];
}

// Parses `line`, refusing a key that appears twice in one object (nlohmann would keep the last).
json parse_unique_keys(std::string_view line) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  const json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: open_objects.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open_objects.empty() && !open_objects.back().insert(parsed.get<std::string>()).second && duplicate.empty())
          duplicate = parsed.get<std::string>();
        break;
      default: break;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(line, check);
  } catch (const json::exception& e) {
    bad(std::string("not JSON: ") + e.what());
  }
  if (!duplicate.empty()) bad("field '" + duplicate + "' appears twice in one object");
  return j;
}

json opt_time(const std::optional<Timestamp>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

// An open command's source. `tool_fingerprint` is written only when set, so replay lines of
// commits made before docket kept it read back byte for byte.
json source_json(const Source& s) {
  json out{{"tool", s.tool}, {"rule", s.rule}, {"fingerprint", s.fingerprint}, {"location", s.location}};
  if (!s.tool_fingerprint.empty()) out["tool_fingerprint"] = s.tool_fingerprint;
  return out;
}

json evidence_json(const Evidence& e) {
  return json{{"digest", e.digest.str()}, {"name", e.name}, {"size", e.size}, {"media_type", e.media_type}, {"note", e.note}};
}

Evidence evidence_from(const json& j) {
  if (!j.is_object()) bad("an evidence entry is not an object");
  known_keys(j, "an evidence entry", {"digest", "name", "size", "media_type", "note"});
  Evidence e;
  const auto d = Sha256Digest::parse(text(j, "digest"));
  if (!d) bad("an evidence digest is malformed");
  e.digest = *d;
  e.name = text(j, "name");
  if (!j.contains("size") || !j["size"].is_number_unsigned()) bad("an evidence size is missing");
  e.size = j["size"].get<std::uint64_t>();
  e.media_type = text(j, "media_type");
  e.note = text(j, "note");
  return e;
}

template <typename E, typename Parse>
E enum_of(const json& j, const char* key, Parse parse) {
  const auto v = parse(text(j, key));
  if (!v) bad(std::string("field '") + key + "' has an unknown value");
  return *v;
}

}  // namespace

namespace {

// A replay line is JSON, which holds UTF-8 only: text that is not (a title or note typed in
// another encoding) is bad input, refused before anything is written.
std::string dump_replay(const json& line) {
  try {
    return line.dump();
  } catch (const json::type_error&) {
    const std::string verb = line.value("verb", std::string("command"));
    throw Error(ExitCode::usage, "the text given to '" + verb + "' is not valid UTF-8 (a title, note, reason or other field)",
                "pass text encoded as UTF-8");
  }
}

}  // namespace

std::string command_to_json(const ExceptionId& id, const core::Command& c) {
  json j = std::visit(
      overloaded{
          [](const core::Assign& x) { return json{{"to", x.to.str()}}; },
          [](const core::Escalate& x) { return json{{"to", x.to ? json(x.to->str()) : json(nullptr)}, {"reason", x.reason}}; },
          [](const core::Move& x) { return json{{"to", std::string(to_string(x.to))}, {"note", x.note}}; },
          [](const core::Attach& x) {
            json files = json::array();
            for (const auto& f : x.files) files.push_back(evidence_json(f));
            return json{{"files", files}, {"item", x.item ? json(*x.item) : json(nullptr)}, {"note", x.note}};
          },
          [](const core::CompleteItem& x) { return json{{"item", x.item}, {"note", x.note}}; },
          [](const core::RequestResolution& x) {
            return json{{"resolution", std::string(to_string(x.resolution))},
                        {"reason", x.reason},
                        {"expires", opt_time(x.expires)},
                        {"controls", x.controls}};
          },
          [](const core::Approve& x) { return json{{"note", x.note}}; },
          [](const core::Deny& x) { return json{{"reason", x.reason}}; },
          [](const core::Revoke& x) { return json{{"note", x.note}}; },
          [](const core::Renew& x) {
            return json{{"expires", format_rfc3339(x.expires)}, {"reason", x.reason}, {"controls", x.controls}};
          },
          [](const core::Reopen& x) { return json{{"reason", x.reason}}; },
          [](const core::RecordReview& x) { return json{{"note", x.note}}; },
          [](const core::AddComment& x) { return json{{"text", x.text}}; },
          [](const core::MarkNotSeen& x) { return json{{"note", x.note}}; },
          [](const core::MarkSeen& x) { return json{{"note", x.note}}; },
          [](const core::Reidentify& x) {
            return json{{"fingerprint", x.fingerprint}, {"location", x.location}, {"note", x.note}};
          },
          [](const core::Edit& x) {
            const auto emails = [](const std::vector<Email>& list) {
              json out = json::array();
              for (const auto& e : list) out.push_back(e.str());
              return out;
            };
            const auto opt_text = [](const std::optional<std::string>& t) { return t ? json(*t) : json(nullptr); };
            return json{{"title", opt_text(x.title)},
                        {"severity", x.severity ? json(std::string(to_string(*x.severity))) : json(nullptr)},
                        {"identity", x.identity ? json{{"kind", x.identity->kind}, {"name", x.identity->name}} : json(nullptr)},
                        {"system", opt_text(x.system)},
                        {"add_owners", emails(x.add_owners)},
                        {"remove_owners", emails(x.remove_owners)}};
          }},
      c);
  j["verb"] = std::string(core::verb(c));
  j["id"] = id.str();
  return dump_replay(j);
}

std::string open_to_json(const ExceptionId& id, const ReplayOpen& o) {
  json owners = json::array();
  for (const auto& e : o.owners) owners.push_back(e.str());
  json recurrences = json::array();
  for (const auto& earlier : o.recurrence_of) recurrences.push_back(earlier.str());
  return dump_replay(json{{"verb", "open"},
              {"id", id.str()},
              {"title", o.title},
              {"template", o.template_name},
              {"severity", o.severity ? json(std::string(to_string(*o.severity))) : json(nullptr)},
              {"identity", {{"kind", o.identity.kind}, {"name", o.identity.name}, {"system", o.identity.system}}},
              {"owners", owners},
              {"source", source_json(o.source)},
              {"recurrence_of", recurrences}});
}

namespace {

// The fields each verb's line holds besides `verb` and `id` (what command_to_json and
// open_to_json write).
std::vector<std::string_view> fields_of(const std::string& verb) {
  if (verb == "open") return {"title", "template", "severity", "identity", "owners", "source", "recurrence_of"};
  if (verb == "assign") return {"to"};
  if (verb == "escalate") return {"to", "reason"};
  if (verb == "move") return {"to", "note"};
  if (verb == "attach") return {"files", "item", "note"};
  if (verb == "done") return {"item", "note"};
  if (verb == "request") return {"resolution", "reason", "expires", "controls"};
  if (verb == "renew") return {"expires", "reason", "controls"};
  if (verb == "deny" || verb == "reopen") return {"reason"};
  if (verb == "comment") return {"text"};
  if (verb == "reidentify") return {"fingerprint", "location", "note"};
  if (verb == "edit") return {"title", "severity", "identity", "system", "add_owners", "remove_owners"};
  return {"note"};  // approve, revoke, review, not-seen, seen-again (an unknown verb is refused later)
}

void check_fields(const json& j, const std::string& verb) {
  const auto fields = fields_of(verb);
  if (!j.is_object()) bad("not a JSON object");
  for (const auto& [key, value] : j.items())
    if (key != "verb" && key != "id" && std::find(fields.begin(), fields.end(), key) == fields.end())
      bad("unknown field '" + key + "' in a '" + verb + "' line");
}

}  // namespace

Replay replay_from_json(std::string_view line) {
  const json j = parse_unique_keys(line);
  if (!j.is_object()) bad("not a JSON object");
  const std::string verb = text(j, "verb");
  check_fields(j, verb);
  Replay r;
  const auto record_id = ExceptionId::parse(text(j, "id"));
  if (!record_id) bad("field 'id' is not an exception id");
  r.id = *record_id;
  try {
    if (verb == "open") {
      ReplayOpen o;
      o.title = text(j, "title");
      o.template_name = text(j, "template");
      if (j.contains("severity") && !j["severity"].is_null()) o.severity = enum_of<Severity>(j, "severity", parse_severity);
      const json& id = object_field(j, "identity");
      known_keys(id, "field 'identity'", {"kind", "name", "system"});
      o.identity = Identity{text(id, "kind"), text(id, "name"), text(id, "system")};
      for (const auto& e : texts(j, "owners")) {
        const auto parsed = Email::parse(e);
        if (!parsed) bad("an owner is not an e-mail address");
        o.owners.push_back(*parsed);
      }
      const json& src = object_field(j, "source");
      known_keys(src, "field 'source'", {"tool", "rule", "fingerprint", "location", "tool_fingerprint"});
      o.source = Source{text(src, "tool"), text(src, "rule"), text(src, "fingerprint"), text(src, "location")};
      if (src.contains("tool_fingerprint")) o.source.tool_fingerprint = text(src, "tool_fingerprint");
      for (const auto& s : texts(j, "recurrence_of")) {
        const auto parsed = ExceptionId::parse(s);
        if (!parsed) bad("a recurrence id is malformed");
        o.recurrence_of.push_back(*parsed);
      }
      r.open = std::move(o);
    } else if (verb == "assign") {
      r.command = core::Assign{email(j, "to")};
    } else if (verb == "escalate") {
      core::Escalate x{std::nullopt, text(j, "reason")};
      if (j.contains("to") && !j["to"].is_null()) x.to = email(j, "to");
      r.command = x;
    } else if (verb == "move") {
      r.command = core::Move{enum_of<State>(j, "to", parse_state), text(j, "note")};
    } else if (verb == "attach") {
      core::Attach x;
      if (!j.contains("files") || !j["files"].is_array()) bad("field 'files' is not a list");
      for (const auto& f : j["files"]) x.files.push_back(evidence_from(f));
      if (j.contains("item") && !j["item"].is_null()) x.item = text(j, "item");
      x.note = text(j, "note");
      r.command = x;
    } else if (verb == "done") {
      r.command = core::CompleteItem{text(j, "item"), text(j, "note")};
    } else if (verb == "request") {
      r.command = core::RequestResolution{enum_of<Resolution>(j, "resolution", parse_resolution), text(j, "reason"),
                                          time_of(j, "expires"), texts(j, "controls")};
    } else if (verb == "approve") {
      r.command = core::Approve{text(j, "note")};
    } else if (verb == "deny") {
      r.command = core::Deny{text(j, "reason")};
    } else if (verb == "revoke") {
      r.command = core::Revoke{text(j, "note")};
    } else if (verb == "renew") {
      const auto expires = time_of(j, "expires");
      if (!expires) bad("field 'expires' is missing");
      r.command = core::Renew{*expires, text(j, "reason"), texts(j, "controls")};
    } else if (verb == "reopen") {
      r.command = core::Reopen{text(j, "reason")};
    } else if (verb == "review") {
      r.command = core::RecordReview{text(j, "note")};
    } else if (verb == "comment") {
      r.command = core::AddComment{text(j, "text")};
    } else if (verb == "not-seen") {
      r.command = core::MarkNotSeen{text(j, "note")};
    } else if (verb == "seen-again") {
      r.command = core::MarkSeen{text(j, "note")};
    } else if (verb == "reidentify") {
      r.command = core::Reidentify{text(j, "fingerprint"), text(j, "location"), text(j, "note")};
    } else if (verb == "edit") {
      core::Edit x;
      const auto given = [&](const char* key) { return j.contains(key) && !j[key].is_null(); };
      if (given("title")) x.title = text(j, "title");
      if (given("severity")) x.severity = enum_of<Severity>(j, "severity", parse_severity);
      if (given("identity")) {
        const json& id = object_field(j, "identity");
        known_keys(id, "field 'identity'", {"kind", "name"});
        x.identity = core::Edit::Name{text(id, "kind"), text(id, "name")};
      }
      if (given("system")) x.system = text(j, "system");
      const auto emails = [&](const char* key) {
        std::vector<Email> out;
        for (const auto& e : texts(j, key)) {
          const auto parsed = Email::parse(e);
          if (!parsed) bad(std::string("field '") + key + "' holds something that is not an e-mail address");
          out.push_back(*parsed);
        }
        return out;
      };
      x.add_owners = emails("add_owners");
      x.remove_owners = emails("remove_owners");
      r.command = std::move(x);
    } else {
      bad("unknown verb '" + verb + "'");
    }
  } catch (const json::exception& e) {
    bad(e.what());
  }
  // The line must be the exact text docket writes for what it says: every field present, in
  // docket's order and spelling, so two lines that mean the same are the same bytes.
  const std::string canonical = r.open ? open_to_json(r.id, *r.open) : command_to_json(r.id, *r.command);
  if (canonical != line)
    bad("the line is not in docket's canonical form (a field missing, reordered, re-spaced or spelled another way)");
  return r;
}

std::string admin_to_json(const core::Administration& a) {
  json j{{"verb", std::string(core::administration_name(a))}};
  std::visit(overloaded{[&](const core::PolicySet& x) {
                          j["key"] = x.key;
                          j["value"] = x.value;
                        },
                        [&](const core::TeamAdd& x) {
                          j["team"] = x.team;
                          j["member"] = x.member.str();
                        },
                        [&](const core::TeamRemove& x) {
                          j["team"] = x.team;
                          j["member"] = x.member.str();
                        },
                        [&](const core::TemplateAdd& x) { j["template"] = x.added.name; },
                        [&](const core::TemplateUpdate& x) { j["template"] = x.updated.name; },
                        [&](const core::TemplateRemove& x) { j["template"] = x.name; }},
             a);
  return dump_replay(j);
}

std::optional<core::Administration> admin_from_json(std::string_view line) {
  const json j = parse_unique_keys(line);
  if (!j.is_object()) bad("not a JSON object");
  const std::string verb = text(j, "verb");
  core::Administration a;
  if (verb == "policy-set") {
    known_keys(j, "a policy-set line", {"verb", "key", "value"});
    a = core::PolicySet{text(j, "key"), text(j, "value")};
  } else if (verb == "team-add" || verb == "team-remove") {
    known_keys(j, "a team line", {"verb", "team", "member"});
    if (verb == "team-add")
      a = core::TeamAdd{text(j, "team"), email(j, "member")};
    else
      a = core::TeamRemove{text(j, "team"), email(j, "member")};
  } else if (verb == "template-add" || verb == "template-update" || verb == "template-remove") {
    known_keys(j, "a template line", {"verb", "template"});
    Template t;
    t.name = text(j, "template");
    if (verb == "template-add")
      a = core::TemplateAdd{t};
    else if (verb == "template-update")
      a = core::TemplateUpdate{t};
    else
      a = core::TemplateRemove{t.name};
  } else {
    return std::nullopt;
  }
  if (admin_to_json(a) != line)
    bad("the line is not in docket's canonical form (a field missing, reordered, re-spaced or spelled another way)");
  return a;
}

std::vector<std::string> find_replay_lines(std::string_view message) {
  std::vector<std::string> found;
  std::size_t start = 0;
  while (start < message.size()) {
    const auto end = message.find('\n', start);
    const std::string_view line = message.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (line.starts_with(kReplayTrailer)) found.emplace_back(line.substr(kReplayTrailer.size()));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return found;
}

}  // namespace docket::codec
