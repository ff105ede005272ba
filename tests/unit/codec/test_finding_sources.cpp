// Sources of NHI findings beyond code scanners (codec/finding_sources.hpp): AWS IAM Access
// Analyzer, Prowler OCSF, GitHub secret scanning alerts and trivy's JSON. Each fixture in
// ../shared/fixtures, hostile and invalid input, and the rule that no secret reaches a finding.

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <set>
#include <string>

#include "docket/codec/finding_sources.hpp"
#include "scan_fixtures.hpp"

using namespace docket;
using namespace docket::test;

namespace {

using Reader = std::function<core::ScanReport(std::string_view, std::string_view, const codec::ScanOptions&)>;

const std::string kAccessAnalyzer = "aws-access-analyzer/list-findings-v2.output.json";
const std::string kProwler = "prowler/many_vuln_after_4_5_0.ocsf.json";
const std::string kGithub = "github-secret-scanning/github_secrets_detection_report_many_vul.json";
const std::string kTrivy = "trivy/misconfigurations_and_secrets.json";

core::ScanReport read(const Reader& reader, const std::string& fixture, const codec::ScanOptions& options = {}) {
  auto report = reader(read_fixture(fixture), fixture, options);
  check_no_secret_leaks(report, fixture);
  return report;
}

const Reader kReadAccessAnalyzer = [](std::string_view t, std::string_view s, const codec::ScanOptions& o) {
  return codec::read_access_analyzer_json(t, s, o);
};
const Reader kReadProwler = [](std::string_view t, std::string_view s, const codec::ScanOptions& o) {
  return codec::read_prowler_ocsf(t, s, o);
};
const Reader kReadGithub = [](std::string_view t, std::string_view s, const codec::ScanOptions& o) {
  return codec::read_github_secret_scanning_json(t, s, o);
};
const Reader kReadTrivy = [](std::string_view t, std::string_view s, const codec::ScanOptions& o) {
  return codec::read_trivy_json(t, s, o);
};

std::string error_of(const Reader& reader, const std::string& text) {
  return usage_error([&] { (void)reader(text, "r.json", {}); });
}

json access_analyzer_finding(const std::string& id, const std::string& status, const std::string& type = "UnusedIAMRole") {
  return {{"id", id},
          {"status", status},
          {"findingType", type},
          {"resource", "arn:aws:iam::111122223333:role/" + id},
          {"resourceType", "AWS::IAM::Role"},
          {"resourceOwnerAccount", "111122223333"}};
}

json prowler_finding(const std::string& check, const std::string& status_code = "FAIL", const std::string& status = "New") {
  return {{"status_code", status_code},
          {"status", status},
          {"severity", "High"},
          {"metadata", {{"event_code", check}}},
          {"finding_info", {{"uid", "prowler-aws-" + check + "-123456789012-us-east-1-r"}, {"title", check}}},
          {"resources", json::array({{{"uid", "arn:aws:iam::123456789012:role/r"}, {"type", "AwsIamRole"}}})}};
}

json github_alert(int number, const std::string& state, const json& resolution = nullptr) {
  return {{"number", number},
          {"state", state},
          {"resolution", resolution},
          {"secret_type", "github_personal_access_token"},
          {"secret", "ghp_thisIsTheSecretValueInClear0000000000"},
          {"html_url", "https://github.com/acme/payments/security/secret-scanning/" + std::to_string(number)},
          {"first_location_detected", {{"path", "deploy/ci.yml"}, {"start_line", 3}}}};
}

json trivy_report(const json& results) { return {{"SchemaVersion", 2}, {"ArtifactName", "."}, {"Results", results}}; }

}  // namespace

