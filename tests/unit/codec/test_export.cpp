// Suppressions → SARIF, .trivyignore.yaml and .gitleaksignore: the shapes scanners read, and
// hostile record text that must not break them.

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "docket/codec/export.hpp"
#include "docket/core/time.hpp"

using namespace docket;
using namespace docket::codec;
using nlohmann::json;

namespace {

const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");
const Timestamp kExpiry = *parse_rfc3339("2026-12-24T18:30:00Z");

core::Suppression accepted_secret() {
  core::Suppression s;
  s.id = *ExceptionId::parse("EX-AAAAAAAAAA");
  s.tool = "secretlint";
  s.rule = "@secretlint/secretlint-rule-preset-recommend > @secretlint/secretlint-rule-github";
  s.location = {"config/app.env", 3u};
  s.fingerprint = "sha256:0123";
  s.template_name = "leaked-secret";
  s.kind = core::SuppressionKind::accepted;
  s.reason = "vendor rotates it in Q1";
  s.approvers = {{kT0, *Email::parse("bob@acme.example")}, {kT0 + Duration{60}, *Email::parse("dan@acme.example")}};
  s.expires = kExpiry;
  return s;
}

core::Suppression false_positive(std::string tool, std::string rule, std::string path, std::optional<std::uint32_t> line) {
  core::Suppression s;
  s.id = *ExceptionId::parse("EX-BBBBBBBBBB");
  s.tool = std::move(tool);
  s.rule = std::move(rule);
  s.location = {std::move(path), line};
  s.fingerprint = "sha256:4567";
  s.template_name = "generic";
  s.kind = core::SuppressionKind::false_positive;
  s.reason = "a test fixture, not a key";
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("export formats have one name each") {
  for (const auto f : {ExportFormat::sarif, ExportFormat::trivyignore, ExportFormat::gitleaksignore})
    CHECK(parse_export_format(to_string(f)) == f);
  CHECK_FALSE(parse_export_format("SARIF"));
  CHECK_FALSE(parse_export_format(".trivyignore.yaml"));
  CHECK(export_format_names() == "sarif, trivyignore, gitleaksignore");
}

TEST_CASE("SARIF: one run per tool, each result suppressed with the exception's id, approvers and expiry") {
  const auto fp = false_positive("gitleaks", "generic-api-key", "src/a b#1.go", std::nullopt);
  const auto exported = write_sarif_suppressions({accepted_secret(), fp});
  CHECK(exported.written == 2);
  CHECK(exported.left_out.empty());
  const json log = json::parse(exported.text);
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 2);
  CHECK(log["runs"][0]["tool"]["driver"]["name"] == "gitleaks");  // sorted by tool
  CHECK(log["runs"][1]["tool"]["driver"]["name"] == "secretlint");

  const json& result = log["runs"][1]["results"][0];
  CHECK(result["ruleId"] == accepted_secret().rule);
  CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "config/app.env");
  CHECK(result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3);
  CHECK(result["fingerprints"]["docket/v1"] == "sha256:0123");
  CHECK(result["message"]["text"] == "Suppressed by docket exception EX-AAAAAAAAAA: accepted until 2026-12-24T18:30:00Z");
  REQUIRE(result["suppressions"].size() == 1);
  const json& suppression = result["suppressions"][0];
  CHECK(suppression["kind"] == "external");
  CHECK(suppression["status"] == "accepted");
  CHECK(suppression["justification"] == "vendor rotates it in Q1");
  CHECK(suppression["properties"]["docket_id"] == "EX-AAAAAAAAAA");
  CHECK(suppression["properties"]["kind"] == "accepted");
  CHECK(suppression["properties"]["expires"] == "2026-12-24T18:30:00Z");
  CHECK(suppression["properties"]["approvers"] ==
        json::parse(R"([{"email":"bob@acme.example","at":"2026-11-23T10:00:00Z"},
                        {"email":"dan@acme.example","at":"2026-11-23T10:01:00Z"}])"));

