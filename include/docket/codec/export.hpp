#pragma once
// core::Suppression lists → the files scanners read to suppress findings, for `docket export`
// (docs/export.md): SARIF 2.1.0 with `suppressions`, trivy's `.trivyignore.yaml` and gitleaks'
// `.gitleaksignore`. JSON is written with nlohmann/json and YAML with yaml-cpp's emitter; the
// one line format (.gitleaksignore) refuses text that would break its lines.
//
// Contract for every writer: the suppressions' text comes from records, which anyone with a
// role could have written, so it is treated as hostile. A suppression the format cannot carry
// safely or at all is left out of the text and named in `left_out` with the reason — never
// written half, never widened (an entry without a path would hide a rule in every file).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/suppressions.hpp"

namespace docket::codec {

enum class ExportFormat { sarif, trivyignore, gitleaksignore };
// `sarif`, `trivyignore`, `gitleaksignore`.
std::string_view to_string(ExportFormat format);
std::optional<ExportFormat> parse_export_format(std::string_view text);
// The names joined by `, ` for messages and hints.
std::string export_format_names();

struct ExportedText {
  std::string text;                    // the whole file
  std::size_t written = 0;             // suppressions written
  std::vector<std::string> left_out;   // one line per suppression left out: `EX-…: why`
};

// SARIF 2.1.0 (OASIS, errata 01), valid against its JSON schema: one run per tool (sorted by
// name; `tool.driver.name` is the tool), one result per suppression with `ruleId`, a `message`,
// the location (`artifactLocation.uri` — the path with the characters a URI reference may not
// hold percent-encoded — and `region.startLine` when there is a line), `fingerprints`
// (`docket/v1`: docket's identity) and one suppression: kind `external`, status `accepted`,
// the reason as `justification`, and properties `docket_id`, `kind` (accepted or
// false-positive), `approvers` ([{email, at}]), `expires` (RFC 3339 or null). Leaves nothing out.
ExportedText write_sarif_suppressions(const std::vector<core::Suppression>& suppressions);

// trivy's `.trivyignore.yaml`: top-level `vulnerabilities`, `misconfigurations` and `secrets`
// lists (always present, `[]` when empty) of `{id, paths, expired_at, statement}`. The section
// is trivyignore_section's; `paths` holds the finding's path with doublestar's pattern
// characters escaped (trivy matches paths as globs); `expired_at` is the UTC date of the
// expiry, so trivy (which drops an entry from the start of that day) never honours it past
// docket's expiry; none for a false positive; `statement` is `EX-…: reason`. A suppression
// without a path is left out.
ExportedText write_trivyignore(const std::vector<core::Suppression>& suppressions);
// `vulnerabilities` for rule ids starting `CVE-` or `GHSA-` (any case); `secrets` for secret
// findings (template leaked-secret, a secret scanner, or a rule id that speaks of a secret, as
// ingest decides); `misconfigurations` otherwise.
std::string_view trivyignore_section(const core::Suppression& suppression);

// gitleaks' `.gitleaksignore`: per suppression a comment line (`# EX-… accepted until
// <expiry>` or `# EX-… false-positive`) and the fingerprint line gitleaks matches: the
// scanner's own fingerprint when the source kept one (`commit:file:rule:line`), else the
// no-git form `file:rule:line`. Left out: no line to name; a fingerprint gitleaks would read
// as something else (gitleaksignore_problem).
ExportedText write_gitleaksignore(const std::vector<core::Suppression>& suppressions);
// Why `line` cannot be a .gitleaksignore line as is, or nullopt: gitleaks reads the file line
// by line, trims white space (Go's unicode.IsSpace) and skips lines starting with `#`, so a
// control character (a line break among them), white space at either end, a leading `#` or an
// empty line would end, change or hide the entry.
std::optional<std::string> gitleaksignore_problem(std::string_view line);

ExportedText write_export(ExportFormat format, const std::vector<core::Suppression>& suppressions);

}  // namespace docket::codec