TEST_CASE("Access Analyzer: the fixture's two external access findings on IAM roles") {
  const auto report = read(kReadAccessAnalyzer, kAccessAnalyzer);
  REQUIRE(report.findings.size() == 2);
  for (const auto& f : report.findings) {
    CHECK(f.tool == "access-analyzer");
    CHECK(f.rule == "ExternalAccess");
    CHECK(!f.severity);  // the template or docket.yaml decides
    CHECK(!f.secret);
    CHECK(f.format == core::ReportFormat::access_analyzer);
    CHECK(f.resource_type == "AWS::IAM::Role");
  }
  CHECK(report.findings[0].location == "arn:aws:iam::111122223333:role/Cognito_testpoolUnauth_Role");
  CHECK(report.findings[0].fingerprint != report.findings[1].fingerprint);
  CHECK(report.complete_tools == std::set<std::string>{"access-analyzer"});
  // Identity is stable across runs and scoped by --tool.
  CHECK(read(kReadAccessAnalyzer, kAccessAnalyzer).findings == report.findings);
  const auto scoped = read(kReadAccessAnalyzer, kAccessAnalyzer, {"aa/prod"});
  CHECK(scoped.findings[0].tool == "aa/prod");
  CHECK(scoped.findings[0].fingerprint != report.findings[0].fingerprint);
}

TEST_CASE("Access Analyzer: ACTIVE is a finding, ARCHIVED suppressed, RESOLVED gone; more pages make it incomplete") {
  json list{{"findings", json::array({access_analyzer_finding("a", "ACTIVE"), access_analyzer_finding("b", "ARCHIVED"),
                                      access_analyzer_finding("c", "RESOLVED"),
                                      access_analyzer_finding("d", "ACTIVE", "UnusedIAMUserAccessKey")})}};
  auto report = codec::read_access_analyzer_json(list.dump(), "aa.json");
  REQUIRE(report.findings.size() == 2);
  CHECK(report.findings[0].rule == "UnusedIAMRole");
  CHECK(report.findings[1].rule == "UnusedIAMUserAccessKey");
  CHECK(report.suppressed == 1);
  CHECK(report.suppressed_fingerprints.size() == 1);  // archived is a decision, not a fix: never "not seen"
  CHECK(report.complete_tools.count("access-analyzer") == 1);
  list["nextToken"] = "page-2";
  report = codec::read_access_analyzer_json(list.dump(), "aa.json");
  CHECK(report.tools.count("access-analyzer") == 1);
  CHECK(report.complete_tools.empty());  // what the next page holds is not gone
  // list-findings (v1) has no findingType: it lists external access only.
  json v1 = access_analyzer_finding("e", "ACTIVE");
  v1.erase("findingType");
  CHECK(codec::read_access_analyzer_json(json{{"findings", json::array({v1})}}.dump(), "v1.json").findings.at(0).rule ==
        "ExternalAccess");
  CHECK(codec::read_access_analyzer_json(R"({"findings": []})", "empty.json").findings.empty());
}

TEST_CASE("Access Analyzer: malformed findings are refused naming the path") {
  const std::map<std::string, std::string> cases{
      {R"({"findings": [{"id": 7, "status": "ACTIVE"}]})", "findings[0].id: is not a string"},
      {R"({"findings": [{"status": "ACTIVE"}]})", "findings[0]: has no id"},
      {R"({"findings": [{"id": "x"}]})", "findings[0]: has no status"},
      {R"({"findings": [{"id": "x", "status": "OPEN"}]})", "findings[0].status: 'OPEN' is not ACTIVE"},
      {R"({"findings": [{"id": "x", "status": "ACTIVE", "resource": ["a"]}]})", "findings[0].resource: is not a string"},
      {R"({"findings": [{"id": "x", "status": "ACTIVE", "resource": null}]})", "findings[0]: has no resource"},
      {R"({"findings": [{"id": "x", "status": "ARCHIVED"}]})", "findings[0]: has no resource"},
      {R"({"findings": ["x"]})", "findings[0]: is not an object"},
      {R"({"findings": {}})", "findings: is not a list"},
      {R"({"analyzers": []})", "has no \"findings\" list"},
      {R"([])", "its top level is not an object"},
      {"", "is empty"},
      {R"({"findings": []} {"findings": []})", "holds 2 JSON values"},
  };
  for (const auto& [text, expected] : cases) {
    CAPTURE(text);
    const auto error = error_of(kReadAccessAnalyzer, text);
    CHECK(error.find(expected) != std::string::npos);
    CHECK(error.starts_with("r.json: "));
  }
}

