#pragma once
// Sources of NHI findings beyond code scanners' SARIF → core::ScanReport, for `docket ingest
// access-analyzer | prowler | github-secret-scanning | trivy` (docs/ingest.md).
//
// Contract for every reader, as for those in codec/sarif.hpp: the input is hostile. It is refused
// as a whole — Error(usage, "<source>: <JSON path>: <what>", hint), nothing partial — when it is
// not the format (a report of another format docket reads is named, with its command), is over
// kMaxReportBytes or nested deeper than kMaxReportDepth. A UTF-8 byte-order mark is skipped.
// Fields that hold a secret are never read, so no secret can reach a finding; the fingerprint
// is `sha256:` of a versioned prefix, `--tool` (or nothing) and the source's own stable id —
// never a secret, and stable across runs. Tool, rule and location are stored cleaned
// (detail::make_finding); `message` is for people and never stored.

#include <string_view>

#include "docket/codec/sarif.hpp"
#include "docket/core/scan.hpp"

namespace docket::codec {

// AWS IAM Access Analyzer: the output of `aws accessanalyzer list-findings-v2` (ListFindingsV2,
// https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListFindingsV2.html), an
// object with a `findings` list of FindingSummaryV2; `list-findings` (v1, external access only)
// is read too, its findings being `ExternalAccess`.
// Reads: `id`, `status`, `findingType` (the rule: ExternalAccess, InternalAccess, UnusedIAMRole,
// UnusedIAMUserAccessKey, UnusedIAMUserPassword, UnusedPermission…), `resource` (an ARN: the
// location), `resourceType`, `error`, and the top-level `nextToken`. Nothing in a finding summary
// is secret; principals, actions and conditions are not read.
// Status: ACTIVE is a finding; ARCHIVED counts as suppressed; RESOLVED is not a finding.
// Identity: (`id`, `resource`) — `id` is unique within its analyzer. Severity: none (the
// template or docket.yaml decides). Tool: `access-analyzer`. Complete — its ACTIVE findings are
// all the analyzer has — unless `nextToken` says more pages follow (then nothing is marked not
// seen). A list filtered by anything but status is partial: give it its own --tool.
core::ScanReport read_access_analyzer_json(std::string_view text, std::string_view source, const ScanOptions& options = {});

// Prowler's OCSF JSON (`prowler … -M json-ocsf`, https://docs.prowler.com, schema.ocsf.io
// Detection Finding, class 2004): a JSON list of findings.
// Reads: `status_code` (only FAIL is a finding; PASS and MANUAL are not), `status` ("Suppressed"
// — a muted finding — counts as suppressed), `finding_info.uid` (the identity), `finding_info.title`,
// `metadata.event_code` (the check: the rule), `severity` (else `severity_id`), and the first
// of `resources`: `uid` (the location, an ARN) or `name`, and `type` (`AwsIamRole`). Never read:
// `status_detail`, `resources[].data`, `unmapped`, `raw_data` — they may quote what a check
// found (e.g. an environment variable's value).
// A check whose id names secrets (`…_secrets…`, e.g. `awslambda_function_no_secrets_in_variables`)
// is a secret finding. Tool: `prowler`. Complete: a run reports every check it ran; runs of
// other scopes (accounts, regions, check subsets) need their own --tool.
core::ScanReport read_prowler_ocsf(std::string_view text, std::string_view source, const ScanOptions& options = {});

// GitHub secret scanning alerts: the REST "list secret scanning alerts" response for a
// repository or an organization (https://docs.github.com/en/rest/secret-scanning/secret-scanning),
// a JSON list; several lists one after another (`gh api --paginate`) are its pages.
// Reads: `number`, `state`, `resolution`, `secret_type` (the rule), `secret_type_display_name`,
// `repository.full_name` (else the `OWNER/REPO` of `html_url` or of `url`), and
// `first_location_detected.path` / `.start_line`. NEVER read: `secret`, which holds the secret in
// clear, nor the free-text comments (`resolution_comment`, `push_protection_bypass_request_*`).
// State: `open` is a finding. `resolved` is not: as `false_positive`, `wont_fix` or
// `used_in_tests` it counts as suppressed; as `revoked` (or pattern_edited / pattern_deleted) it
// is gone. Identity: (repository, `number`). Location: `OWNER/REPO/path:line`. Severity: none
// (leaked-secret's default, or docket.yaml). Every alert is a secret finding. Tool:
// `github-secret-scanning`. Complete: the list is every alert of its scope (fetch all pages).
core::ScanReport read_github_secret_scanning_json(std::string_view text, std::string_view source,
                                                  const ScanOptions& options = {});

// trivy's own JSON report (`trivy … --format json`, SchemaVersion 2,
// https://trivy.dev/latest/docs/configuration/reporting/#json): `Results[]`, each with a `Target`.
// Reads: `Secrets[]`: `RuleID`, `Severity`, `StartLine`, `Title` — NEVER `Match` or `Code`, which
// hold the secret; `Misconfigurations[]`: `ID` (else `AVDID`), `Severity`, `Status` (FAIL or
// absent is a finding, EXCEPTION counts as suppressed, PASS is not), `Title`,
// `CauseMetadata.StartLine` — never `CauseMetadata.Code`. `Vulnerabilities[]` and `Licenses[]`
// are package findings, not identity findings: counted as `skipped`, not opened.
// Identity: (kind, `Target`, rule, line). Location: `Target:line`. Severity: trivy's
// (UNKNOWN: the template decides). Secrets are secret findings; misconfigurations take the
// template docket.yaml or --template-map gives their rule (else the store's default). Tool:
// `trivy`. Complete: a run reports every target it scanned; runs with other --scanners need
// their own --tool.
core::ScanReport read_trivy_json(std::string_view text, std::string_view source, const ScanOptions& options = {});

}  // namespace docket::codec
