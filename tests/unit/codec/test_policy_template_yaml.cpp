// Policy (`docket.yaml`) and template YAML: round trips, defaults, and refusals.

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "codec_samples.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"

using namespace docket;

namespace {

std::string policy_error(const std::string& text) {
  try {
    codec::policy_from_yaml(text, "docket.yaml");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    return e.what();
  }
  FAIL("accepted: " << text);
  return {};
}

std::string template_error(const std::string& text) {
  try {
    codec::template_from_yaml(text, "templates/t.yaml");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    return e.what();
  }
  FAIL("accepted: " << text);
  return {};
}

}  // namespace

TEST_CASE("policy round-trips") {
  const Policy p = test::full_policy();
  CHECK(codec::policy_from_yaml(codec::policy_to_yaml(p), "docket.yaml") == p);
  CHECK(codec::policy_from_yaml(codec::policy_to_yaml(Policy{}), "docket.yaml") == Policy{});
}

TEST_CASE("policy with no findings to fail on round-trips") {
  Policy p;
  p.fail_on.clear();
  const std::string yaml = codec::policy_to_yaml(p);
  CHECK(yaml.find("fail_on: []\n") != std::string::npos);
  CHECK(codec::policy_from_yaml(yaml, "docket.yaml") == p);
}

TEST_CASE("policy team names and member names with special characters round-trip") {
  for (const std::string& tricky : test::tricky_strings()) {
    if (tricky.empty()) continue;
    CAPTURE(tricky);
    Policy p = test::full_policy();
    p.teams[tricky] = {test::email("x@acme.example")};
    p.members[0].name = tricky;
    CHECK(codec::policy_from_yaml(codec::policy_to_yaml(p), "docket.yaml") == p);
  }
}

