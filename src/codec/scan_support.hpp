#pragma once
// Private to the codec: what the scanner-report readers (sarif.cpp, gitleaks_json.cpp,
// trufflehog_json.cpp, access_analyzer_json.cpp, prowler_ocsf.cpp, github_secret_scanning_json.cpp,
// trivy_json.cpp) share — bounded JSON parsing of hostile input, typed access that names
// the JSON path of a bad field, text clean-up and the finding fingerprints.

#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/scan.hpp"

namespace docket::codec::detail {

using nlohmann::json;

// Throws Error(usage, "<source>: <what>", hint).
[[noreturn]] void bad_report(std::string_view source, const std::string& what, std::string hint = {});

// The top-level JSON values of `text` (one for a document, several for JSON lines), found by a
// scan that tracks strings and brackets only. Refuses input over the size cap or nested deeper
// than the depth cap before any parser sees it, so hostile nesting cannot exhaust the stack.
// With `log_line`, a line that does not start a JSON value is given to it: true skips the line
// (counted in `*skipped`), false refuses the input as not JSON.
std::vector<std::string_view> top_level_json_values(std::string_view text, std::string_view source,
                                                    const std::function<bool(std::string_view line)>& log_line = {},
                                                    std::size_t* skipped = nullptr);

// Report text in UTF-16 or UTF-32 with a byte-order mark (RFC 8259 §8.1 asks for UTF-8, but
// Windows tools and PowerShell redirection write these) decoded to UTF-8; nullopt when `text`
// has no such mark (it is read as UTF-8). Error(usage) naming `source` when it does not decode.
std::optional<std::string> decoded_unicode(std::string_view text, std::string_view source);

// Notes a doubt about the report for the ingest summary (at most 10 are kept, then one saying
// that more were left out).
void warn(core::ScanReport& report, std::string what);

// Refuses a report that holds several JSON values where its format has one, naming what it
// looks like: trufflehog's JSON lines, gitleaks' or SARIF's document written twice, or text.
[[noreturn]] void several_values(const std::vector<std::string_view>& values, std::string_view source,
                                 std::string_view expected);

// Parses one JSON value; a syntax error becomes Error(usage) naming `source`, line and column.
json parse_json_value(std::string_view text, std::string_view source, std::string_view format);

// The one JSON value of a report that is a single document (a SARIF log, a JSON list): decodes
// UTF-16/32 (decoded_unicode), refuses empty input and several values (several_values names
// what they look like), then parses it.
json parse_report_document(std::string_view text, std::string_view source, std::string_view format, const std::string& hint);

// A report format docket reads, recognised from its parsed top-level value by the keys that
// format always writes, so a report given to the wrong reader is named with the right command.
struct KnownFormat {
  std::string_view name;     // "a Prowler OCSF report"
  std::string_view command;  // "prowler", as in `docket ingest prowler`
};
std::optional<KnownFormat> recognise_report(const json& value);
// Throws Error(usage, "<source>: is <name>, not <expected>", "use `docket ingest <command>` for
// it") when `value` is recognisably a report of another format than `command`; else returns.
void refuse_other_format(std::string_view source, const json& value, std::string_view command, std::string_view expected);

// Typed access to an object's members. Absent and null members read as "not there"; a member
// of the wrong type is an error naming its path (`runs[0].results[2].ruleId`).
class JsonReader {
public:
  explicit JsonReader(std::string_view source) : source_(source) {}
  [[noreturn]] void fail(const std::string& path, const std::string& what, std::string hint = {}) const;

  const json* member(const json& object, const char* key) const;
  const json* object(const json& object, const char* key, const std::string& path) const;
  const json* array(const json& object, const char* key, const std::string& path) const;
  std::optional<std::string> string(const json& object, const char* key, const std::string& path) const;
  std::optional<std::int64_t> integer(const json& object, const char* key, const std::string& path) const;
  std::optional<bool> boolean(const json& object, const char* key, const std::string& path) const;
  // A severity by name, in any case, as trivy (`CRITICAL` … `LOW`, `UNKNOWN`) and OCSF / Prowler
  // (`Critical` … `Low`, `Informational`, `Fatal`, `Unknown`, `Other`) write it: fatal is
  // critical, informational low; unknown, other and none are no severity (the template decides).
  // Any other name is an error naming the path.
  std::optional<Severity> severity(const json& object, const char* key, const std::string& path) const;

  std::string_view source() const { return source_; }

private:
  std::string source_;
};

// One line of display text: the first line of `text`, controls and line separators replaced by
// spaces, trimmed and cut to `max_bytes` at a character boundary. `text` is valid UTF-8 (the
// JSON parser guarantees it).
std::string one_line(std::string_view text, std::size_t max_bytes = 200);
// `text`, or a placeholder naming what it looks like when it contains a live secret.
std::string withhold_secrets(std::string text);
// Report text as docket stores it: withheld whole when any of it looks like a secret, then its
// first line, cut to `max_bytes` (one_line).
std::string stored_text(std::string_view raw, std::size_t max_bytes);
std::string lower(std::string_view text);
// A scanner's name as docket keeps it (finding sources, the ingest commit's subject): the
// report's or --tool's text on one line of at most 80 bytes, lower-case, withheld when it looks
// like a secret.
std::string tool_name(std::string_view raw);

// `sha256:<hex>` of the parts, each length-prefixed so no two part lists hash alike.
std::string fingerprint_of(std::initializer_list<std::string_view> parts);
std::string fingerprint_of(const std::vector<std::string>& parts);

// Whether a scanner or a rule is about secrets (selects the leaked-secret template).
bool is_secret_scanner(std::string_view tool);
bool describes_secret(std::string_view text);

// A tool name as it is stored, in findings and in a report's `tools` and `complete_tools` alike
// (ingest matches records to complete tools by it): one line of at most 80 bytes, no live secret.
std::string stored_tool(std::string_view tool);

// Builds a finding: cleans tool (stored_tool), rule and location for storage (one line, no live
// secret), and gives it the location fingerprint when `fingerprint` is empty.
core::ScanFinding make_finding(std::string tool, std::string rule, std::optional<Severity> severity, std::string message,
                               std::string location, std::string fingerprint, bool secret);

// The location fingerprint: a stable hash of tool, rule and location, for findings whose
// report carries no identity of its own (docs/ingest.md).
std::string location_fingerprint(std::string_view tool, std::string_view rule, std::string_view location);

// Builds a report: a finding whose fingerprint an earlier one had counts as a duplicate.
class FindingCollector {
public:
  void add(core::ScanFinding finding);
  core::ScanReport report;

private:
  std::set<std::string> seen_;
};

}  // namespace docket::codec::detail
