// trivy's JSON report (`trivy … --format json`, SchemaVersion 2) → core::ScanReport: secrets and
// misconfigurations; package vulnerabilities and licences are counted as skipped. The contract —
// fields read, `Match` and `Code` never read, identity — is in codec/finding_sources.hpp.

#include "docket/codec/finding_sources.hpp"
#include "scan_support.hpp"

namespace docket::codec {
namespace {

constexpr const char* kFormat = "a trivy JSON report";
constexpr const char* kHint = "give trivy's JSON report (trivy fs|image|config … --format json); for SARIF use `docket ingest sarif`";
constexpr std::int64_t kSchemaVersion = 2;

struct TrivyReader {
  const detail::JsonReader& in;
  const std::string& tool;
  const std::string& scope;
  detail::FindingCollector& out;

  void add(std::string_view kind, const std::string& target, const std::string& rule, std::optional<Severity> severity,
           const std::string& title, std::int64_t line, bool secret) {
    const std::string line_text = line > 0 ? std::to_string(line) : "";
    const std::string location = target.empty() ? std::string{} : line > 0 ? target + ":" + line_text : target;
    core::ScanFinding f = detail::make_finding(tool, rule, severity, title.empty() ? rule : title, location,
                                               detail::fingerprint_of({"docket-trivy/v1", scope, kind, target, rule, line_text}),
                                               secret);
    f.format = core::ReportFormat::trivy;
    out.add(std::move(f));
  }

  void secrets(const detail::json& list, const std::string& target, const std::string& path) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = path + ".Secrets[" + std::to_string(i) + "]";
      const detail::json& secret = list[i];
      if (!secret.is_object()) in.fail(at, "is not an object");
      const auto rule = in.string(secret, "RuleID", at);
      if (!rule || rule->empty()) in.fail(at, "has no RuleID", kHint);
      add("secret", target, *rule, in.severity(secret, "Severity", at), in.string(secret, "Title", at).value_or(""),
          in.integer(secret, "StartLine", at).value_or(0), true);
    }
  }

  void misconfigurations(const detail::json& list, const std::string& target, const std::string& path) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = path + ".Misconfigurations[" + std::to_string(i) + "]";
      const detail::json& misconfiguration = list[i];
      if (!misconfiguration.is_object()) in.fail(at, "is not an object");
      auto rule = in.string(misconfiguration, "ID", at);
      if (!rule || rule->empty()) rule = in.string(misconfiguration, "AVDID", at);
      if (!rule || rule->empty()) in.fail(at, "has no ID or AVDID", kHint);
      const auto severity = in.severity(misconfiguration, "Severity", at);
      // trivy lists failures only unless asked for more (--include-non-failures).
      const std::string status = in.string(misconfiguration, "Status", at).value_or("FAIL");
      std::int64_t line = 0;
      if (const detail::json* cause = in.object(misconfiguration, "CauseMetadata", at))
        line = in.integer(*cause, "StartLine", at + ".CauseMetadata").value_or(0);
      if (status == "EXCEPTION") {
        ++out.report.suppressed;  // excepted by a trivy policy exception
        continue;
      }
      if (status != "FAIL") continue;
      add("misconfiguration", target, *rule, severity, in.string(misconfiguration, "Title", at).value_or(""), line, false);
    }
  }
};

}  // namespace

core::ScanReport read_trivy_json(std::string_view text, std::string_view source, const ScanOptions& options) {
  const detail::json report = detail::parse_report_document(text, source, kFormat, kHint);
  detail::refuse_other_format(source, report, "trivy", kFormat);
  const detail::JsonReader in(source);
  if (!report.is_object()) detail::bad_report(source, "is not " + std::string(kFormat) + " (its top level is not an object)", kHint);
  const auto version = in.integer(report, "SchemaVersion", "$");
  if (!version) detail::bad_report(source, "has no SchemaVersion: it is not " + std::string(kFormat), kHint);
  if (*version != kSchemaVersion)
    detail::bad_report(source, "is trivy JSON SchemaVersion " + std::to_string(*version) + "; docket reads version 2",
                       "run a trivy release that writes SchemaVersion 2 (0.20 and later)");

  const std::string tool = detail::tool_name(options.tool.value_or("trivy"));
  const std::string scope = options.tool.value_or("");
  detail::FindingCollector out;
  TrivyReader reader{in, tool, scope, out};
  // No Results at all: trivy found nothing to report.
  if (const detail::json* results = in.array(report, "Results", "$")) {
    for (std::size_t i = 0; i < results->size(); ++i) {
      const std::string path = "Results[" + std::to_string(i) + "]";
      const detail::json& result = (*results)[i];
      if (!result.is_object()) in.fail(path, "is not an object");
      const std::string target = in.string(result, "Target", path).value_or("");
      if (const detail::json* list = in.array(result, "Secrets", path)) reader.secrets(*list, target, path);
      if (const detail::json* list = in.array(result, "Misconfigurations", path)) reader.misconfigurations(*list, target, path);
      for (const char* key : {"Vulnerabilities", "Licenses"})
        if (const detail::json* list = in.array(result, key, path)) out.report.skipped += list->size();
    }
  }
  out.report.tools.insert(detail::stored_tool(tool));
  out.report.complete_tools.insert(detail::stored_tool(tool));  // a run reports every target it scanned
  return std::move(out.report);
}

}  // namespace docket::codec
