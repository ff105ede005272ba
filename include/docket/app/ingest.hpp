#pragma once
// `docket ingest`: scanner reports in, one exception per new finding, in one signed commit per
// run (docs/ingest.md). Every file is read and checked before the store is touched, so an
// invalid report changes nothing; a run that changes nothing makes no commit.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "docket/app/session.hpp"
#include "docket/codec/sarif.hpp"
#include "docket/core/scan.hpp"

namespace docket::app {

using ReportFormat = core::ReportFormat;  // sarif, gitleaks, trufflehog, access_analyzer, prowler, github_secret_scanning, trivy

struct IngestRequest {
  ReportFormat format = ReportFormat::sarif;
  std::vector<std::filesystem::path> files;
  codec::ScanOptions options;                       // --tool
  std::map<std::string, std::string> template_map;  // --template-map RULE=TEMPLATE; `*` for every other rule
                                                    // (over docket.yaml's ingest mapping: core/ingest_mapping.hpp)
  // Called after each record is prepared with (done, total); may be empty. For a progress line.
  std::function<void(std::size_t, std::size_t)> progress;
};

struct IngestResult {
  std::vector<Record> opened;             // in report order
  std::vector<ExceptionId> known;         // findings an exception (not closed) already tracks
  std::vector<Record> seen_again;         // were marked not seen; reported again
  std::vector<Record> not_seen;           // now marked not seen since this run
  std::size_t findings = 0;               // unique findings in the reports
  std::size_t suppressed = 0;
  std::size_t duplicates = 0;
  std::size_t skipped = 0;                // results of a kind docket does not track (core::ScanReport::skipped)
  std::set<std::string> tools;
  std::set<std::string> complete_tools;   // the tools whose findings could be marked not seen
  std::optional<store::ObjectId> commit;  // none when nothing changed
};

// Reads one report file (at most codec::kMaxReportBytes). Error(not_found) when it cannot be
// read, Error(usage) naming the file when it is not a valid report of `format`.
core::ScanReport read_report_file(const std::filesystem::path& file, ReportFormat format, const codec::ScanOptions& options);

// "gitleaks: aws-access-token in src/config.py:12"
std::string finding_title(const core::ScanFinding& finding);

IngestResult ingest_reports(Session& session, const IngestRequest& request);

}  // namespace docket::app
