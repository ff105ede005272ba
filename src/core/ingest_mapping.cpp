#include "docket/core/ingest_mapping.hpp"

#include <algorithm>
#include <cctype>

namespace docket::core {
namespace {

bool mentions_iam(std::string_view resource_type) {
  std::string lower(resource_type);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("iam") != std::string::npos;
}

// The entry of `map` for `TOOL:RULE`, else for `RULE`.
template <typename Value>
const Value* lookup(const std::map<std::string, Value>& map, const ScanFinding& finding) {
  if (map.empty()) return nullptr;
  if (const auto it = map.find(finding.tool + ":" + finding.rule); it != map.end()) return &it->second;
  if (const auto it = map.find(finding.rule); it != map.end()) return &it->second;
  return nullptr;
}

}  // namespace

std::optional<std::string> builtin_template(const ScanFinding& finding) {
  if (finding.secret) return std::string("leaked-secret");
  if (finding.format == ReportFormat::access_analyzer) return std::string("excessive-privilege");
  if (finding.format == ReportFormat::prowler && (finding.rule.starts_with("iam_") || mentions_iam(finding.resource_type)))
    return std::string("excessive-privilege");
  return std::nullopt;
}

const std::string* mapped_template(const IngestMapping& mapping, const ScanFinding& finding) {
  return lookup(mapping.templates, finding);
}

std::optional<Severity> mapped_severity(const IngestMapping& mapping, const ScanFinding& finding) {
  if (const Severity* severity = lookup(mapping.severities, finding)) return *severity;
  return std::nullopt;
}

std::optional<std::string> choose_template(const ScanFinding& finding, const std::map<std::string, std::string>& run_map,
                                           const IngestMapping& mapping,
                                           const std::map<std::string, Template>& store_templates) {
  if (const auto it = run_map.find(finding.rule); it != run_map.end()) return it->second;
  if (const auto it = run_map.find("*"); it != run_map.end()) return it->second;
  if (const std::string* name = mapped_template(mapping, finding)) return *name;
  // A store made without a built-in template (or that removed it) opens with its default.
  if (auto name = builtin_template(finding); name && store_templates.count(*name)) return name;
  return std::nullopt;
}

std::optional<Severity> choose_severity(const ScanFinding& finding, const IngestMapping& mapping) {
  if (const auto severity = mapped_severity(mapping, finding)) return severity;
  return finding.severity;
}

}  // namespace docket::core
