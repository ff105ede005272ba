#include "docket/app/ingest.hpp"

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "docket/codec/command_json.hpp"
#include "docket/codec/commit_message.hpp"
#include "docket/codec/finding_sources.hpp"
#include "docket/core/error.hpp"
#include "docket/core/ingest_mapping.hpp"
#include "exception_support.hpp"

namespace docket::app {
namespace {

// Thrown out of the commit transaction when the run changes nothing: no empty commit is made.
struct NothingChanged {};

std::string format_name(ReportFormat format) {
  switch (format) {
    case ReportFormat::sarif: return "SARIF log";
    case ReportFormat::gitleaks: return "gitleaks JSON report";
    case ReportFormat::trufflehog: return "trufflehog JSON output";
    case ReportFormat::access_analyzer: return "Access Analyzer findings list";
    case ReportFormat::prowler: return "Prowler OCSF report";
    case ReportFormat::github_secret_scanning: return "GitHub secret scanning alerts list";
    case ReportFormat::trivy: return "trivy JSON report";
  }
  return "report";
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}


}  // namespace

core::ScanReport read_report_file(const std::filesystem::path& file, ReportFormat format, const codec::ScanOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw Error(ExitCode::usage, file.string() + " is a folder, not a " + format_name(format), "name the report file");
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw Error(ExitCode::not_found, "cannot read report " + file.string() + ": " + ec.message(), "check the path");
  if (size > codec::kMaxReportBytes)
    throw Error(ExitCode::usage,
                file.string() + ": the report is " + std::to_string(size) + " bytes, over the limit of " +
                    std::to_string(codec::kMaxReportBytes) + " bytes",
                "split the scan into several reports");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ExitCode::not_found, "cannot read report " + file.string(), "check the path and its permissions");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(ExitCode::not_found, "reading " + file.string() + " failed part-way", "check the file and retry");
  const std::string text = buffer.str();
  const std::string source = file.string();
  switch (format) {
    case ReportFormat::sarif: return codec::read_sarif(text, source, options);
    case ReportFormat::gitleaks: return codec::read_gitleaks_json(text, source, options);
    case ReportFormat::trufflehog: return codec::read_trufflehog_json(text, source, options);
    case ReportFormat::access_analyzer: return codec::read_access_analyzer_json(text, source, options);
    case ReportFormat::prowler: return codec::read_prowler_ocsf(text, source, options);
    case ReportFormat::github_secret_scanning: return codec::read_github_secret_scanning_json(text, source, options);
    case ReportFormat::trivy: return codec::read_trivy_json(text, source, options);
  }
  throw Error(ExitCode::internal, "unknown report format");
}

std::optional<std::string> CheckoutFinder::root_of(std::string_view absolute_path) {
  const std::filesystem::path path(absolute_path);
  if (!path.is_absolute()) return std::nullopt;
  return root_of_folder(path.parent_path(), 0);
}

std::optional<std::string> CheckoutFinder::root_of_folder(const std::filesystem::path& folder, int depth) {
  const std::string key = folder.string();
  if (const auto it = memo_.find(key); it != memo_.end()) return it->second;
  // Folders nest only so deep, and each costs a look at the file system: both are bounded.
  if (depth > 512 || budget_ == 0) return std::nullopt;
  std::optional<std::string> root;
  if (folder.has_parent_path() && folder.parent_path() != folder) root = root_of_folder(folder.parent_path(), depth + 1);
  if (!root && budget_ > 0) {
    --budget_;
    std::error_code ec;
    if (std::filesystem::exists(folder / ".git", ec)) root = key;
  }
  memo_.emplace(key, root);
  return root;
}

std::vector<std::string> checkout_bases(const std::filesystem::path& dir, const std::filesystem::path& cwd) {
  if (dir.empty()) throw Error(ExitCode::usage, "--base needs a folder", "e.g. --base \"$GITHUB_WORKSPACE\"");
  const std::string text_form = dir.string();
  if (text_form.size() >= 3 && std::isalpha(static_cast<unsigned char>(text_form[0])) && text_form[1] == ':' &&
      (text_form[2] == '/' || text_form[2] == '\\'))
    return {text_form};  // a Windows runner's checkout: codec::normal_path puts it in one spelling
  const std::filesystem::path given = (dir.is_absolute() ? dir : cwd / dir).lexically_normal();
  std::string text = given.string();
  while (text.size() > 1 && text.ends_with('/')) text.pop_back();
  std::vector<std::string> bases{text};
  std::error_code ec;
  const auto resolved = std::filesystem::weakly_canonical(given, ec);
  if (!ec) {
    std::string other = resolved.string();
    while (other.size() > 1 && other.ends_with('/')) other.pop_back();
    if (other != text) bases.push_back(other);
  }
  return bases;
}

std::string finding_title(const core::ScanFinding& finding) {
  return finding.tool + ": " + finding.rule + (finding.location.empty() ? "" : " in " + finding.location);
}

