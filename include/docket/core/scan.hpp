#pragma once
// Scanner findings as docket keeps them, and the pure plan of an ingest run (docs/ingest.md):
// which findings open an exception, which are already known, which records a complete scan no
// longer reports ("not seen since") and which marked records are reported again.

#include <cstddef>
#include <optional>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "docket/core/record.hpp"
#include "docket/core/summary.hpp"

namespace docket::core {

// The report formats `docket ingest` reads (codec/sarif.hpp, codec/finding_sources.hpp).
enum class ReportFormat { sarif, gitleaks, trufflehog, access_analyzer, prowler, github_secret_scanning, trivy };

// One finding of a scanner report, reduced to what may be stored: never a snippet, never the
// secret, never a raw fingerprint value (codec/sarif.hpp builds these).
struct ScanFinding {
  std::string tool;                  // lower-case scanner name, or the --tool given
  std::string rule;                  // the scanner's rule id
  std::optional<Severity> severity;  // none when the report says nothing (the template decides)
  std::string message;               // first line, for people; redacted when it looks like a secret; not stored
  std::string location;              // `uri:line`, `uri`, a logical name, or empty
  std::string fingerprint;           // `sha256:<hex>`, the finding's identity
  bool secret = false;               // a secret scanner or a rule about secrets (leaked-secret template)
  std::string tool_fingerprint;      // the scanner's own fingerprint when it carries no secret (Source::tool_fingerprint)
  // Identities earlier docket versions gave this same finding (before locations were made
  // relative to the checkout, or trufflehog's identity included where the secret was found): an
  // exception opened under one of them is the same finding, not a new one nor one gone.
  std::vector<std::string> former_fingerprints;
  ReportFormat format = ReportFormat::sarif;  // the format that read it: selects built-in templates; not stored
  std::string resource_type;         // the kind of resource when the report names it (`AwsIamRole`); not stored
  bool operator==(const ScanFinding&) const = default;
};

// What one or more reports say. Only `complete_tools` may mark findings not seen: a run that
// failed, or gave no results list, says nothing about what is gone.
struct ScanReport {
  std::vector<ScanFinding> findings;      // unique fingerprints, in report order
  std::set<std::string> tools;            // every tool that has a run in the reports
  std::set<std::string> complete_tools;   // tools all of whose runs finished with a results list
  std::size_t suppressed = 0;             // results suppressed in the report (e.g. nosemgrep), not opened
  // The identities of suppressed or dismissed results where the report says which (a GitHub
  // alert dismissed as a false positive, an archived Access Analyzer finding, a muted Prowler
  // check): still reported, so their exceptions are not marked not seen (dismissed is not fixed).
  std::set<std::string> suppressed_fingerprints;
  std::size_t duplicates = 0;             // results whose fingerprint an earlier result had
  // Results whose fingerprint was a placeholder (one value for results of different rules or
  // locations in one run): identified by rule and location instead (docs/ingest.md).
  std::size_t placeholder_fingerprints = 0;
  std::size_t log_lines = 0;              // lines of the scanner's own log mixed into the report, skipped
  std::size_t absolute_locations = 0;     // locations left absolute: under no checkout docket could find
  std::vector<std::string> warnings;      // what was read with a doubt, for the ingest summary
  std::size_t skipped = 0;                // results of a kind docket does not track (trivy's package vulnerabilities)
};

// Appends `more` to `into`: findings with a fingerprint already present count as duplicates;
// a tool stays complete only if it is complete in both.
void merge_reports(ScanReport& into, const ScanReport& more);

struct IngestPlan {
  std::vector<std::size_t> to_open;  // indexes into report.findings with no exception that is not closed
  std::vector<ExceptionId> known;    // exceptions (not closed) that already track a reported finding
  std::vector<ExceptionId> seen_again;  // known ones marked not seen, to clear
  std::vector<ExceptionId> not_seen;    // not closed, tool complete in the report, fingerprint absent, not yet marked
  // Known ones that hold a former identity of their finding (ScanFinding::former_fingerprints):
  // the exception and the index of the finding whose identity it takes (Reidentify). Not also
  // in seen_again: Reidentify clears missing_since itself.
  std::vector<std::pair<ExceptionId, std::size_t>> reidentify;
  bool changes_nothing() const { return to_open.empty() && seen_again.empty() && not_seen.empty() && reidentify.empty(); }
};

// The plan for ingesting `report` into a store holding `records`. Closed exceptions are never
// touched: a finding seen again after closure opens a new exception (linked as a recurrence).
IngestPlan plan_ingest(const std::vector<RecordSummary>& records, const ScanReport& report);
// The same for full records (summarised first).
IngestPlan plan_ingest(const std::vector<Record>& records, const ScanReport& report);

}  // namespace docket::core
