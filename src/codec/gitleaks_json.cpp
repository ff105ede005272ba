// gitleaks' native JSON report → core::ScanReport, gitleaks 8 (`RuleID`, `File`, `StartLine`…)
// and gitleaks 7 (`rule`, `file`, `lineNumber`…). Only the rule, file, line and description are
// read: gitleaks 8's `Secret` and `Match` and gitleaks 7's `offender` and `line` hold the secret,
// and `Commit`, `Author`, `Email`, `Date` and `Message` are commit metadata, not the finding's
// identity. The identity is the same location hash a gitleaks SARIF report of the same finding
// gets, so the two formats can be mixed over time. gitleaks 8's own `Fingerprint`
// (`<commit>:<file>:<rule>:<line>`, no secret in it) is kept as the tool fingerprint, for
// `docket export --format gitleaksignore`.

#include "docket/codec/sarif.hpp"
#include "scan_support.hpp"

namespace docket::codec {
namespace {

constexpr const char* kHint = "give the output of gitleaks --report-format json (a JSON list of findings)";

struct Fields {
  const char* rule;
  const char* file;
  const char* line;
  const char* description;
};
constexpr Fields kGitleaks8{"RuleID", "File", "StartLine", "Description"};
// gitleaks 7 has no rule id: `rule` is the rule's description ("AWS Access Key"), which its
// SARIF writer also uses as the rule id.
constexpr Fields kGitleaks7{"rule", "file", "lineNumber", "rule"};

// gitleaks 8's Fingerprint when it has the documented form for this finding — `<file>:<rule>:
// <line>`, or `<commit>:` before it with the finding's own Commit — else empty.
std::string kept_fingerprint(const std::optional<std::string>& fingerprint, const std::optional<std::string>& commit,
                             const std::string& rule, const std::string& file, std::int64_t line) {
  if (!fingerprint || file.empty() || line <= 0) return {};
  const std::string tail = file + ":" + rule + ":" + std::to_string(line);
  const bool hex_commit = commit && !commit->empty() && commit->size() <= 64 &&
                          commit->find_first_not_of("0123456789abcdef") == std::string::npos;
  if (*fingerprint != tail && !(hex_commit && *fingerprint == *commit + ":" + tail)) return {};
  // Kept only as written: a value storage would change could not be matched by gitleaks.
  return detail::stored_text(*fingerprint, 400) == *fingerprint ? *fingerprint : std::string{};
}

}  // namespace

core::ScanReport read_gitleaks_json(std::string_view text, std::string_view source, const ScanOptions& options) {
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
    const bool version7 = !finding.contains("RuleID") && finding.contains("rule");
    const Fields& f = version7 ? kGitleaks7 : kGitleaks8;
    const auto rule = in.string(finding, f.rule, path);
    if (!rule || rule->empty()) in.fail(path, "has no RuleID (gitleaks 8) or rule (gitleaks 7): this is not a gitleaks finding", kHint);
    const std::string reported_file = in.string(finding, f.file, path).value_or("");
    bool absolute = false;
    const std::string file = checkout_relative(reported_file, options, PathForm::plain, &absolute);
    if (absolute) ++out.report.absolute_locations;
    const std::int64_t line = std::max<std::int64_t>(in.integer(finding, f.line, path).value_or(0), 0);
    const auto at_line = [&](const std::string& name) {
      return name.empty() ? std::string{} : line > 0 ? name + ":" + std::to_string(line) : name;
    };
    core::ScanFinding found =
        detail::make_finding(tool, *rule, std::nullopt, in.string(finding, f.description, path).value_or(""), at_line(file), {}, true);
    if (file != reported_file) found.former_fingerprints.push_back(detail::location_fingerprint(tool, *rule, at_line(reported_file)));
    if (!version7) found.tool_fingerprint = kept_fingerprint(in.string(finding, "Fingerprint", path), in.string(finding, "Commit", path), *rule,
                                                  reported_file, line);
    out.add(std::move(found));
  }
  out.report.tools.insert(detail::stored_tool(tool));
  out.report.complete_tools.insert(detail::stored_tool(tool));  // gitleaks writes `[]` when it finds nothing
  return std::move(out.report);
}

}  // namespace docket::codec
