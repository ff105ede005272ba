// trufflehog's `--json` output → core::ScanReport. One JSON object per finding, usually one
// per line; trufflehog's own log lines mixed in (`2>&1`) are skipped and counted. Read:
// DetectorName, Verified, `SourceMetadata.Data.<kind>` (where the secret was found) and, only to
// hash them into the identity, `Raw` and `RawV2`. Never kept: `Raw`, `RawV2` and `Redacted` hold
// the secret (Redacted keeps an AWS key id in clear), and `ExtraData` may describe the account.

#include <algorithm>
#include <array>

#include "docket/codec/sarif.hpp"
#include "scan_support.hpp"

namespace docket::codec {
namespace {

constexpr const char* kHint = "give the output of trufflehog --json (one JSON object per finding)";

// Members of a place that change while the finding does not (a link's format, the committer's
// address, a repository's visibility, an object's metadata): left out of the identity.
// `repository_local_path` (trufflehog 3.90.6 and later) is the folder trufflehog cloned into: a
// new temporary folder on every run.
constexpr std::array<std::string_view, 7> kVolatile{"link",       "email", "visibility",           "content_type",
                                                    "updated_at", "acl",   "repository_local_path"};
constexpr std::array<const char*, 6> kContainers{"repository", "bucket", "image", "channel_name", "channel", "channel_id"};
constexpr std::array<const char*, 5> kFiles{"file", "path", "key", "object", "filename"};

bool is_file_key(std::string_view key) {
  return std::find(kFiles.begin(), kFiles.end(), key) != kFiles.end();
}

// What trufflehog's own log lines in a report say.
struct LogLines {
  bool errors = false;  // an error-level line: the scan may have missed things
};

// trufflehog's text log, `<RFC 3339 time><TAB><level><TAB>trufflehog…<TAB><message>…`, and its
// banner line. Any other text is refused: a wrong file (a CI job's log, a README) must not read
// as a scan that found nothing, which would mark every finding not seen.
bool trufflehog_log_line(std::string_view line, LogLines& seen) {
  if (line.find("TruffleHog. Unearth your secrets.") != std::string_view::npos) return true;
  const auto digit = [&](std::size_t i) { return i < line.size() && line[i] >= '0' && line[i] <= '9'; };
  const bool dated = digit(0) && digit(1) && digit(2) && digit(3) && line.size() > 10 && line[4] == '-' && digit(5) &&
                     digit(6) && line[7] == '-' && digit(8) && digit(9) && line[10] == 'T';
  if (!dated) return false;
  const auto tab = line.find('\t');
  if (tab == std::string_view::npos) return false;
  const auto level_end = line.find('\t', tab + 1);
  if (level_end == std::string_view::npos || !line.substr(level_end + 1).starts_with("trufflehog")) return false;
  const std::string_view level = line.substr(tab + 1, level_end - tab - 1);
  if (level == "error" || level == "fatal" || level == "panic" || level == "dpanic") seen.errors = true;
  return true;
}

// trufflehog's JSON log (`--log-level` with `--json`): `{"level": …, "msg": …}` and no finding.
bool is_json_log(const detail::json& value, LogLines& seen) {
  if (!value.is_object() || !value.contains("level") || !value.contains("msg") || value.contains("DetectorName")) return false;
  const auto& level = value["level"];
  if (level.is_string()) {
    const auto& text = level.get_ref<const std::string&>();
    if (text == "error" || text == "fatal" || text == "panic" || text == "dpanic") seen.errors = true;
  }
  return true;
}

struct Place {
  std::string kind;                                        // Github, Git, Filesystem, Docker, Slack, S3…
  std::vector<std::pair<std::string, std::string>> parts;  // every stable scalar member, file paths relative
  std::string location;                                    // for people
};

std::string scalar_text(const detail::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer() || value.is_number_unsigned() || value.is_boolean()) return value.dump();
  return {};
}

// `SourceMetadata.Data` holds one object named after the source kind with the place.
Place place_of(const detail::JsonReader& in, const detail::json& finding, const std::string& path, const ScanOptions& options,
               std::size_t& absolute) {
  Place out;
  const detail::json* metadata = in.object(finding, "SourceMetadata", path);
  if (!metadata) return out;
  const detail::json* data = in.object(*metadata, "Data", path + ".SourceMetadata");
  if (!data || data->empty()) return out;
  const auto first = data->begin();
  out.kind = first.key();
  const detail::json& place = first.value();
  if (!place.is_object()) return out;
  const std::string at = path + ".SourceMetadata.Data." + first.key();

  // Only a filesystem scan reports paths of this machine's file system; an image's, a bucket's
  // or a repository's paths are names inside that source and are kept as they are.
  const bool host_paths = out.kind == "Filesystem";
  const auto relative = [&](const std::string& name, bool* left_absolute) {
    return host_paths ? checkout_relative(name, options, PathForm::plain, left_absolute) : name;
  };
  std::string container, file, commit, layer;
  for (const char* key : kContainers)
    if (auto value = in.string(place, key, at); value && !value->empty()) {
      container = *value;
      break;
    }
  if (container.ends_with(".git")) container.resize(container.size() - 4);
  bool left_absolute = false;
  for (const char* key : kFiles)
    if (auto value = in.string(place, key, at); value && !value->empty()) {
      file = relative(*value, &left_absolute);
      break;
    }
  if (left_absolute) ++absolute;
  if (auto value = in.string(place, "commit", at)) commit = *value;
  if (auto value = in.string(place, "layer", at)) layer = *value;
  const std::int64_t line = in.integer(place, "line", at).value_or(0);

  for (const auto& [key, value] : place.items()) {
    if (std::find(kVolatile.begin(), kVolatile.end(), key) != kVolatile.end()) continue;
    std::string text = scalar_text(value);
    if (text.empty()) continue;
    if (is_file_key(key)) text = relative(text, nullptr);
    out.parts.emplace_back(key, std::move(text));
  }  // nlohmann keeps members sorted by key: the parts are in a stable order

  const auto where = [&](const std::string& name) {
    if (name.empty()) return container;
    return (container.empty() ? "" : container + "/") + name + (line > 0 ? ":" + std::to_string(line) : "");
  };
  out.location = where(file);
  if (!layer.empty()) out.location += " (layer " + layer.substr(0, 19) + ")";
  if (!commit.empty()) out.location += " (commit " + commit.substr(0, 12) + ")";
  return out;
}

}  // namespace