  const json& other = log["runs"][0]["results"][0];
  CHECK(other["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/a%20b%231.go");
  CHECK_FALSE(other["locations"][0]["physicalLocation"].contains("region"));  // no line, no region
  CHECK(other["suppressions"][0]["properties"]["expires"].is_null());
  CHECK(other["suppressions"][0]["properties"]["kind"] == "false-positive");
}

TEST_CASE("SARIF: an empty export is a valid log with no runs; a finding without a location has no locations") {
  CHECK(json::parse(write_sarif_suppressions({}).text)["runs"] == json::array());
  const json log = json::parse(write_sarif_suppressions({false_positive("checkov", "CKV_AWS_1", "", std::nullopt)}).text);
  CHECK_FALSE(log["runs"][0]["results"][0].contains("locations"));
}

TEST_CASE("SARIF: paths become URI references; hostile text stays inside its JSON string") {
  auto s = false_positive("trivy", "rule\n\"injected\": 1", "C:\\src\\x.tf", 7u);
  s.reason = "line one\nline two \x1b[31m red";
  const json log = json::parse(write_sarif_suppressions({s}).text);
  const json& result = log["runs"][0]["results"][0];
  CHECK(result["ruleId"] == "rule\n\"injected\": 1");
  CHECK(result["suppressions"][0]["justification"] == "line one\nline two \x1b[31m red");
  CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "C%3A%5Csrc%5Cx.tf");
  const auto uri = [](const std::string& path) {
    const json l = json::parse(write_sarif_suppressions({false_positive("t", "r", path, 1u)}).text);
    return l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].get<std::string>();
  };
  CHECK(uri("file:///home/ci/repo/a.js") == "file:///home/ci/repo/a.js");
  CHECK(uri("dir/a:b.txt") == "dir/a:b.txt");         // `:` after the first segment is fine
  CHECK(uri("a%20b.txt") == "a%20b.txt");             // already encoded: kept
  CHECK(uri("100%.txt") == "100%25.txt");
  CHECK(uri("caf\xc3\xa9?.txt") == "caf%C3%A9%3F.txt");
}

TEST_CASE("trivyignore: sections by kind of finding, paths as literal globs, expired_at the expiry's UTC date") {
  const auto cve = false_positive("trivy", "CVE-2024-3094", "usr/lib/liblzma.so.5", std::nullopt);
  const auto ghsa = false_positive("trivy", "ghsa-m425-mq94-257g", "go.sum", std::nullopt);
  const auto misconfig = false_positive("trivy", "AVD-DS-0002", "build/[x]*{a,b}?.Dockerfile", 3u);
  const auto secret_rule = false_positive("semgrep", "generic.secrets.gitleaks.aws-access-token", "k.py", 1u);
  const auto exported = write_trivyignore({accepted_secret(), cve, ghsa, misconfig, secret_rule});
  CHECK(exported.written == 5);
  CHECK(exported.left_out.empty());

  const YAML::Node doc = YAML::Load(exported.text);
  REQUIRE(doc["vulnerabilities"].IsSequence());
  REQUIRE(doc["misconfigurations"].IsSequence());
  REQUIRE(doc["secrets"].IsSequence());
  CHECK(doc["vulnerabilities"].size() == 2);
  CHECK(doc["vulnerabilities"][0]["id"].as<std::string>() == "CVE-2024-3094");
  CHECK(doc["vulnerabilities"][0]["paths"][0].as<std::string>() == "usr/lib/liblzma.so.5");
  CHECK_FALSE(doc["vulnerabilities"][0]["expired_at"]);  // a false positive does not expire
  CHECK(doc["vulnerabilities"][0]["statement"].as<std::string>() == "EX-BBBBBBBBBB: a test fixture, not a key");
  CHECK(doc["misconfigurations"].size() == 1);
  CHECK(doc["misconfigurations"][0]["paths"][0].as<std::string>() == "build/\\[x\\]\\*\\{a,b\\}\\?.Dockerfile");
  REQUIRE(doc["secrets"].size() == 2);
  CHECK(doc["secrets"][0]["id"].as<std::string>() == accepted_secret().rule);
  CHECK(doc["secrets"][0]["paths"][0].as<std::string>() == "config/app.env");
  CHECK(doc["secrets"][0]["expired_at"].as<std::string>() == "2026-12-24");
  CHECK(doc["secrets"][1]["id"].as<std::string>() == "generic.secrets.gitleaks.aws-access-token");
  // A date, unquoted: trivy reads `expired_at` into a time (a quoted string would not parse).
  CHECK(exported.text.find("expired_at: 2026-12-24\n") != std::string::npos);
}

TEST_CASE("trivyignore: an entry without a path is left out, never written for every file") {
  const auto exported = write_trivyignore({false_positive("trivy", "AVD-AWS-0057", "", std::nullopt)});
  CHECK(exported.written == 0);
  REQUIRE(exported.left_out.size() == 1);
  CHECK(exported.left_out[0].rfind("EX-BBBBBBBBBB: no file path", 0) == 0);
  const YAML::Node doc = YAML::Load(exported.text);
  CHECK(doc["misconfigurations"].size() == 0);
  CHECK(exported.text == "vulnerabilities: []\nmisconfigurations: []\nsecrets: []\n");
}

