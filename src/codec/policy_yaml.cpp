// The store policy (`docket.yaml`) ⇄ canonical YAML. Every setting is written, even when it
// equals the default, so the file documents the policy in force — except the newer optional ones
// (`max_evidence_size`, `ingest`), written only when set, so older stores read back byte for byte.
// On reading, a missing setting keeps the default from core/policy.hpp.

#include <algorithm>
#include <array>
#include <limits>
#include <set>

#include "docket/codec/yaml.hpp"
#include "docket/core/administration.hpp"
#include "docket/core/findings.hpp"
#include "docket/core/id.hpp"
#include "docket/core/time.hpp"
#include "yaml_document.hpp"
#include "yaml_reader.hpp"
#include "yaml_writer.hpp"

namespace docket::codec {
namespace {

using detail::CanonicalWriter;
using detail::Field;
using detail::FieldMap;
using detail::read_email;

// The policy format this docket writes and understands.
constexpr int kPolicyVersion = 1;


constexpr std::array kSeverities{Severity::critical, Severity::high, Severity::medium, Severity::low};

// ---- writing ----

void write_severity_durations(CanonicalWriter& w, std::string_view key, const std::map<Severity, Duration>& values) {
  w.key(key);
  w.begin_map();
  for (const auto& [severity, duration] : values) w.duration_field(to_string(severity), duration);
  w.end_map();
}

void write_severity_counts(CanonicalWriter& w, std::string_view key, const std::map<Severity, int>& values) {
  w.key(key);
  w.begin_map();
  for (const auto& [severity, count] : values) {
    w.key(to_string(severity));
    w.number(count);
  }
  w.end_map();
}

void write_members(CanonicalWriter& w, const std::vector<Member>& members) {
  if (members.empty()) return;
  w.key("members");
  w.begin_list();
  for (const auto& member : members) {
    w.begin_map();
    w.email_field("email", member.email);
    w.text_field_unless_empty("name", member.name);
    if (!member.roles.empty()) {
      w.key("roles");
      w.begin_list();
      for (const Role role : member.roles) w.plain(to_string(role));
      w.end_list();
    }
    w.end_map();
  }
  w.end_list();
}

// `key:` and a map from rule keys to values docket formats (template names, severities), or
// nothing when it is empty.
template <typename Value, typename Text>
void write_rule_map(CanonicalWriter& w, std::string_view key, const std::map<std::string, Value>& map, Text text) {
  if (map.empty()) return;
  w.key(key);
  w.begin_map();
  for (const auto& [rule, value] : map) {
    w.text_key(rule);
    w.plain(text(value));
  }
  w.end_map();
}

// `ingest:` with its non-empty maps, or nothing: a store that maps nothing keeps the docket.yaml
// it always had, byte for byte.
void write_ingest_mapping(CanonicalWriter& w, const IngestMapping& mapping) {
  if (mapping.empty()) return;
  w.key("ingest");
  w.begin_map();
  write_rule_map(w, "templates", mapping.templates, [](const std::string& name) { return std::string_view(name); });
  write_rule_map(w, "severities", mapping.severities, [](Severity severity) { return to_string(severity); });
  w.end_map();
}

// ---- reading ----

FieldMap severity_fields(const Field& field) {
  return field.fields({to_string(Severity::critical), to_string(Severity::high), to_string(Severity::medium),
                       to_string(Severity::low)});
}

// A policy duration, at most kLongestPolicyDuration: a longer one would compute times docket
// cannot write (rule time-range), so it is refused when the policy is read.

Duration policy_duration(const Field& field) {
  const Duration d = field.duration();
  if (d > kLongestPolicyDuration)
    field.fail("'" + field.text() + "' is longer than a policy duration may be (at most " +
                   format_duration(kLongestPolicyDuration) + ", 100 years)",
               "write a duration between 1s and " + format_duration(kLongestPolicyDuration));
  return d;
}

void read_severity_durations(const Field& field, std::map<Severity, Duration>& values) {
  const FieldMap fields = severity_fields(field);
  for (const Severity severity : kSeverities)
    if (const auto value = fields.optional(to_string(severity))) values[severity] = policy_duration(*value);
}

void read_severity_counts(const Field& field, std::map<Severity, int>& values) {
  const FieldMap fields = severity_fields(field);
  for (const Severity severity : kSeverities)
    if (const auto value = fields.optional(to_string(severity))) values[severity] = value->integer(0, core::kMostApprovals);
}

std::set<std::string> read_fail_on(const Field& field) {
  std::set<std::string> findings;
  for (const Field& item : field.items()) {
    const std::string& finding = item.text();
    // A misspelt finding would otherwise silently never fail the build.
    if (!core::parse_finding_kind(finding))
      item.fail("expected one of " + core::finding_kind_names() + ", got '" + finding + "'",
                "write one of: " + core::finding_kind_names());
    findings.insert(finding);
  }
  return findings;
}

std::map<std::string, std::vector<Email>> read_teams(const Field& field) {
  std::map<std::string, std::vector<Email>> teams;
  for (const auto& [name, members] : field.entries()) teams[name] = members.list(read_email);
  return teams;
}

Member read_member(const Field& field) {
  const FieldMap fields = field.fields({"email", "name", "roles"});
  Member member;
  member.email = fields.required("email").email();
  if (const auto name = fields.optional("name")) member.name = name->text();
  if (const auto roles = fields.optional("roles"))
    for (const Field& role : roles->items()) member.roles.insert(role.role());
  return member;
}

std::vector<Member> read_members(const Field& field) {
  std::vector<Member> members;
  std::set<Email> seen;
  for (const Field& item : field.items()) {
    members.push_back(read_member(item));
    // find_member returns the first match; a second entry would silently carry no weight.
    if (!seen.insert(members.back().email).second)
      item.fail("member '" + members.back().email.str() + "' is listed twice", "merge the two entries into one");
  }
  return members;
}

// A key of `ingest.templates` or `ingest.severities`: `RULE` or `TOOL:RULE`, one line of text.
// `*` is refused: --template-map's catch-all is a per-run choice, and in docket.yaml it would
// silently override every built-in default.
std::string mapping_key(const std::string& key, const Field& value) {
  if (key.empty() || key.find_first_of("\r\n") != std::string::npos)
    value.fail("a mapping key must be a rule id or TOOL:RULE on one line", "e.g. 'prowler:iam_root_mfa_enabled: excessive-privilege'");
  if (key == "*" || key.ends_with(":*"))
    value.fail("'" + key + "' is not a rule: docket.yaml maps named rules only",
               "name each rule (RULE or TOOL:RULE); for a catch-all in one run use --template-map '*=TEMPLATE'");
  return key;
}

IngestMapping read_ingest_mapping(const Field& field) {
  const FieldMap fields = field.fields({"templates", "severities"});
  IngestMapping mapping;
  if (const auto templates = fields.optional("templates"))
    for (const auto& [key, value] : templates->entries()) mapping.templates[mapping_key(key, value)] = value.name();
  if (const auto severities = fields.optional("severities"))
    for (const auto& [key, value] : severities->entries()) mapping.severities[mapping_key(key, value)] = value.severity();
  return mapping;
}

}  // namespace

std::string policy_to_yaml(const Policy& p) {
  CanonicalWriter w;
  w.begin_map();
  w.key("version");
  w.number(p.version);
  w.plain_field("id_prefix", p.id_prefix);
  write_severity_durations(w, "sla", p.sla);
  write_severity_counts(w, "approvals", p.approvals_required);
  w.duration_field("max_acceptance", p.max_acceptance);
  w.duration_field("review_after", p.review_after);
  w.duration_field("expiring_soon", p.expiring_soon);
  w.duration_field("clock_skew", p.clock_skew);
  if (p.max_evidence_bytes != Policy{}.max_evidence_bytes) w.plain_field("max_evidence_size", format_byte_size(p.max_evidence_bytes));
  w.key("fail_on");
  if (p.fail_on.empty()) {
    w.empty_list();  // absent would mean the default findings
  } else {
    w.begin_list();
    for (const auto& finding : p.fail_on) w.plain(finding);
    w.end_list();
  }
  if (!p.teams.empty()) {
    w.key("teams");
    w.begin_map();
    for (const auto& [name, members] : p.teams) {
      w.text_key(name);
      if (members.empty()) {
        w.empty_list();
      } else {
        w.begin_list();
        for (const auto& member : members) w.text(member.str());
        w.end_list();
      }
    }
    w.end_map();
  }
  w.email_list_unless_empty("escalation", p.escalation);
  write_members(w, p.members);
  write_ingest_mapping(w, p.ingest);
  w.end_map();
  return w.finish();
}

Policy policy_from_yaml(std::string_view text, std::string_view source) {
  const detail::YamlDocument document = detail::parse_yaml_document(text, source);
  const FieldMap fields =
      detail::top_level_fields(document, "a docket policy",
                               {"version", "id_prefix", "sla", "approvals", "max_acceptance", "review_after",
                                "expiring_soon", "clock_skew", "max_evidence_size", "fail_on", "teams", "escalation",
                                "members", "ingest"});
  Policy p;
  const Field version = fields.required("version");
  p.version = version.integer(1, std::numeric_limits<int>::max());
  if (p.version > kPolicyVersion)
    version.fail("version " + std::to_string(p.version) + " is newer than this docket understands (" +
                     std::to_string(kPolicyVersion) + ")",
                 "upgrade docket");
  if (const auto prefix = fields.optional("id_prefix")) {
    p.id_prefix = prefix->text();
    if (!valid_id_prefix(p.id_prefix))
      prefix->fail("'" + p.id_prefix + "' is not a valid id prefix", "use 1 to 16 characters A-Z and 0-9");
  }
  if (const auto sla = fields.optional("sla")) read_severity_durations(*sla, p.sla);
  if (const auto approvals = fields.optional("approvals")) read_severity_counts(*approvals, p.approvals_required);
  if (const auto value = fields.optional("max_acceptance")) p.max_acceptance = policy_duration(*value);
  if (const auto value = fields.optional("review_after")) p.review_after = policy_duration(*value);
  if (const auto value = fields.optional("expiring_soon")) p.expiring_soon = policy_duration(*value);
  if (const auto value = fields.optional("clock_skew")) p.clock_skew = policy_duration(*value);
  if (const auto value = fields.optional("max_evidence_size")) {
    const auto bytes = parse_byte_size(value->text());
    if (!bytes || *bytes > core::kLargestEvidenceLimit)
      value->fail("'" + value->text() + "' is not a size between 1 and " + format_byte_size(core::kLargestEvidenceLimit),
                  "write a whole number of bytes, KiB, MiB, GiB or TiB, e.g. 1GiB");
    p.max_evidence_bytes = *bytes;
  }
  // `fail_on: []` fails on nothing; an absent (or null) `fail_on` keeps the default findings.
  if (const auto value = fields.optional("fail_on")) p.fail_on = read_fail_on(*value);
  if (const auto teams = fields.optional("teams")) p.teams = read_teams(*teams);
  if (const auto escalation = fields.optional("escalation")) p.escalation = escalation->list(read_email);
  if (const auto members = fields.optional("members")) p.members = read_members(*members);
  if (const auto ingest = fields.optional("ingest")) p.ingest = read_ingest_mapping(*ingest);
  return p;
}

}  // namespace docket::codec