TEST_CASE("Prowler OCSF: the fixture's three IAM role findings, one muted") {
  const auto report = read(kReadProwler, kProwler);
  REQUIRE(report.findings.size() == 2);
  CHECK(report.suppressed == 1);  // status "Suppressed": muted in Prowler
  CHECK(report.findings[0].rule == "iam_role_administratoraccess_policy_permissive_trust_relationship");
  CHECK(report.findings[1].rule == "iam_role_cross_account_readonlyaccess_policy");
  for (const auto& f : report.findings) {
    CHECK(f.tool == "prowler");
    CHECK(f.severity == Severity::high);
    CHECK(f.format == core::ReportFormat::prowler);
    CHECK(f.resource_type == "AwsIamRole");
    CHECK(!f.secret);
  }
  CHECK(report.findings[0].location == "arn:aws:iam::123456789012:role/myAdministratorExecutionRole");
  CHECK(report.complete_tools == std::set<std::string>{"prowler"});
  CHECK(read(kReadProwler, kProwler).findings == report.findings);
}

TEST_CASE("Prowler OCSF: only FAIL is a finding; severity by name or id; checks about secrets are secret findings") {
  json pass = prowler_finding("iam_root_mfa_enabled", "PASS");
  json manual = prowler_finding("iam_support_role_created", "MANUAL");
  json by_id = prowler_finding("s3_bucket_public_access");
  by_id.erase("severity");
  by_id["severity_id"] = 5;
  json informational = prowler_finding("iam_password_policy_symbol");
  informational["severity"] = "Informational";
  json unknown = prowler_finding("ec2_instance_public_ip");
  unknown["severity"] = "Unknown";
  const auto report = codec::read_prowler_ocsf(
      json::array({pass, manual, by_id, informational, unknown, prowler_finding("awslambda_function_no_secrets_in_variables"),
                   prowler_finding("secretsmanager_automatic_rotation_enabled")})
          .dump(),
      "p.json");
  REQUIRE(report.findings.size() == 5);
  CHECK(report.findings[0].severity == Severity::critical);
  CHECK(report.findings[1].severity == Severity::low);
  CHECK(!report.findings[2].severity);
  CHECK(report.findings[3].secret);
  CHECK(!report.findings[4].secret);  // the secrets service, not a secret found
  CHECK(report.suppressed == 0);
  CHECK(codec::read_prowler_ocsf("[]", "empty.json").complete_tools.count("prowler") == 1);
}

TEST_CASE("Prowler OCSF: malformed findings are refused naming the path") {
  json no_uid = prowler_finding("iam_x");
  no_uid["finding_info"].erase("uid");
  json no_check = prowler_finding("iam_x");
  no_check["metadata"] = json::object();
  json bad_severity = prowler_finding("iam_x");
  bad_severity["severity"] = "Severe";
  json bad_id = prowler_finding("iam_x");
  bad_id.erase("severity");
  bad_id["severity_id"] = 42;
  json bad_resources = prowler_finding("iam_x");
  bad_resources["resources"] = "arn";
  const std::map<std::string, std::string> cases{
      {json::array({no_uid}).dump(), "[0]: has no finding_info.uid"},
      {json::array({no_check}).dump(), "[0]: has no metadata.event_code"},
      {json::array({bad_severity}).dump(), "[0].severity: 'Severe' is not a severity"},
      {json::array({bad_id}).dump(), "[0].severity_id: 42 is not an OCSF severity id"},
      {json::array({bad_resources}).dump(), "[0].resources: is not a list"},
      {R"([{"status_code": 1}])", "[0].status_code: is not a string"},
      {R"([{"finding_info": {"uid": "x"}}])", "[0]: has no status_code"},
      {prowler_finding("iam_x").dump(), "is one OCSF finding"},
      {R"({"x": 1})", "its top level is not a list"},
  };
  for (const auto& [text, expected] : cases) {
    CAPTURE(text);
    const auto error = error_of(kReadProwler, text);
    CHECK(error.find(expected) != std::string::npos);
  }
}

