// GitHub secret scanning alerts (the REST list, e.g. `gh api --paginate
// /orgs/ORG/secret-scanning/alerts`) → core::ScanReport. The contract — fields read, the
// `secret` field never read, identity, states — is in codec/finding_sources.hpp.

#include "docket/codec/finding_sources.hpp"
#include "scan_support.hpp"

namespace docket::codec {
namespace {

constexpr const char* kFormat = "a GitHub secret scanning alerts list";
constexpr const char* kHint =
    "give the REST list of alerts, e.g. gh api --paginate /repos/OWNER/REPO/secret-scanning/alerts > alerts.json";

// `OWNER/REPO` from an alert's web or API address: `https://HOST/OWNER/REPO/security/…` or
// `https://api.HOST/repos/OWNER/REPO/secret-scanning/…`; empty when it has neither shape.
std::string repository_of_address(std::string_view address, std::string_view marker, std::string_view after) {
  const auto scheme = address.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = address.substr(scheme + 3);
  const auto host_end = rest.find('/');
  if (host_end == std::string_view::npos) return {};
  rest = rest.substr(host_end + 1);
  if (!marker.empty()) {
    if (!rest.starts_with(marker)) return {};
    rest.remove_prefix(marker.size());
  }
  const auto owner_end = rest.find('/');
  if (owner_end == std::string_view::npos || owner_end == 0) return {};
  const auto repo_end = rest.find('/', owner_end + 1);
  if (repo_end == std::string_view::npos || repo_end == owner_end + 1) return {};
  if (!rest.substr(repo_end + 1).starts_with(after)) return {};
  return std::string(rest.substr(0, repo_end));
}

std::string repository_of(const detail::JsonReader& in, const detail::json& alert, const std::string& path) {
  if (const detail::json* repository = in.object(alert, "repository", path))
    if (auto name = in.string(*repository, "full_name", path + ".repository"); name && !name->empty()) return *name;
  if (auto address = in.string(alert, "html_url", path))
    if (auto name = repository_of_address(*address, "", "security/secret-scanning/"); !name.empty()) return name;
  if (auto address = in.string(alert, "url", path))
    if (auto name = repository_of_address(*address, "repos/", "secret-scanning/alerts/"); !name.empty()) return name;
  return {};
}

// Resolutions that dismiss an alert without fixing anything: a person's decision, like a suppression.
bool dismissed(std::string_view resolution) {
  return resolution == "false_positive" || resolution == "wont_fix" || resolution == "used_in_tests";
}

}  // namespace

core::ScanReport read_github_secret_scanning_json(std::string_view text, std::string_view source, const ScanOptions& options) {
  const auto values = detail::top_level_json_values(text, source);
  if (values.empty()) detail::bad_report(source, "is empty, not " + std::string(kFormat), kHint);
  const detail::JsonReader in(source);
  const std::string tool = detail::tool_name(options.tool.value_or("github-secret-scanning"));
  const std::string scope = options.tool.value_or("");
  detail::FindingCollector out;
  for (std::size_t page = 0; page < values.size(); ++page) {
    const std::string page_path = values.size() > 1 ? "page " + std::to_string(page + 1) + " " : "";
    const std::string page_source =
        values.size() > 1 ? std::string(source) + ": page " + std::to_string(page + 1) : std::string(source);
    const detail::json alerts = detail::parse_json_value(values[page], page_source, "GitHub secret scanning alerts list");
    detail::refuse_other_format(source, alerts, "github-secret-scanning", kFormat);
    if (alerts.is_object() && alerts.contains("secret_type"))
      detail::bad_report(source, "is one alert, not the list of alerts",
                         "give the whole list: an alert missing from it would be taken as gone (" + std::string(kHint) + ")");
    if (!alerts.is_array())
      detail::bad_report(source, page_path + "is not " + std::string(kFormat) + " (not a JSON list)", kHint);
    for (std::size_t i = 0; i < alerts.size(); ++i) {
      const std::string path = page_path + "[" + std::to_string(i) + "]";
      const detail::json& alert = alerts[i];
      if (!alert.is_object()) in.fail(path, "is not an object", kHint);
      const auto number = in.integer(alert, "number", path);
      if (!number || *number <= 0) in.fail(path, "has no alert number: this is not a GitHub secret scanning alert", kHint);
      const auto type = in.string(alert, "secret_type", path);
      if (!type || type->empty()) in.fail(path, "has no secret_type", kHint);
      const auto state = in.string(alert, "state", path);
      if (!state) in.fail(path, "has no state", "alerts are open or resolved");
      const std::string repository = repository_of(in, alert, path);
      if (repository.empty())
        in.fail(path, "names no repository (no repository.full_name, html_url or url): alert numbers are per repository",
                kHint);
      const std::string identity =
          detail::fingerprint_of({"docket-github-secret-scanning/v1", scope, repository, std::to_string(*number)});
      if (*state == "resolved") {
        if (dismissed(in.string(alert, "resolution", path).value_or(""))) {
          ++out.report.suppressed;
          out.report.suppressed_fingerprints.insert(identity);  // dismissed, not fixed: never "not seen"
        }
        continue;  // revoked, or the pattern changed: nothing is open
      }
      if (*state != "open") in.fail(path + ".state", "'" + detail::stored_text(*state, 40) + "' is neither open nor resolved");
      std::string location = repository;
      if (const detail::json* first = in.object(alert, "first_location_detected", path)) {
        const std::string at = path + ".first_location_detected";
        std::string file = in.string(*first, "path", at).value_or("");
        while (file.starts_with('/')) file.erase(0, 1);
        const std::int64_t line = in.integer(*first, "start_line", at).value_or(0);
        if (!file.empty()) location += "/" + file + (line > 0 ? ":" + std::to_string(line) : "");
      }
      const std::string message = in.string(alert, "secret_type_display_name", path).value_or(*type) + " secret";
      core::ScanFinding f = detail::make_finding(
          tool, *type, std::nullopt, message, location, identity, true);
      f.format = core::ReportFormat::github_secret_scanning;
      out.add(std::move(f));
    }
  }
  out.report.tools.insert(detail::stored_tool(tool));
  out.report.complete_tools.insert(detail::stored_tool(tool));  // the list holds every alert of its scope
  return std::move(out.report);
}

}  // namespace docket::codec
