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
  // --tool and --base (options.bases: absolute, as given and as resolved). Without bases,
  // ingest_reports sets options.checkout_root to a CheckoutFinder.
  codec::ScanOptions options;
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
  std::vector<Record> reidentified;       // held a former identity of their finding; given today's
  std::size_t findings = 0;               // unique findings in the reports
  std::size_t suppressed = 0;
  std::size_t duplicates = 0;
  std::size_t placeholder_fingerprints = 0;  // results identified by rule and location instead
  std::size_t log_lines = 0;                 // scanner log lines skipped
  std::size_t absolute_locations = 0;        // locations under no checkout docket could find
  std::vector<std::string> warnings;
  std::size_t skipped = 0;                // results of a kind docket does not track (core::ScanReport::skipped)
  std::set<std::string> tools;
  std::set<std::string> complete_tools;   // the tools whose findings could be marked not seen
  std::optional<store::ObjectId> commit;  // none when nothing changed
};

// Finds the checkout that holds a scanner's absolute paths on this machine: the outermost
// folder, from the path's own folder up to `/`, with a `.git` entry (a folder, or a file as in a
// worktree or submodule) — outermost, so the files of a submodule or a nested repository keep
// the folder that tells them apart. Each folder is looked at once (memoised); after
// `max_lookups` folders it looks at no more and answers none (a hostile report cannot make
// ingest walk the file system without end). Looks at the file system only.
class CheckoutFinder {
public:
  explicit CheckoutFinder(std::size_t max_lookups = 100000) : budget_(max_lookups) {}
  std::optional<std::string> root_of(std::string_view absolute_path);

private:
  std::optional<std::string> root_of_folder(const std::filesystem::path& folder, int depth);
  std::map<std::string, std::optional<std::string>, std::less<>> memo_;
  std::size_t budget_;
};

// `--base DIR` as ScanOptions::bases: DIR made absolute against `cwd` and lexically normal, and
// its resolved form when that differs (symbolic links); a Windows path (`D:\a\app`, for
// reports made on Windows runners) is kept as it is. Error(usage) for an empty DIR.
std::vector<std::string> checkout_bases(const std::filesystem::path& dir, const std::filesystem::path& cwd);

// Reads one report file (at most codec::kMaxReportBytes). Error(not_found) when it cannot be
// read, Error(usage) naming the file when it is not a valid report of `format`.
core::ScanReport read_report_file(const std::filesystem::path& file, ReportFormat format, const codec::ScanOptions& options);

// "gitleaks: aws-access-token in src/config.py:12"
std::string finding_title(const core::ScanFinding& finding);

IngestResult ingest_reports(Session& session, const IngestRequest& request);

}  // namespace docket::app