TEST_CASE("GitHub secret scanning: the fixture's one open alert; dismissed ones suppressed; the secret never read") {
  const auto report = read(kReadGithub, kGithub);
  REQUIRE(report.findings.size() == 1);
  const auto& f = report.findings[0];
  CHECK(f.tool == "github-secret-scanning");
  CHECK(f.rule == "aws_access_key_id");
  CHECK(f.location == "octocat/Hello-World/config/aws-credentials.env:5");
  CHECK(f.secret);
  CHECK(!f.severity);
  CHECK(f.format == core::ReportFormat::github_secret_scanning);
  CHECK(report.suppressed == 1);  // #2 false_positive; #4 was revoked: gone, not suppressed
  CHECK(report.complete_tools == std::set<std::string>{"github-secret-scanning"});
  // The `secret` values are in the fixture (the check above looked for each one in every field).
  CHECK(!secrets_in(read_fixture(kGithub)).empty());
}

TEST_CASE("GitHub secret scanning: pages, repository from the address, identity per repository and number") {
  // gh api --paginate writes one list per page.
  const std::string pages = json::array({github_alert(1, "open"), github_alert(2, "resolved", "used_in_tests")}).dump() + "\n" +
                            json::array({github_alert(3, "resolved", "revoked"), github_alert(4, "open")}).dump();
  const auto report = codec::read_github_secret_scanning_json(pages, "pages.json");
  REQUIRE(report.findings.size() == 2);
  CHECK(report.findings[0].location == "acme/payments/deploy/ci.yml:3");
  CHECK(report.suppressed == 1);
  for (const auto& f : report.findings) CHECK(f.location.find("ghp_") == std::string::npos);
  // The same number in another repository is another alert; the API address names it too.
  json other = github_alert(1, "open");
  other.erase("html_url");
  other["url"] = "https://api.github.com/repos/acme/billing/secret-scanning/alerts/1";
  const auto both = codec::read_github_secret_scanning_json(json::array({github_alert(1, "open"), other}).dump(), "b.json");
  REQUIRE(both.findings.size() == 2);
  CHECK(both.findings[1].location == "acme/billing/deploy/ci.yml:3");
  CHECK(both.findings[0].fingerprint != both.findings[1].fingerprint);
  // A duplicate across overlapping pages is counted once.
  const auto dup = codec::read_github_secret_scanning_json(json::array({github_alert(1, "open"), github_alert(1, "open")}).dump(), "d");
  CHECK(dup.findings.size() == 1);
  CHECK(dup.duplicates == 1);
  // An alert found outside a file (an issue, a wiki) is located by its repository.
  json no_file = github_alert(9, "open");
  no_file.erase("first_location_detected");
  CHECK(codec::read_github_secret_scanning_json(json::array({no_file}).dump(), "n").findings.at(0).location == "acme/payments");
}

TEST_CASE("GitHub secret scanning: malformed alerts are refused naming the path") {
  json no_repo = github_alert(1, "open");
  no_repo.erase("html_url");
  json bad_state = github_alert(1, "dismissed");
  json bad_number = github_alert(1, "open");
  bad_number["number"] = "1";
  json bad_line = github_alert(1, "open");
  bad_line["first_location_detected"]["start_line"] = "3";
  const std::map<std::string, std::string> cases{
      {json::array({no_repo}).dump(), "[0]: names no repository"},
      {json::array({bad_state}).dump(), "[0].state: 'dismissed' is neither open nor resolved"},
      {json::array({bad_number}).dump(), "[0].number: is not an integer"},
      {json::array({bad_line}).dump(), "[0].first_location_detected.start_line: is not an integer"},
      {R"([{"number": 1, "state": "open"}])", "[0]: has no secret_type"},
      {github_alert(1, "open").dump(), "is one alert, not the list"},
      {R"({"message": "Not Found"})", "not a JSON list"},
      {"[] {}", "page 2 is not"},
      {"", "is empty"},
  };
  for (const auto& [text, expected] : cases) {
    CAPTURE(text);
    const auto error = error_of(kReadGithub, text);
    CHECK(error.find(expected) != std::string::npos);
    CHECK(error.find("ghp_") == std::string::npos);  // no error quotes the secret
  }
}

