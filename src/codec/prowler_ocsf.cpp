// Prowler's OCSF JSON (`prowler … -M json-ocsf`) → core::ScanReport. The contract — fields read,
// fields never read, identity, status — is in codec/finding_sources.hpp.

#include "docket/codec/finding_sources.hpp"
#include "scan_support.hpp"

namespace docket::codec {
namespace {

constexpr const char* kFormat = "a Prowler OCSF report";
constexpr const char* kHint = "give Prowler's json-ocsf output (prowler <provider> -M json-ocsf): a JSON list of findings";

// OCSF severity_id (Detection Finding): 1 informational … 5 critical, 6 fatal; 0 unknown, 99 other.
std::optional<Severity> severity_of_id(const detail::JsonReader& in, const detail::json& finding, const std::string& path) {
  const auto id = in.integer(finding, "severity_id", path);
  if (!id || *id == 0 || *id == 99) return std::nullopt;
  switch (*id) {
    case 1:
    case 2: return Severity::low;
    case 3: return Severity::medium;
    case 4: return Severity::high;
    case 5:
    case 6: return Severity::critical;
    default: in.fail(path + ".severity_id", std::to_string(*id) + " is not an OCSF severity id", "OCSF severity ids are 0-6 and 99");
  }
}

// A check about secrets found in code or configuration (`awslambda_function_no_secrets_in_code`,
// `ec2_instance_secrets_user_data`), not one about the secrets service (`secretsmanager_…`).
bool secrets_check(std::string_view check) { return check.find("_secrets") != std::string_view::npos; }

}  // namespace

core::ScanReport read_prowler_ocsf(std::string_view text, std::string_view source, const ScanOptions& options) {
  const detail::json report = detail::parse_report_document(text, source, kFormat, kHint);
  detail::refuse_other_format(source, report, "prowler", kFormat);
  const detail::JsonReader in(source);
  if (report.is_object() && report.contains("finding_info"))
    detail::bad_report(source, "is one OCSF finding, not a Prowler report (a list of findings)", kHint);
  if (!report.is_array()) detail::bad_report(source, "is not " + std::string(kFormat) + " (its top level is not a list)", kHint);

  const std::string tool = detail::tool_name(options.tool.value_or("prowler"));
  const std::string scope = options.tool.value_or("");
  detail::FindingCollector out;
  for (std::size_t i = 0; i < report.size(); ++i) {
    const std::string path = "[" + std::to_string(i) + "]";
    const detail::json& finding = report[i];
    if (!finding.is_object()) in.fail(path, "is not an object", kHint);
    const auto status_code = in.string(finding, "status_code", path);
    if (!status_code) in.fail(path, "has no status_code: this is not a Prowler OCSF finding", kHint);
    if (*status_code != "FAIL") continue;  // PASS and MANUAL are not findings
    const detail::json* info = in.object(finding, "finding_info", path);
    const auto uid = info ? in.string(*info, "uid", path + ".finding_info") : std::nullopt;
    if (!uid || uid->empty()) in.fail(path, "has no finding_info.uid, the finding's identity", kHint);
    const detail::json* metadata = in.object(finding, "metadata", path);
    const auto check = metadata ? in.string(*metadata, "event_code", path + ".metadata") : std::nullopt;
    if (!check || check->empty()) in.fail(path, "has no metadata.event_code, the Prowler check", kHint);
    auto severity = in.severity(finding, "severity", path);
    if (!in.member(finding, "severity")) severity = severity_of_id(in, finding, path);
    std::string location, resource_type;
    if (const detail::json* resources = in.array(finding, "resources", path); resources && !resources->empty()) {
      const std::string at = path + ".resources[0]";
      const detail::json& resource = resources->front();
      if (!resource.is_object()) in.fail(at, "is not an object");
      location = in.string(resource, "uid", at).value_or("");
      if (location.empty()) location = in.string(resource, "name", at).value_or("");
      resource_type = in.string(resource, "type", at).value_or("");
    }
    // Muted in Prowler (its mutelist): the OCSF status is "Suppressed".
    if (detail::lower(in.string(finding, "status", path).value_or("")) == "suppressed") {
      ++out.report.suppressed;
      out.report.suppressed_fingerprints.insert(detail::fingerprint_of({"docket-prowler/v1", scope, *uid}));  // muted, not fixed
      continue;
    }
    const std::string title = info ? in.string(*info, "title", path + ".finding_info").value_or(*check) : *check;
    core::ScanFinding f = detail::make_finding(tool, *check, severity, title, location,
                                               detail::fingerprint_of({"docket-prowler/v1", scope, *uid}), secrets_check(*check));
    f.format = core::ReportFormat::prowler;
    f.resource_type = detail::stored_text(resource_type, 80);
    out.add(std::move(f));
  }
  out.report.tools.insert(detail::stored_tool(tool));
  out.report.complete_tools.insert(detail::stored_tool(tool));  // Prowler writes `[]` when a run found nothing
  return std::move(out.report);
}

}  // namespace docket::codec
