// AWS IAM Access Analyzer findings (`aws accessanalyzer list-findings-v2`) → core::ScanReport.
// The contract — fields read, identity, status, completeness — is in codec/finding_sources.hpp.

#include "docket/codec/finding_sources.hpp"
#include "scan_support.hpp"

namespace docket::codec {
namespace {

constexpr const char* kFormat = "an Access Analyzer findings list";
constexpr const char* kHint =
    "give the output of aws accessanalyzer list-findings-v2 --analyzer-arn ARN (an object with a \"findings\" list)";

}  // namespace

core::ScanReport read_access_analyzer_json(std::string_view text, std::string_view source, const ScanOptions& options) {
  const detail::json report = detail::parse_report_document(text, source, kFormat, kHint);
  detail::refuse_other_format(source, report, "access-analyzer", kFormat);
  const detail::JsonReader in(source);
  if (!report.is_object()) detail::bad_report(source, "is not " + std::string(kFormat) + " (its top level is not an object)", kHint);
  const detail::json* findings = in.array(report, "findings", "$");
  if (!findings) detail::bad_report(source, "has no \"findings\" list: it is not " + std::string(kFormat), kHint);
  // More pages follow: what this page leaves out is not gone.
  const bool complete = in.string(report, "nextToken", "$").value_or("").empty();

  const std::string tool = detail::tool_name(options.tool.value_or("access-analyzer"));
  const std::string scope = options.tool.value_or("");
  detail::FindingCollector out;
  for (std::size_t i = 0; i < findings->size(); ++i) {
    const std::string path = "findings[" + std::to_string(i) + "]";
    const detail::json& finding = (*findings)[i];
    if (!finding.is_object()) in.fail(path, "is not an object", kHint);
    const auto id = in.string(finding, "id", path);
    if (!id || id->empty()) in.fail(path, "has no id: this is not an Access Analyzer finding", kHint);
    const auto status = in.string(finding, "status", path);
    if (!status) in.fail(path, "has no status", "Access Analyzer findings are ACTIVE, ARCHIVED or RESOLVED");
    if (*status != "ACTIVE" && *status != "ARCHIVED" && *status != "RESOLVED")
      in.fail(path + ".status", "'" + detail::stored_text(*status, 40) + "' is not ACTIVE, ARCHIVED or RESOLVED");
    if (*status == "RESOLVED") continue;  // the access is gone
    // The resource is part of the identity: a finding without one is refused, not read as another.
    const auto resource_name = in.string(finding, "resource", path);
    if (!resource_name || resource_name->empty())
      in.fail(path, "has no resource: an Access Analyzer finding names the resource it is about", kHint);
    const std::string identity = detail::fingerprint_of({"docket-access-analyzer/v1", scope, *id, *resource_name});
    if (*status == "ARCHIVED") {
      ++out.report.suppressed;  // archived by a person or an archive rule: a decision, like a suppression
      out.report.suppressed_fingerprints.insert(identity);  // not fixed: never "not seen"
      continue;
    }
    // list-findings (v1) lists external access findings only, without a findingType.
    const std::string type = in.string(finding, "findingType", path).value_or("ExternalAccess");
    const std::string& resource = *resource_name;
    const std::string resource_type = in.string(finding, "resourceType", path).value_or("");
    const auto error = in.string(finding, "error", path);
    const std::string message = type + (resource_type.empty() ? "" : " on " + resource_type) +
                                (error ? " (analysis error: " + *error + ")" : "");
    core::ScanFinding f = detail::make_finding(tool, type, std::nullopt, message, resource,
                                               identity, false);
    f.format = core::ReportFormat::access_analyzer;
    f.resource_type = detail::stored_text(resource_type, 80);
    out.add(std::move(f));
  }
  out.report.tools.insert(detail::stored_tool(tool));
  if (complete) out.report.complete_tools.insert(detail::stored_tool(tool));
  return std::move(out.report);
}

}  // namespace docket::codec
