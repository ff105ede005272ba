#pragma once
// The checks the scanner-report targets share (fuzz_sarif, fuzz_gitleaks_json,
// fuzz_trufflehog_json, fuzz_access_analyzer_json, fuzz_prowler_ocsf,
// fuzz_github_secret_scanning_json, fuzz_trivy_json): what `docket ingest` may store of any report
// it accepts.

#include <set>
#include <string>
#include <string_view>

#include "docket/codec/sarif.hpp"
#include "docket/core/scan.hpp"
#include "docket/core/secrets.hpp"
#include "fuzz_support.hpp"

namespace docket::fuzz {

inline bool is_fingerprint(std::string_view text) {
  if (text.size() != 71 || !text.starts_with("sha256:")) return false;
  for (const char c : text.substr(7))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Stored text is one line of UTF-8 without controls and without anything that looks like a live
// secret (codec/sarif.hpp's contract).
inline void check_stored_text(std::string_view text) {
  FUZZ_CHECK(is_utf8(text));
  FUZZ_CHECK(!has_control(text));
  FUZZ_CHECK(!find_secret(text));
}

// Fingerprints are `sha256:` hashes, each once; every finding names a tool of the report exactly
// as the report lists it (complete_tools decides which records are marked not seen, by the
// records' tool); complete tools are tools.
inline void check_report(const core::ScanReport& report) {
  std::set<std::string> fingerprints;
  for (const core::ScanFinding& f : report.findings) {
    FUZZ_CHECK(is_fingerprint(f.fingerprint));
    FUZZ_CHECK(fingerprints.insert(f.fingerprint).second);
    FUZZ_CHECK(!f.rule.empty());
    check_stored_text(f.tool);
    check_stored_text(f.rule);
    check_stored_text(f.location);
    check_stored_text(f.message);
    check_stored_text(f.tool_fingerprint);  // written back as it is: never a secret
    for (const std::string& former : f.former_fingerprints) FUZZ_CHECK(is_fingerprint(former));
    FUZZ_CHECK(report.tools.count(f.tool) == 1);
  }
  for (const std::string& tool : report.tools) check_stored_text(tool);
  for (const std::string& tool : report.complete_tools) FUZZ_CHECK(report.tools.count(tool) == 1);
  FUZZ_CHECK(report.warnings.size() <= 11);
  FUZZ_CHECK(report.placeholder_fingerprints <= report.findings.size() + report.duplicates);
}

// Reads `text` with `read`, checks the report, then reads it again as `--tool` names it: the
// same results under one tool (findings may merge as duplicates, none may appear or vanish).
template <class Read>
void check_reader(std::string_view text, Read read) {
  const auto report = accepted([&] { return read(text, codec::ScanOptions{}); });
  if (!report) return;
  check_report(*report);
  const auto as_tool = accepted([&] { return read(text, codec::ScanOptions{.tool = "Custom  Scanner\t"}); });
  FUZZ_CHECK(as_tool.has_value());
  check_report(*as_tool);
  FUZZ_CHECK(as_tool->tools.size() <= 1);
  for (const core::ScanFinding& f : as_tool->findings) FUZZ_CHECK(f.tool == *as_tool->tools.begin());
  FUZZ_CHECK(as_tool->findings.size() + as_tool->duplicates == report->findings.size() + report->duplicates);
  FUZZ_CHECK(as_tool->suppressed == report->suppressed);
}

}  // namespace docket::fuzz
