// core/ingest_mapping: the built-in template of a finding, docket.yaml's ingest mapping
// (TOOL:RULE over RULE) and the precedence --template-map > docket.yaml > built-in > default.

#include <doctest/doctest.h>

#include "docket/core/ingest_mapping.hpp"

using namespace docket;
using namespace docket::core;

namespace {

ScanFinding finding(const char* tool, const char* rule, ReportFormat format = ReportFormat::sarif, bool secret = false) {
  ScanFinding f;
  f.tool = tool;
  f.rule = rule;
  f.format = format;
  f.secret = secret;
  f.fingerprint = "sha256:" + std::string(64, 'a');
  return f;
}

std::map<std::string, Template> store_with(std::initializer_list<const char*> names) {
  std::map<std::string, Template> templates;
  for (const char* name : names) templates[name] = Template{name, "", Severity::medium, "", {}, {}, {}};
  return templates;
}

const auto kSeedTemplates = store_with({"generic", "leaked-secret", "excessive-privilege"});

}  // namespace

TEST_CASE("built-in templates: secrets, Access Analyzer, Prowler's IAM checks; nothing else") {
  CHECK(builtin_template(finding("gitleaks", "aws-access-token", ReportFormat::gitleaks, true)) == "leaked-secret");
  CHECK(builtin_template(finding("access-analyzer", "ExternalAccess", ReportFormat::access_analyzer)) == "excessive-privilege");
  CHECK(builtin_template(finding("access-analyzer", "UnusedIAMUserPassword", ReportFormat::access_analyzer)) ==
        "excessive-privilege");
  CHECK(builtin_template(finding("prowler", "iam_role_cross_account_readonlyaccess_policy", ReportFormat::prowler)) ==
        "excessive-privilege");
  ScanFinding by_resource = finding("prowler", "organizations_scp_check", ReportFormat::prowler);
  by_resource.resource_type = "AwsIamPolicy";
  CHECK(builtin_template(by_resource) == "excessive-privilege");
  CHECK(!builtin_template(finding("prowler", "s3_bucket_public_access", ReportFormat::prowler)));
  // The rule alone does not decide: a SARIF rule that starts with iam_ is not Prowler's check.
  CHECK(!builtin_template(finding("checkov", "iam_something", ReportFormat::sarif)));
  CHECK(!builtin_template(finding("trivy", "DS002", ReportFormat::trivy)));
  // The format decides, whatever --tool named the findings.
  CHECK(builtin_template(finding("aws/prod", "ExternalAccess", ReportFormat::access_analyzer)) == "excessive-privilege");
}

TEST_CASE("docket.yaml's mapping: TOOL:RULE wins over RULE") {
  IngestMapping mapping;
  mapping.templates = {{"DS002", "generic"}, {"trivy:DS002", "excessive-privilege"}};
  mapping.severities = {{"DS002", Severity::low}};
  CHECK(*mapped_template(mapping, finding("trivy", "DS002")) == "excessive-privilege");
  CHECK(*mapped_template(mapping, finding("checkov", "DS002")) == "generic");
  CHECK(mapped_template(mapping, finding("trivy", "DS003")) == nullptr);
  CHECK(mapped_severity(mapping, finding("trivy", "DS002")) == Severity::low);
  CHECK(!mapped_severity(mapping, finding("trivy", "DS003")));
}

TEST_CASE("template precedence: --template-map, then docket.yaml, then built-in when the store has it, then none") {
  const ScanFinding secret = finding("gitleaks", "aws-access-token", ReportFormat::gitleaks, true);
  IngestMapping mapping;
  CHECK(choose_template(secret, {}, mapping, kSeedTemplates) == "leaked-secret");
  mapping.templates["aws-access-token"] = "generic";
  CHECK(choose_template(secret, {}, mapping, kSeedTemplates) == "generic");
  CHECK(choose_template(secret, {{"aws-access-token", "excessive-privilege"}}, mapping, kSeedTemplates) == "excessive-privilege");
  CHECK(choose_template(secret, {{"*", "excessive-privilege"}}, mapping, kSeedTemplates) == "excessive-privilege");
  // A store without the built-in template opens with its default.
  const ScanFinding access = finding("access-analyzer", "ExternalAccess", ReportFormat::access_analyzer);
  CHECK(choose_template(access, {}, {}, kSeedTemplates) == "excessive-privilege");
  CHECK(!choose_template(access, {}, {}, store_with({"generic"})));
  CHECK(!choose_template(finding("trivy", "DS002", ReportFormat::trivy), {}, {}, kSeedTemplates));
}

TEST_CASE("severity precedence: docket.yaml, then the report's, then none (the template's default)") {
  ScanFinding f = finding("prowler", "iam_root_mfa_enabled", ReportFormat::prowler);
  IngestMapping mapping;
  CHECK(!choose_severity(f, mapping));
  f.severity = Severity::high;
  CHECK(choose_severity(f, mapping) == Severity::high);
  mapping.severities["prowler:iam_root_mfa_enabled"] = Severity::critical;
  CHECK(choose_severity(f, mapping) == Severity::critical);
}
