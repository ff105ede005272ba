#pragma once
// Scanner reports → core::ScanReport, for `docket ingest` (docs/ingest.md): SARIF 2.1.0 from any
// scanner, gitleaks' native JSON report and trufflehog's JSON lines.
//
// Contract for every reader: the input is hostile. It is refused as a whole — Error(usage,
// "<source>: <what>", hint), nothing partial — when it is not the format, is over
// kMaxReportBytes or nested deeper than kMaxReportDepth. Snippets, secrets (`Secret`, `Match`,
// `Raw`, `RawV2`, `Redacted`, `offender`, secret-bearing fingerprints) and commit metadata are
// never copied into a finding; fingerprints are `sha256:` hashes, never the reported value.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "docket/core/scan.hpp"

namespace docket::codec {

inline constexpr std::size_t kMaxReportBytes = std::size_t{64} << 20;  // 64 MiB
inline constexpr int kMaxReportDepth = 100;

struct ScanOptions {
  // `--tool NAME`: the tool of every finding instead of the one the report names. It also
  // scopes identity: the same finding ingested under two tool names is two findings, so one
  // store can take the same scanner's reports for several repositories.
  std::optional<std::string> tool;
};

// A SARIF 2.1.0 log with any number of runs. `source` names the input in errors (a path).
core::ScanReport read_sarif(std::string_view text, std::string_view source, const ScanOptions& options = {});

// gitleaks' `--report-format json` output: a JSON array of findings.
core::ScanReport read_gitleaks_json(std::string_view text, std::string_view source, const ScanOptions& options = {});

// trufflehog's `--json` output: one JSON object per finding, usually one per line (objects
// spread over several lines are accepted too).
core::ScanReport read_trufflehog_json(std::string_view text, std::string_view source, const ScanOptions& options = {});

}  // namespace docket::codec