TEST_CASE("trivy JSON: the fixture's two secrets and one misconfiguration; vulnerabilities skipped") {
  const auto report = read(kReadTrivy, kTrivy);
  REQUIRE(report.findings.size() == 3);
  const auto& misconfiguration = report.findings[0];
  CHECK(misconfiguration.rule == "DS002");
  CHECK(misconfiguration.location == "Dockerfile");
  CHECK(misconfiguration.severity == Severity::high);
  CHECK(!misconfiguration.secret);
  CHECK(report.findings[1].rule == "github-pat");
  CHECK(report.findings[1].location == "Dockerfile:24");
  CHECK(report.findings[1].severity == Severity::critical);
  CHECK(report.findings[1].secret);
  CHECK(report.findings[2].location == "secret.txt:1");
  for (const auto& f : report.findings) {
    CHECK(f.tool == "trivy");
    CHECK(f.format == core::ReportFormat::trivy);
  }
  CHECK(report.skipped == 2);  // the two urllib3 CVEs
  CHECK(report.complete_tools == std::set<std::string>{"trivy"});
  CHECK(read(kReadTrivy, kTrivy).findings == report.findings);
}

TEST_CASE("trivy JSON: status, severities, rule ids and the schema version") {
  const json results = json::array(
      {{{"Target", "main.tf"},
        {"Misconfigurations", json::array({{{"ID", "AVD-AWS-0001"}, {"Severity", "MEDIUM"}, {"Status", "PASS"}},
                                           {{"ID", "AVD-AWS-0002"}, {"Severity", "LOW"}, {"Status", "EXCEPTION"}},
                                           {{"AVDID", "AVD-AWS-0003"}, {"Severity", "UNKNOWN"},
                                            {"CauseMetadata", {{"StartLine", 7}, {"Code", {{"Lines", json::array()}}}}}}})}},
       {{"Target", "k8s.yaml"}, {"Licenses", json::array({{{"Name", "GPL-3.0"}}})}}});
  const auto report = codec::read_trivy_json(trivy_report(results).dump(), "t.json");
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].rule == "AVD-AWS-0003");
  CHECK(report.findings[0].location == "main.tf:7");
  CHECK(!report.findings[0].severity);
  CHECK(report.suppressed == 1);
  CHECK(report.skipped == 1);
  // Nothing found: trivy writes no Results.
  const auto nothing = codec::read_trivy_json(R"({"SchemaVersion": 2, "ArtifactName": "."})", "n.json");
  CHECK(nothing.findings.empty());
  CHECK(nothing.complete_tools.count("trivy") == 1);

  const std::map<std::string, std::string> cases{
      {R"({"SchemaVersion": 1, "Results": []})", "SchemaVersion 1; docket reads version 2"},
      {R"({"ArtifactName": "."})", "has no SchemaVersion"},
      {R"({"SchemaVersion": "2"})", "SchemaVersion: is not an integer"},
      {trivy_report(json::array({{{"Target", "a"}, {"Secrets", json::array({{{"Severity", "HIGH"}}})}}})).dump(),
       "Results[0].Secrets[0]: has no RuleID"},
      {trivy_report(json::array({{{"Target", "a"}, {"Secrets", json::array({{{"RuleID", "x"}, {"Severity", "SEVERE"}}})}}}))
           .dump(),
       "Results[0].Secrets[0].Severity: 'SEVERE' is not a severity"},
      {trivy_report(json::array({{{"Target", "a"}, {"Misconfigurations", json::array({{{"Status", "FAIL"}}})}}})).dump(),
       "Results[0].Misconfigurations[0]: has no ID or AVDID"},
      {trivy_report(json::array({{{"Target", 5}}})).dump(), "Results[0].Target: is not a string"},
      {trivy_report(json::array({"x"})).dump(), "Results[0]: is not an object"},
      {R"({"SchemaVersion": 2, "Results": {}})", "Results: is not a list"},
  };
  for (const auto& [text, expected] : cases) {
    CAPTURE(text);
    CHECK(error_of(kReadTrivy, text).find(expected) != std::string::npos);
  }
}