TEST_CASE("a team name of any length writes back as YAML that reads back") {
  // Found by fuzz/fuzz_policy_yaml (tests/unit/data/policy-long-team-name.yaml): a team name
  // over 1024 characters was written as `"name": […]`, which YAML (and so docket) cannot read: a
  // key on its value's line is at most 1024 characters.
  std::ifstream in(std::string(DOCKET_SOURCE_DIR) + "/tests/unit/data/policy-long-team-name.yaml", std::ios::binary);
  const std::string found((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE_FALSE(found.empty());
  const Policy read = codec::policy_from_yaml(found, "docket.yaml");
  CHECK(codec::policy_from_yaml(codec::policy_to_yaml(read), "docket.yaml") == read);
  // Around the bound, with text that escaping makes four times longer.
  for (const std::size_t size : {255, 256, 1024, 1025, 5000}) {
    for (const char fill : {'t', '\x01', '\x7f'}) {
      CAPTURE(size);
      CAPTURE(static_cast<int>(fill));
      Policy p = test::full_policy();
      p.teams[std::string(size, fill)] = {test::email("x@acme.example")};
      const std::string yaml = codec::policy_to_yaml(p);
      CHECK(codec::policy_from_yaml(yaml, "docket.yaml") == p);
      CHECK((yaml.find("\n  ? ") != std::string::npos) == (size > 255));
    }
  }
}

TEST_CASE("default policy is written in full (golden text)") {
  CHECK(codec::policy_to_yaml(Policy{}) ==
        "version: 1\n"
        "id_prefix: EX\n"
        "sla:\n"
        "  critical: 1d\n"
        "  high: 3d\n"
        "  medium: 14d\n"
        "  low: 30d\n"
        "approvals:\n"
        "  critical: 2\n"
        "  high: 1\n"
        "  medium: 1\n"
        "  low: 1\n"
        "max_acceptance: 90d\n"
        "review_after: 30d\n"
        "expiring_soon: 14d\n"
        "clock_skew: 5m\n"
        "fail_on:\n"
        "  - expired\n"
        "  - sla-breach\n");
}

TEST_CASE("policy keys that are absent keep their defaults") {
  const Policy p = codec::policy_from_yaml(
      "version: 1\nsla: {critical: 12h}\nmembers:\n  - email: a@acme.example\n    roles: [admin]\n", "docket.yaml");
  Policy expected;
  expected.sla[Severity::critical] = Duration{12 * 3600};
  expected.members = {Member{test::email("a@acme.example"), "", {Role::admin}}};
  CHECK(p == expected);
}

TEST_CASE("policy refuses bad values with file, line and field") {
  CHECK(policy_error("id_prefix: EX\n") == "docket.yaml:1: field 'version': missing");
  CHECK(policy_error("version: 2\n") ==
        "docket.yaml:1: field 'version': version 2 is newer than this docket understands (1)");
  CHECK(policy_error("version: 1\nid_prefix: ex-\n") ==
        "docket.yaml:2: field 'id_prefix': 'ex-' is not a valid id prefix");
  CHECK(policy_error("version: 1\nsla:\n  high: soon\n") ==
        "docket.yaml:3: field 'sla.high': 'soon' is not a duration");
  CHECK(policy_error("version: 1\nsla:\n  urgent: 1h\n") == "docket.yaml:3: field 'sla.urgent': unknown field");
  CHECK(policy_error("version: 1\napprovals: {high: -1}\n") ==
        "docket.yaml:2: field 'approvals.high': '-1' is not a whole number from 0 to 100");
  CHECK(policy_error("version: 1\nfail_on: [expired, sla_breach]\n") ==
        "docket.yaml:2: field 'fail_on[1]': expected one of expired, sla-breach, review-overdue, expiring-soon, got "
        "'sla_breach'");
  CHECK(policy_error("version: 1\nteams:\n  security: [a@acme.example, nope]\n") ==
        "docket.yaml:3: field 'teams.security[1]': 'nope' is not an e-mail address");
  CHECK(policy_error("version: 1\nmembers:\n  - email: a@acme.example\n    roles: [king]\n") ==
        "docket.yaml:4: field 'members[0].roles[0]': expected one of admin, approver, responder, reporter, got 'king'");
  CHECK(policy_error("version: 1\nmembers:\n  - email: a@acme.example\n  - email: a@acme.example\n") ==
        "docket.yaml:4: field 'members[1]': member 'a@acme.example' is listed twice");
  CHECK(policy_error("version: 1\nteams:\n  security: []\n  security: []\n") ==
        "docket.yaml:4: field 'teams.security': duplicate key (first at line 3)");
  CHECK(policy_error("version: 1\nmax_acceptance: 0d\n") ==
        "docket.yaml:2: field 'max_acceptance': '0d' is not a duration");
}

TEST_CASE("template round-trips") {
  const Template t = test::full_template();
  CHECK(codec::template_from_yaml(codec::template_to_yaml(t), "templates/t.yaml") == t);
  Template minimal;
  minimal.name = "generic";
  CHECK(codec::template_from_yaml(codec::template_to_yaml(minimal), "templates/t.yaml") == minimal);
}

TEST_CASE("template canonical output (golden text)") {
  CHECK(codec::template_to_yaml(test::full_template()) ==
        "name: excessive-privilege\n"
        "description: \"An identity holds more privilege than it needs.\\nReduce it, or accept with controls.\"\n"
        "severity: high\n"
        "identity_kind: service-account\n"
        "route_to:\n"
        "  - security\n"
        "  - platform\n"
        "frameworks:\n"
        "  - OWASP-NHI:NHI5\n"
        "checklist:\n"
        "  - id: reduce-privilege\n"
        "    text: Privileged access reduced\n"
        "    evidence: required\n"
        "  - id: notify-owner\n"
        "    text: Owner notified\n"
        "    evidence: none\n");
}

TEST_CASE("hand-written template in flow style is accepted") {
  const Template t = codec::template_from_yaml(
      "name: leaked-secret\n"
      "description: |\n"
      "  A secret was found in a repository.\n"
      "severity: critical\n"
      "checklist:\n"
      "  - {id: rotate, text: Secret rotated, evidence: required}\n"
      "  - {id: purge, text: History purged}\n",
      "templates/leaked-secret.yaml");
  CHECK(t.name == "leaked-secret");
  CHECK(t.description == "A secret was found in a repository.\n");
  CHECK(t.severity == Severity::critical);
  REQUIRE(t.checklist.size() == 2);
  CHECK(t.checklist[0].evidence_required);
  CHECK_FALSE(t.checklist[1].evidence_required);
}

TEST_CASE("template refuses bad values with file, line and field") {
  CHECK(template_error("severity: high\n") == "templates/t.yaml:1: field 'name': missing");
  CHECK(template_error("name: x\n") == "templates/t.yaml:1: field 'severity': missing");
  CHECK(template_error("name: x y\nseverity: high\n") == "templates/t.yaml:1: field 'name': 'x y' is not a valid name");
  CHECK(template_error("name: x\nseverity: urgent\n") ==
        "templates/t.yaml:2: field 'severity': expected one of critical, high, medium, low, got 'urgent'");
  CHECK(template_error("name: x\nseverity: high\nchecklist:\n  - {id: a, text: t, evidnce: none}\n") ==
        "templates/t.yaml:4: field 'checklist[0].evidnce': unknown field");
  CHECK(template_error("name: x\nseverity: high\nchecklist:\n  - {id: a, text: t}\n  - {id: a, text: u}\n") ==
        "templates/t.yaml:5: field 'checklist[1]': id 'a' is used twice in the list");
  CHECK(template_error("name: x\nseverity: high\nroute_to: security\n") ==
        "templates/t.yaml:3: field 'route_to': expected a list, got text");
}

TEST_CASE("policy durations are bounded so no computed time leaves 1970..9999") {
  const std::string base = "version: 1\n";
  const std::string e = policy_error(base + "sla:\n  low: 40000w\n");
  CHECK(e.find("docket.yaml") != std::string::npos);
  CHECK(e.find("at most 36525d") != std::string::npos);
  CHECK(policy_error(base + "max_acceptance: 36526d\n").find("max_acceptance") != std::string::npos);
  CHECK(policy_error(base + "clock_skew: 200000w\n").find("clock_skew") != std::string::npos);
  const Policy p = codec::policy_from_yaml(base + "clock_skew: 2m\nreview_after: 36525d\n", "docket.yaml");
  CHECK(p.clock_skew == Duration{120});
  CHECK(p.review_after == Duration{std::int64_t{36525} * 86400});
}

TEST_CASE("the ingest mapping round-trips, and is written only when set") {
  Policy p = test::full_policy();
  p.ingest.templates = {{"prowler:iam_root_mfa_enabled", "excessive-privilege"}, {"DS002", "generic"}};
  p.ingest.severities = {{"github-secret-scanning:aws_access_key_id", Severity::critical}, {"ExternalAccess", Severity::high}};
  const std::string yaml = codec::policy_to_yaml(p);
  CHECK(yaml.find("ingest:\n  templates:\n    DS002: generic\n    prowler:iam_root_mfa_enabled: excessive-privilege\n"
                  "  severities:\n    ExternalAccess: high\n    github-secret-scanning:aws_access_key_id: critical\n") !=
        std::string::npos);
  CHECK(codec::policy_from_yaml(yaml, "docket.yaml") == p);
  // Only severities: no empty templates map is written.
  Policy q;
  q.ingest.severities = {{"r", Severity::low}};
  CHECK(codec::policy_to_yaml(q).ends_with("ingest:\n  severities:\n    r: low\n"));
  CHECK(codec::policy_from_yaml(codec::policy_to_yaml(q), "docket.yaml") == q);
  // A store that maps nothing keeps the docket.yaml it always had (the golden text above).
  CHECK(codec::policy_to_yaml(test::full_policy()).find("ingest") == std::string::npos);
  // Keys a user wrote in any YAML spelling read back as text.
  const Policy flow = codec::policy_from_yaml("version: 1\ningest: {templates: {'trivy:AVD-DS-0002': generic, 'yes': generic}}\n",
                                              "docket.yaml");
  CHECK(flow.ingest.templates.at("trivy:AVD-DS-0002") == "generic");
  CHECK(flow.ingest.templates.at("yes") == "generic");
  CHECK(codec::policy_from_yaml(codec::policy_to_yaml(flow), "docket.yaml") == flow);
}

TEST_CASE("the ingest mapping refuses unknown severities, bad template names and catch-all keys") {
  CHECK(policy_error("version: 1\ningest:\n  severities:\n    DS002: urgent\n") ==
        "docket.yaml:4: field 'ingest.severities.DS002': expected one of critical, high, medium, low, got 'urgent'");
  CHECK(policy_error("version: 1\ningest:\n  templates:\n    DS002: ../generic\n") ==
        "docket.yaml:4: field 'ingest.templates.DS002': '../generic' is not a valid name");
  CHECK(policy_error("version: 1\ningest:\n  templates:\n    '*': generic\n").find(
            "field 'ingest.templates.*': '*' is not a rule") != std::string::npos);
  CHECK(policy_error("version: 1\ningest:\n  templates:\n    'trivy:*': generic\n").find("is not a rule") !=
        std::string::npos);
  CHECK(policy_error("version: 1\ningest:\n  template:\n    DS002: generic\n") ==
        "docket.yaml:3: field 'ingest.template': unknown field");
  CHECK(policy_error("version: 1\ningest:\n  templates: [generic]\n").find("ingest.templates") != std::string::npos);
}
