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
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/scan.hpp"

namespace docket::codec {

inline constexpr std::size_t kMaxReportBytes = std::size_t{64} << 20;  // 64 MiB
inline constexpr int kMaxReportDepth = 100;

struct ScanOptions {
  // `--tool NAME`: the tool of every finding instead of the one the report names. It also
  // scopes identity: the same finding ingested under two tool names is two findings, so one
  // store can take the same scanner's reports for several repositories.
  std::optional<std::string> tool;
  // `--base DIR`: the checkout roots a scanner's absolute paths are made relative to, as
  // absolute paths without a trailing `/` (the app gives the folder as given and as resolved).
  std::vector<std::string> bases{};
  // Without `bases`: the root of the checkout that holds an absolute path (the git top-level
  // of its folder), or none. Given by the app (it looks at the file system); may be empty.
  std::function<std::optional<std::string>(std::string_view absolute_path)> checkout_root{};
};

// How a path was written: a URI reference (SARIF's `uri`, percent-encoded, RFC 3986) or a plain
// file name (gitleaks' `File`, trufflehog's `file`).
enum class PathForm { uri, plain };

// A path in one spelling (docs/ingest.md, "Location"): a `file:` URI (`file:///p`,
// `file://host/p`, `file:/p`; RFC 8089) becomes its path; a URI's %XX escapes are decoded when
// the result is UTF-8 without controls; a Windows path (`C:\x`, `c:/x`) gets `/` separators and
// an upper-case drive; `.`, empty and `..` segments are resolved lexically (never above `/`).
std::string normal_path(std::string_view path, PathForm form);

// Where a path a scanner reported lies in the scanned tree: normal_path, then an absolute path
// under one of `options.bases` (or, without bases, under `options.checkout_root`) becomes
// relative to it. `*left_absolute` (when given) is set when the result is still absolute. Pure
// apart from the `checkout_root` call.
std::string checkout_relative(std::string_view path, const ScanOptions& options, PathForm form,
                              bool* left_absolute = nullptr);

// A scanner's name as findings store it in `source.tool` (report name or `--tool`): one line of
// at most 80 bytes, lower case, withheld when it looks like a secret. `docket export --tool`
// compares with it.
std::string scanner_tool_name(std::string_view raw);

// A SARIF 2.1.0 log with any number of runs. `source` names the input in errors (a path).
core::ScanReport read_sarif(std::string_view text, std::string_view source, const ScanOptions& options = {});

// gitleaks' `--report-format json` output: a JSON array of findings.
core::ScanReport read_gitleaks_json(std::string_view text, std::string_view source, const ScanOptions& options = {});

// trufflehog's `--json` output: one JSON object per finding, usually one per line (objects
// spread over several lines are accepted too).
core::ScanReport read_trufflehog_json(std::string_view text, std::string_view source, const ScanOptions& options = {});

}  // namespace docket::codec