TEST_CASE("trivyignore: hostile rule ids and reasons stay single YAML scalars") {
  auto s = false_positive("trivy", "yes", "a.tf\nsecrets:\n  - id: everything", 1u);
  s.reason = "ok\n- id: injected\n\x1b]0;title\x07";
  const YAML::Node doc = YAML::Load(write_trivyignore({s}).text);
  REQUIRE(doc["misconfigurations"].size() == 1);
  CHECK(doc["misconfigurations"][0]["id"].as<std::string>() == "yes");
  CHECK(doc["misconfigurations"][0]["paths"][0].as<std::string>() == "a.tf\nsecrets:\n  - id: everything");
  CHECK(doc["misconfigurations"][0]["statement"].as<std::string>() == "EX-BBBBBBBBBB: ok\n- id: injected\n\x1b]0;title\x07");
  CHECK(doc["secrets"].size() == 0);
}

TEST_CASE("gitleaksignore: the scanner's fingerprint when kept, else file:rule:line, each under a comment") {
  auto with_commit = accepted_secret();
  with_commit.tool = "gitleaks";
  with_commit.rule = "github-pat";
  with_commit.tool_fingerprint = "9326f35380636bcbe61e94b0584d1618c4b5c2c2:detect/detect_test.go:github-pat:32";
  const auto no_git = false_positive("gitleaks", "generic-api-key", "src/config.go", 14u);
  const auto exported = write_gitleaksignore({with_commit, no_git});
  CHECK(exported.written == 2);
  CHECK(lines_of(exported.text) ==
        std::vector<std::string>{"# Written by docket export: the exceptions in force. Regenerate it; edits are lost.",
                                 "# EX-AAAAAAAAAA accepted until 2026-12-24T18:30:00Z",
                                 "9326f35380636bcbe61e94b0584d1618c4b5c2c2:detect/detect_test.go:github-pat:32",
                                 "# EX-BBBBBBBBBB false-positive", "src/config.go:generic-api-key:14"});
}

TEST_CASE("gitleaksignore: entries that would break or change their line are left out and named") {
  const auto no_line = false_positive("gitleaks", "generic-api-key", "src/config.go", std::nullopt);
  const auto newline = false_positive("gitleaks", "generic-api-key\n*:*:*:*", "src/config.go", 3u);
  const auto spaced = false_positive("gitleaks", "r", " src/config.go", 3u);
  const auto nbsp = false_positive("gitleaks", "r", "src/config.go", 3u);
  auto nbsp_end = nbsp;
  nbsp_end.tool_fingerprint = "abc:src/config.go:r:3\xc2\xa0";
  const auto comment = false_positive("gitleaks", "r", "#src/config.go", 3u);
  const auto exported = write_gitleaksignore({no_line, newline, spaced, nbsp_end, comment});
  CHECK(exported.written == 0);
  REQUIRE(exported.left_out.size() == 5);
  CHECK(exported.left_out[0].find("no line") != std::string::npos);
  CHECK(exported.left_out[1].find("control character") != std::string::npos);
  CHECK(exported.left_out[2].find("white space") != std::string::npos);
  CHECK(exported.left_out[3].find("white space") != std::string::npos);
  CHECK(exported.left_out[4].find("comment") != std::string::npos);
  CHECK(lines_of(exported.text).size() == 1);  // the header only

  CHECK_FALSE(gitleaksignore_problem("a:b:c"));
  CHECK(gitleaksignore_problem(""));
  CHECK(gitleaksignore_problem("a:b\r"));
  CHECK(gitleaksignore_problem("a:b:c\x7f"));
  CHECK(gitleaksignore_problem("\xe3\x80\x80" "a:b:1"));  // U+3000 ideographic space
  CHECK_FALSE(gitleaksignore_problem("caf\xc3\xa9:r:1"));
}

TEST_CASE("write_export dispatches on the format") {
  const std::vector<core::Suppression> one{accepted_secret()};
  CHECK(write_export(ExportFormat::sarif, one).text == write_sarif_suppressions(one).text);
  CHECK(write_export(ExportFormat::trivyignore, one).text == write_trivyignore(one).text);
  CHECK(write_export(ExportFormat::gitleaksignore, one).text == write_gitleaksignore(one).text);
}
