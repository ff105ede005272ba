// trufflehog's `--json` output → core::ScanReport. One JSON object per finding, usually one
// per line. Only DetectorName, Verified and the location in SourceMetadata.Data are read:
// `Raw`, `RawV2` and `Redacted` hold the secret (Redacted keeps an AWS key id in clear), and
// `ExtraData` may describe the account behind it.

#include "docket/codec/sarif.hpp"
#include "scan_support.hpp"

namespace docket::codec {
namespace {

constexpr const char* kHint = "give the output of trufflehog --json (one JSON object per finding)";

// `SourceMetadata.Data` holds one object named after the source kind (Github, Filesystem,
// Git, S3…) with the place: a file or object name, a line, and for repositories the repository.
// The commit and link are left out: they name where a secret was introduced, not which one.
std::string location_of(const detail::JsonReader& in, const detail::json& finding, const std::string& path) {
  const detail::json* metadata = in.object(finding, "SourceMetadata", path);
  if (!metadata) return {};
  const detail::json* data = in.object(*metadata, "Data", path + ".SourceMetadata");
  if (!data || data->empty()) return {};
  const auto first = data->begin();
  const detail::json& place = first.value();
  if (!place.is_object()) return {};
  const std::string at = path + ".SourceMetadata.Data." + first.key();
  std::string container;
  for (const char* key : {"repository", "bucket"})
    if (auto value = in.string(place, key, at)) {
      container = *value;
      break;
    }
  if (container.ends_with(".git")) container.resize(container.size() - 4);
  std::string file;
  for (const char* key : {"file", "path", "key", "object"})
    if (auto value = in.string(place, key, at)) {
      file = *value;
      break;
    }
  if (file.empty()) return container;
  const std::int64_t line = in.integer(place, "line", at).value_or(0);
  return (container.empty() ? "" : container + "/") + file + (line > 0 ? ":" + std::to_string(line) : "");
}

}  // namespace

core::ScanReport read_trufflehog_json(std::string_view text, std::string_view source, const ScanOptions& options) {
  const auto values = detail::top_level_json_values(text, source);
  const detail::JsonReader in(source);
  const std::string tool = detail::tool_name(options.tool.value_or("trufflehog"));
  detail::FindingCollector out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string path = "finding " + std::to_string(i + 1);
    const detail::json finding =
        detail::parse_json_value(values[i], std::string(source) + ": " + path, "trufflehog JSON output");
    detail::refuse_other_format(source, finding, "trufflehog", "trufflehog JSON output");
    if (finding.is_array())
      detail::bad_report(source, "is a JSON list; trufflehog --json writes one object per finding", kHint);
    if (!finding.is_object()) in.fail(path, "is not a JSON object", kHint);
    const auto detector = in.string(finding, "DetectorName", path);
    if (!detector || detector->empty()) in.fail(path, "has no DetectorName: this is not a trufflehog finding", kHint);
    // A secret the issuer confirmed live is the most urgent kind; otherwise the template decides.
    const bool verified = in.boolean(finding, "Verified", path).value_or(false);
    out.add(detail::make_finding(tool, *detector, verified ? std::optional(Severity::critical) : std::nullopt,
                                 *detector + (verified ? " secret, verified live" : " secret"), location_of(in, finding, path),
                                 {}, true));
  }
  out.report.tools.insert(detail::stored_tool(tool));
  out.report.complete_tools.insert(detail::stored_tool(tool));  // no output means trufflehog found nothing
  return std::move(out.report);
}

}  // namespace docket::codec
