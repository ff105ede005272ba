// docket ingest: open exceptions from scanner reports (SARIF, gitleaks JSON, trufflehog JSON) and
// other sources of NHI findings (Access Analyzer, Prowler OCSF, GitHub secret scanning, trivy JSON).
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <optional>
#include <cstdio>

#include "cli.hpp"
#include "docket/codec/json.hpp"
#include "command_support.hpp"
#include "docket/app/ingest.hpp"
#include "docket/core/error.hpp"
#include "docket/core/time.hpp"

namespace docket::cli {
namespace {

struct IngestOptions {
  std::vector<std::string> files;
  std::string tool;
  std::optional<std::string> base;
  std::vector<std::string> template_map;
  bool json = false;
};

std::map<std::string, std::string> parse_template_map(const std::vector<std::string>& entries) {
  std::map<std::string, std::string> map;
  for (const auto& entry : entries) {
    const auto equals = entry.rfind('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size())
      throw Error(ExitCode::usage, "--template-map '" + entry + "' is not RULE=TEMPLATE",
                  "e.g. --template-map aws-access-token=leaked-secret, or --template-map '*=generic' for every other rule");
    const std::string rule = entry.substr(0, equals);
    if (const auto it = map.find(rule); it != map.end() && it->second != entry.substr(equals + 1))
      throw Error(ExitCode::usage, "--template-map names rule '" + rule + "' twice, as " + it->second + " and " + entry.substr(equals + 1),
                  "give one template per rule");
    map[rule] = entry.substr(equals + 1);
  }
  return map;
}

void print_result(CommandContext& ctx, const app::IngestResult& result, bool json) {
  if (json) {
    nlohmann::json opened = nlohmann::json::array(), seen_again = nlohmann::json::array(), not_seen = nlohmann::json::array(),
                   known = nlohmann::json::array();
    for (const auto& r : result.opened) opened.push_back(codec::to_json(r));
    for (const auto& r : result.seen_again) seen_again.push_back(codec::to_json(r));
    for (const auto& r : result.not_seen) not_seen.push_back(codec::to_json(r));
    nlohmann::json reidentified = nlohmann::json::array();
    for (const auto& r : result.reidentified) reidentified.push_back(codec::to_json(r));
    for (const auto& id : result.known) known.push_back(id.str());
    *ctx.out << nlohmann::json{{"schema_version", codec::kJsonSchemaVersion},
                               {"opened", opened},
                               {"known", known},
                               {"seen_again", seen_again},
                               {"not_seen", not_seen},
                               {"reidentified", reidentified},
                               {"findings", result.findings},
                               {"suppressed", result.suppressed},
                               {"duplicates", result.duplicates},
                               {"placeholder_fingerprints", result.placeholder_fingerprints},
                               {"log_lines", result.log_lines},
                               {"absolute_locations", result.absolute_locations},
                               {"warnings", result.warnings},
                               {"skipped", result.skipped},
                               {"tools", result.tools},
                               {"complete_tools", result.complete_tools},
                               {"commit", result.commit ? nlohmann::json(result.commit->hex) : nlohmann::json(nullptr)}}
                    .dump(2)
             << "\n";
    return;
  }
  std::string text;
  for (const auto& r : result.opened) text += "opened      " + r.id.str() + "  " + r.title + "\n";
  for (const auto& r : result.seen_again) text += "seen again  " + r.id.str() + "  " + r.title + "\n";
  for (const auto& r : result.not_seen) text += "not seen    " + r.id.str() + "  " + r.title + "\n";
  for (const auto& r : result.reidentified) text += "identity    " + r.id.str() + "  " + r.title + "\n";
  text += "opened " + std::to_string(result.opened.size()) + ", already known " + std::to_string(result.known.size()) +
          ", not seen since this run " + std::to_string(result.not_seen.size()) + ", seen again " +
          std::to_string(result.seen_again.size()) +
          (result.reidentified.empty() ? "" : ", given today's identity " + std::to_string(result.reidentified.size())) + " (" +
          std::to_string(result.findings) + " findings";
  if (result.suppressed) text += ", " + std::to_string(result.suppressed) + " suppressed in the report";
  if (result.duplicates) text += ", " + std::to_string(result.duplicates) + " duplicates";
  if (result.log_lines) text += ", " + std::to_string(result.log_lines) + " scanner log lines skipped";
  if (result.skipped) text += ", " + std::to_string(result.skipped) + " skipped (not identity findings)";
  text += ")\n";
  if (result.placeholder_fingerprints)
    text += "note: " + std::to_string(result.placeholder_fingerprints) +
            " results shared a fingerprint with other lines of the same rule and file (a placeholder, not an identity); "
            "they were identified by rule and location instead\n";
  if (result.absolute_locations)
    text += "note: " + std::to_string(result.absolute_locations) +
            " locations are absolute paths outside any git checkout here; give --base DIR (the scanned checkout) so "
            "runners with other workspaces find the same findings\n";
  for (const auto& warning : result.warnings) text += "warning: " + warning + "\n";
  if (result.findings == 0 && result.suppressed == 0 && !result.not_seen.empty())
    text += "note: the reports list no findings at all, so " + std::to_string(result.not_seen.size()) +
            " exceptions were marked not seen; if the scan did not cover what it covered before (another repository, "
            "a first page only), give it its own --tool\n";
  if (!result.commit) text += "nothing changed; no commit made\n";
  for (const auto& tool : result.tools)
    if (!result.complete_tools.count(tool))
      text += "note: the " + tool + " run did not complete, so none of its findings were marked not seen\n";
  print_human(*ctx.out, text);
}

void add_format(CLI::App& cmd, CommandContext& ctx, const char* name, const char* summary, app::ReportFormat format) {
  auto opts = std::make_shared<IngestOptions>();
  CLI::App* sub = cmd.add_subcommand(name, summary);
  sub->add_option("FILE", opts->files, "Report files (one commit for all of them)")->required();
  sub->add_option("--tool", opts->tool, "Tool name for every finding; also scopes identity and 'not seen' marking");
  // Only the formats whose findings are files of a checkout take --base.
  if (format == app::ReportFormat::sarif || format == app::ReportFormat::gitleaks || format == app::ReportFormat::trufflehog)
    sub->add_option("--base", opts->base,
                    "The scanned checkout: absolute paths under it are made relative (default: the outermost git checkout "
                    "that holds each path)");
  sub->add_option("--template-map", opts->template_map, "RULE=TEMPLATE (repeatable; RULE '*' for every other rule)");
  sub->add_flag("--json", opts->json, "Print the result as JSON");
  sub->callback([&ctx, opts, format] {
    app::IngestRequest req;
    req.format = format;
    const auto settings = ctx.settings();
    for (const auto& f : opts->files) req.files.push_back(settings.cwd / f);
    if (!opts->tool.empty()) req.options.tool = opts->tool;
    if (opts->base) req.options.bases = app::checkout_bases(*opts->base, settings.cwd);
    req.template_map = parse_template_map(opts->template_map);
    // A progress line on a terminal for runs over a second: count and rate, redrawn in place.
    const auto started = std::chrono::steady_clock::now();
    auto last = started;
    bool shown = false;
    if (::isatty(2) == 1)
      req.progress = [&](std::size_t done, std::size_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (now - started < std::chrono::seconds(1) || (now - last < std::chrono::milliseconds(200) && done != total)) return;
        last = now;
        const double seconds = std::chrono::duration<double>(now - started).count();
        std::fprintf(stderr, "\rdocket: ingest: %zu/%zu records prepared (%.0f/s)", done, total, static_cast<double>(done) / seconds);
        shown = true;
      };
    app::Session session(settings);
    const auto result = app::ingest_reports(session, req);
    if (shown) std::fprintf(stderr, "\n");
    print_result(ctx, result, opts->json);
  });
}

}  // namespace

void attach_ingest(CLI::App& cmd, CommandContext& ctx) {
  cmd.require_subcommand(1);
  add_format(cmd, ctx, "sarif", "Ingest SARIF 2.1.0 logs from any scanner", app::ReportFormat::sarif);
  add_format(cmd, ctx, "gitleaks", "Ingest gitleaks' JSON report (--report-format json)", app::ReportFormat::gitleaks);
  add_format(cmd, ctx, "trufflehog", "Ingest trufflehog's JSON lines (--json)", app::ReportFormat::trufflehog);
  add_format(cmd, ctx, "access-analyzer", "Ingest AWS IAM Access Analyzer findings (aws accessanalyzer list-findings-v2)",
             app::ReportFormat::access_analyzer);
  add_format(cmd, ctx, "prowler", "Ingest Prowler's OCSF JSON (-M json-ocsf)", app::ReportFormat::prowler);
  add_format(cmd, ctx, "github-secret-scanning", "Ingest GitHub secret scanning alerts (REST list, e.g. gh api --paginate)",
             app::ReportFormat::github_secret_scanning);
  add_format(cmd, ctx, "trivy", "Ingest trivy's JSON report (--format json): secrets and misconfigurations",
             app::ReportFormat::trivy);
}

}  // namespace docket::cli