core::ScanReport read_trufflehog_json(std::string_view text, std::string_view source, const ScanOptions& options) {
  const auto decoded = detail::decoded_unicode(text, source);
  if (decoded) text = *decoded;
  detail::FindingCollector out;
  LogLines logs;
  const auto values = detail::top_level_json_values(
      text, source, [&logs](std::string_view line) { return trufflehog_log_line(line, logs); }, &out.report.log_lines);
  const detail::JsonReader in(source);
  const std::string tool = detail::tool_name(options.tool.value_or("trufflehog"));
  const std::string scope = options.tool ? detail::lower(*options.tool) : std::string{};
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string path = "finding " + std::to_string(i + 1);
    const detail::json finding =
        detail::parse_json_value(values[i], std::string(source) + ": " + path, "trufflehog JSON output");
    detail::refuse_other_format(source, finding, "trufflehog", "trufflehog JSON output");
    if (finding.is_array())
      detail::bad_report(source, "is a JSON list; trufflehog --json writes one object per finding", kHint);
    if (!finding.is_object()) in.fail(path, "is not a JSON object", kHint);
    if (is_json_log(finding, logs)) {
      ++out.report.log_lines;
      continue;
    }
    const auto detector = in.string(finding, "DetectorName", path);
    if (!detector || detector->empty()) in.fail(path, "has no DetectorName: this is not a trufflehog finding", kHint);
    // A secret the issuer confirmed live is the most urgent kind; otherwise the template decides.
    const bool verified = in.boolean(finding, "Verified", path).value_or(false);
    const Place place = place_of(in, finding, path, options, out.report.absolute_locations);
    // The identity (docs/ingest.md): the detector, where the secret was found (every stable
    // member of the place, so one key in two images or two channels is two findings) and a
    // hash of the secret (so two keys in one file are two findings) — never the secret.
    const std::string secret_hash = detail::fingerprint_of(
        {"trufflehog-secret", in.string(finding, "Raw", path).value_or(""), in.string(finding, "RawV2", path).value_or("")});
    std::vector<std::string> parts{"docket-finding/v2", "trufflehog", scope, *detector, place.kind, secret_hash};
    for (const auto& [key, value] : place.parts) {
      parts.push_back(key);
      parts.push_back(value);
    }
    core::ScanFinding found = detail::make_finding(tool, *detector, verified ? std::optional(Severity::critical) : std::nullopt,
                                                   *detector + (verified ? " secret, verified live" : " secret"), place.location,
                                                   detail::fingerprint_of(parts), true);
    // No former identity: the one docket gave before (repository, file and line only) was
    // coarser, and matching it would let a new secret at an old place pass as the old one.
    out.add(std::move(found));
  }
  out.report.tools.insert(detail::stored_tool(tool));
  // No output means trufflehog found nothing; a run that logged an error may have missed
  // things, so it marks nothing as gone.
  if (logs.errors)
    detail::warn(out.report, std::string(source) + ": trufflehog logged an error; findings it did not report are not marked not seen");
  else
    out.report.complete_tools.insert(detail::stored_tool(tool));
  return std::move(out.report);
}

}  // namespace docket::codec
