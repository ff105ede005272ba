// `--json` output. The schema mirrors the YAML (same field names) but is total: every field is
// present, lists are always lists, and an absent optional is null, so scripts need no
// "does this key exist" checks. Strings that are empty in the record are "".

#include "docket/codec/json.hpp"

#include "docket/core/time.hpp"

namespace docket::codec {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<Timestamp>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

json stamp(const Stamp& s) { return {{"at", format_rfc3339(s.at)}, {"by", s.by.str()}}; }

json emails(const std::vector<Email>& list) {
  json out = json::array();
  for (const auto& e : list) out.push_back(e.str());
  return out;
}

json digests(const std::vector<Sha256Digest>& list) {
  json out = json::array();
  for (const auto& d : list) out.push_back(d.str());
  return out;
}

json texts(const std::vector<std::string>& list) {
  json out = json::array();
  for (const auto& s : list) out.push_back(s);
  return out;
}

json checklist_item(const ChecklistItem& item) {
  json done = nullptr;
  if (item.done)
    done = {{"at", format_rfc3339(item.done->stamp.at)},
            {"by", item.done->stamp.by.str()},
            {"evidence", digests(item.done->evidence)},
            {"note", item.done->note}};
  return {{"id", item.id},
          {"text", item.text},
          {"evidence", item.evidence_required ? "required" : "none"},
          {"done", std::move(done)}};
}

json evidence(const Evidence& e) {
  return {{"digest", e.digest.str()},   {"name", e.name},          {"size", e.size},
          {"media_type", e.media_type}, {"added", stamp(e.added)}, {"note", e.note}};
}

json request(const Request& r) {
  return {{"round", r.round},
          {"resolution", to_string(r.resolution)},
          {"reason", r.reason},
          {"expires", time_or_null(r.expires)},
          {"controls", texts(r.controls)},
          {"requested", stamp(r.requested)}};
}

json approval(const Approval& a) {
  return {{"round", a.round},
          {"decision", to_string(a.decision)},
          {"at", format_rfc3339(a.stamp.at)},
          {"by", a.stamp.by.str()},
          {"note", a.note}};
}

json outcome(const std::optional<Outcome>& o) {
  if (!o) return nullptr;
  return {{"resolution", to_string(o->resolution)},
          {"at", format_rfc3339(o->decided.at)},
          {"by", o->decided.by.str()},
          {"reason", o->reason},
          {"expires", time_or_null(o->expires)}};
}

json review(const Review& r) {
  return {{"due", time_or_null(r.due)}, {"done", r.done ? stamp(*r.done) : json(nullptr)}, {"note", r.note}};
}

template <typename T, typename Convert>
json array_of(const std::vector<T>& list, Convert convert) {
  json out = json::array();
  for (const auto& item : list) out.push_back(convert(item));
  return out;
}

}  // namespace

json json_document() { return json{{"schema_version", kJsonSchemaVersion}}; }

json json_document(const char* member, json value) {
  json out = json_document();
  out[member] = std::move(value);
  return out;
}

json to_json(const Record& r) {
  json recurrence = json::array();
  for (const auto& id : r.recurrence_of) recurrence.push_back(id.str());
  return {
      {"id", r.id.str()},
      {"title", r.title},
      {"template", r.template_name},
      {"state", to_string(r.state)},
      {"severity", to_string(r.severity)},
      {"identity", {{"kind", r.identity.kind}, {"name", r.identity.name}, {"system", r.identity.system}}},
      {"owners", emails(r.owners)},
      {"assignee", r.assignee ? json(r.assignee->str()) : json(nullptr)},
      {"opened", stamp(r.opened)},
      {"source",
       {{"tool", r.source.tool},
        {"rule", r.source.rule},
        {"fingerprint", r.source.fingerprint},
        {"location", r.source.location},
        {"missing_since", time_or_null(r.source.missing_since)},
        {"tool_fingerprint", r.source.tool_fingerprint.empty() ? json(nullptr) : json(r.source.tool_fingerprint)}}},
      {"due", time_or_null(r.due)},
      {"frameworks", texts(r.frameworks)},
      {"checklist", array_of(r.checklist, checklist_item)},
      {"evidence", array_of(r.evidence, evidence)},
      {"requests", array_of(r.requests, request)},
      {"approvals", array_of(r.approvals, approval)},
      {"outcome", outcome(r.outcome)},
      {"review", review(r.review)},
      {"recurrence_of", std::move(recurrence)},
      {"comments",
       array_of(r.comments,
                [](const Comment& c) {
                  return json{{"at", format_rfc3339(c.stamp.at)}, {"by", c.stamp.by.str()}, {"text", c.text}};
                })},
      {"events", array_of(r.events,
                          [](const Event& e) {
                            return json{{"at", format_rfc3339(e.stamp.at)},
                                        {"by", e.stamp.by.str()},
                                        {"action", e.action},
                                        {"detail", e.detail}};
                          })},
  };
}

json to_json(const Policy& p) {
  json sla = json::object();
  for (const auto& [severity, duration] : p.sla) sla[std::string(to_string(severity))] = format_duration(duration);
  json approvals = json::object();
  for (const auto& [severity, count] : p.approvals_required) approvals[std::string(to_string(severity))] = count;
  json teams = json::object();
  for (const auto& [name, members] : p.teams) teams[name] = emails(members);
  json members = json::array();
  for (const auto& member : p.members) {
    json roles = json::array();
    for (const Role role : member.roles) roles.push_back(to_string(role));
    members.push_back({{"email", member.email.str()}, {"name", member.name}, {"roles", std::move(roles)}});
  }
  json fail_on = json::array();
  for (const auto& finding : p.fail_on) fail_on.push_back(finding);
  json ingest_templates = json::object();
  for (const auto& [rule, name] : p.ingest.templates) ingest_templates[rule] = name;
  json ingest_severities = json::object();
  for (const auto& [rule, severity] : p.ingest.severities) ingest_severities[rule] = to_string(severity);
  return {{"version", p.version},
          {"id_prefix", p.id_prefix},
          {"sla", std::move(sla)},
          {"approvals", std::move(approvals)},
          {"max_acceptance", format_duration(p.max_acceptance)},
          {"review_after", format_duration(p.review_after)},
          {"expiring_soon", format_duration(p.expiring_soon)},
          {"clock_skew", format_duration(p.clock_skew)},
          {"max_evidence_size", p.max_evidence_bytes},
          {"fail_on", std::move(fail_on)},
          {"teams", std::move(teams)},
          {"escalation", emails(p.escalation)},
          {"members", std::move(members)},
          {"ingest", {{"templates", std::move(ingest_templates)}, {"severities", std::move(ingest_severities)}}}};
}

json to_json(const Template& t) {
  json checklist = json::array();
  for (const auto& item : t.checklist)
    checklist.push_back(
        {{"id", item.id}, {"text", item.text}, {"evidence", item.evidence_required ? "required" : "none"}});
  return {{"name", t.name},
          {"description", t.description},
          {"severity", to_string(t.severity)},
          {"identity_kind", t.identity_kind},
          {"route_to", texts(t.route_to)},
          {"frameworks", texts(t.frameworks)},
          {"checklist", std::move(checklist)}};
}

}  // namespace docket::codec