TEST_CASE("trivy JSON: Match and Code are never read") {
  const json results = json::array(
      {{{"Target", "app/.env"},
        {"Secrets", json::array({{{"RuleID", "aws-access-key-id"},
                                  {"Severity", "CRITICAL"},
                                  {"StartLine", 2},
                                  {"Title", "AWS Access Key ID"},
                                  {"Match", "AWS_ACCESS_KEY_ID=AKIAZ7Q2EXAMPLE4W9KD"},
                                  {"Code", {{"Lines", json::array({{{"Content", "AKIAZ7Q2EXAMPLE4W9KD"}}})}}}}})}}});
  const auto report = codec::read_trivy_json(trivy_report(results).dump(), "t.json");
  REQUIRE(report.findings.size() == 1);
  for (const std::string* field : {&report.findings[0].tool, &report.findings[0].rule, &report.findings[0].message,
                                   &report.findings[0].location, &report.findings[0].fingerprint})
    CHECK(field->find("AKIA") == std::string::npos);
}

TEST_CASE("each new format given to another reader is named, with the command that reads it") {
  const std::map<std::string, std::string> commands{{kAccessAnalyzer, "docket ingest access-analyzer"},
                                                    {kProwler, "docket ingest prowler"},
                                                    {kGithub, "docket ingest github-secret-scanning"},
                                                    {kTrivy, "docket ingest trivy"},
                                                    {"gitleaks/baseline.json", "docket ingest gitleaks"},
                                                    {"checkov/checkov.valid.sarif", "docket ingest sarif"}};
  const std::map<std::string, Reader> readers{{"docket ingest access-analyzer", kReadAccessAnalyzer},
                                              {"docket ingest prowler", kReadProwler},
                                              {"docket ingest github-secret-scanning", kReadGithub},
                                              {"docket ingest trivy", kReadTrivy}};
  for (const auto& [fixture, command] : commands)
    for (const auto& [reader_command, reader] : readers) {
      if (command == reader_command) continue;
      CAPTURE(fixture);
      CAPTURE(reader_command);
      const auto error = usage_error([&] { (void)reader(read_fixture(fixture), fixture, {}); });
      CHECK(error.find(command) != std::string::npos);
    }
  // The older readers name the new formats too.
  CHECK(usage_error([&] { (void)codec::read_gitleaks_json(read_fixture(kProwler), "p"); }).find("docket ingest prowler") !=
        std::string::npos);
  CHECK(usage_error([&] { (void)codec::read_trufflehog_json(read_fixture(kTrivy), "t"); }).find("docket ingest trivy") !=
        std::string::npos);
}

TEST_CASE("hostile input: a byte-order mark is skipped; deep nesting and size are refused before parsing") {
  const std::string bom = "\xEF\xBB\xBF";
  CHECK(codec::read_trivy_json(bom + read_fixture(kTrivy), "bom.json").findings.size() == 3);
  CHECK(codec::read_access_analyzer_json(bom + read_fixture(kAccessAnalyzer), "bom.json").findings.size() == 2);
  CHECK(codec::read_prowler_ocsf(bom + read_fixture(kProwler), "bom.json").findings.size() == 2);
  CHECK(codec::read_github_secret_scanning_json(bom + read_fixture(kGithub), "bom.json").findings.size() == 1);
  for (const Reader& reader : {kReadAccessAnalyzer, kReadProwler, kReadGithub, kReadTrivy}) {
    CHECK(error_of(reader, std::string(100000, '[')).find("nested deeper than") != std::string::npos);
    CHECK(error_of(reader, std::string(codec::kMaxReportBytes + 1, ' ')).find("over the limit") != std::string::npos);
    CHECK(error_of(reader, "not json").find("is not JSON") != std::string::npos);
    CHECK(error_of(reader, "[1, 2").find("not valid JSON") != std::string::npos);
  }
}
