// gitleaks' native JSON report → core::ScanReport. Only RuleID, File, StartLine and Description
// are read: `Secret` and `Match` hold the secret, and `Commit`, `Author`, `Email`, `Date`,
// `Message` and `Fingerprint` (`<commit>:<file>:<rule>:<line>` for git scans) are commit
// metadata, not the finding's identity. The identity is the same location hash a gitleaks SARIF
// report of the same finding gets, so the two formats can be mixed over time.

#include "docket/codec/sarif.hpp"
#include "scan_support.hpp"

namespace docket::codec {

core::ScanReport read_gitleaks_json(std::string_view text, std::string_view source, const ScanOptions& options) {
  constexpr const char* kHint = "give the output of gitleaks --report-format json (a JSON list of findings)";
  const detail::json report = detail::parse_report_document(text, source, "a gitleaks JSON report", kHint);
  detail::refuse_other_format(source, report, "gitleaks", "gitleaks' JSON report");
  const detail::JsonReader in(source);
  if (!report.is_array()) detail::bad_report(source, "is not a gitleaks JSON report (its top level is not a list)", kHint);

  const std::string tool = detail::tool_name(options.tool.value_or("gitleaks"));
  detail::FindingCollector out;
  for (std::size_t i = 0; i < report.size(); ++i) {
    const std::string path = "[" + std::to_string(i) + "]";
    const auto& finding = report[i];
    if (!finding.is_object()) in.fail(path, "is not an object", kHint);
    const auto rule = in.string(finding, "RuleID", path);
    if (!rule || rule->empty()) in.fail(path, "has no RuleID: this is not a gitleaks finding", kHint);
    const std::string file = in.string(finding, "File", path).value_or("");
    const std::int64_t line = in.integer(finding, "StartLine", path).value_or(0);
    const std::string location = file.empty() ? std::string{} : line > 0 ? file + ":" + std::to_string(line) : file;
    out.add(detail::make_finding(tool, *rule, std::nullopt, in.string(finding, "Description", path).value_or(""), location,
                                 {}, true));
  }
  out.report.tools.insert(detail::stored_tool(tool));
  out.report.complete_tools.insert(detail::stored_tool(tool));  // gitleaks writes `[]` when it finds nothing
  return std::move(out.report);
}

}  // namespace docket::codec