IngestResult ingest_reports(Session& session, const IngestRequest& request) {
  if (request.files.empty()) throw Error(ExitCode::usage, "no report files were given", "name at least one FILE");
  // Every file is read and checked before the store is touched: an invalid one changes nothing.
  codec::ScanOptions options = request.options;
  CheckoutFinder checkouts;
  if (options.bases.empty() && !options.checkout_root)
    options.checkout_root = [&checkouts](std::string_view path) { return checkouts.root_of(path); };
  core::ScanReport report;
  for (const auto& file : request.files) core::merge_reports(report, read_report_file(file, request.format, options));

  IngestResult result;
  try {
    const store::ObjectId commit = session.commit([&](const store::Snapshot& snap) -> Session::Commit {
      result = IngestResult{};  // the transaction may run again after a lost race
      const StoreConfig config = load_config(snap);
      session.check_signer_allowed(config);
      for (const auto& [rule, name] : request.template_map) (void)find_template(config, name);
      const std::vector<core::RecordSummary> records = session.index().summaries(snap);
      const core::IngestPlan plan = core::plan_ingest(records, report);
      if (plan.changes_nothing()) {
        result.known = plan.known;
        throw NothingChanged{};
      }
      const core::Context ctx{session.actor().email, session.now(), config.policy};
      const core::RecurrenceLookup earlier(records);
      IdAllocator ids(snap, config.policy.id_prefix);
      std::vector<store::Change> changes;
      std::vector<std::pair<ExceptionId, std::string>> replays;
      const std::size_t total = plan.to_open.size() + plan.seen_again.size() + plan.not_seen.size() + plan.reidentify.size();
      changes.reserve(total);
      replays.reserve(total);
      const auto add = [&](const Record& r, const std::string& replay) {
        changes.push_back(record_change(r));
        replays.emplace_back(r.id, replay);
        if (request.progress) request.progress(changes.size(), total);
      };
      result.opened.reserve(plan.to_open.size());
      for (const std::size_t index : plan.to_open) {
        const core::ScanFinding& finding = report.findings[index];
        OpenRequest open;
        open.title = finding_title(finding);
        open.template_name = core::choose_template(finding, request.template_map, config.policy.ingest, config.templates);
        open.severity = core::choose_severity(finding, config.policy.ingest);
        open.source = Source{finding.tool, finding.rule, finding.fingerprint, finding.location};
        open.source.tool_fingerprint = finding.tool_fingerprint;
        PreparedOpen prepared = prepare_open(config, earlier, ids, open, ctx);
        add(prepared.record, prepared.replay);
        result.opened.push_back(std::move(prepared.record));
      }
      // Only the records a scan marks are read in full.
      const auto mark = [&](const ExceptionId& id, const auto& make_command, std::vector<Record>& into) {
        const Record before = load_record(snap, id);
        const core::Command command = make_command(before);
        Record after = core::apply(before, command, ctx);
        add(after, codec::command_to_json(before.id, command));
        into.push_back(std::move(after));
      };
      for (const auto& id : plan.seen_again)
        mark(id, [](const Record& before) { return core::MarkSeen{"reported again by a " + before.source.tool + " scan"}; },
             result.seen_again);
      for (const auto& id : plan.not_seen)
        mark(id,
             [](const Record& before) { return core::MarkNotSeen{"not reported by a complete " + before.source.tool + " scan"}; },
             result.not_seen);
      for (const auto& [id, index] : plan.reidentify) {
        const core::ScanFinding& finding = report.findings[index];
        mark(id,
             [&](const Record& before) {
               return core::Reidentify{finding.fingerprint, finding.location,
                                       "reported by a " + before.source.tool + " scan under the identity docket gives it today"};
             },
             result.reidentified);
      }
      std::vector<const Record*> written;
      for (const auto* list : {&result.opened, &result.seen_again, &result.not_seen, &result.reidentified})
        for (const Record& r : *list) written.push_back(&r);
      result.known = plan.known;
      const codec::IngestCounts counts{plan.to_open.size(), plan.seen_again.size(), plan.not_seen.size(),
                                       plan.reidentify.size()};
      return {std::move(changes), codec::ingest_message(codec::ingest_subject(joined(report.tools), counts), replays),
              std::move(written)};
    });
    result.commit = commit;
  } catch (const NothingChanged&) {
    // Re-running the same scan opens nothing and writes nothing.
  }
  result.findings = report.findings.size();
  result.suppressed = report.suppressed;
  result.duplicates = report.duplicates;
  result.placeholder_fingerprints = report.placeholder_fingerprints;
  result.log_lines = report.log_lines;
  result.absolute_locations = report.absolute_locations;
  result.warnings = report.warnings;
  result.skipped = report.skipped;
  result.tools = report.tools;
  result.complete_tools = report.complete_tools;
  return result;
}

}  // namespace docket::app
