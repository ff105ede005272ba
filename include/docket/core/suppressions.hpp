#pragma once
// What `docket export` writes back to the scanners (docs/export.md): every scanner finding whose
// exception is an acceptance in force or a reviewed false positive becomes a suppression, so the
// next scan stops flagging it — and stops only while the exception says so. Pure: the records,
// the time to judge at and the tool are inputs; the formats are codec's (codec/export.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/record.hpp"
#include "docket/core/summary.hpp"

namespace docket::core {

// Why a finding is suppressed: a time-bound acceptance, or a closure as rejected (the finding
// was reviewed and found not to be a problem, so it has no expiry).
enum class SuppressionKind { accepted, false_positive };
// `accepted`, `false-positive`: as written in exported files.
std::string_view to_string(SuppressionKind kind);

// A location as ingest stores it (docs/ingest.md), split: `path:line` when the text after the
// last `:` is a number up to 2^31-1 (0 means no line: SARIF counts from 1), else the whole text
// as the path and no line. An empty location has an empty path, and so has a location that
// names no file of the scanned tree: one ingest marked as changed or withheld (`[…`), a logical
// name (`ns::f`), a URL (`…://…`) or an ARN (`arn:…`) — an export never suppresses by such a path.
struct SourceLocation {
  std::string path;
  std::optional<std::uint32_t> line;
  bool operator==(const SourceLocation&) const = default;
};
SourceLocation split_location(std::string_view location);

// One suppression: a scanner finding (the record's source) and the decision that hides it.
struct Suppression {
  ExceptionId id;
  std::string tool;              // source.tool
  std::string rule;              // source.rule
  SourceLocation location;       // source.location, split
  std::string fingerprint;       // source.fingerprint: docket's identity (`sha256:…`)
  std::string tool_fingerprint;  // source.tool_fingerprint: the scanner's own, or empty
  std::string template_name;     // the record's template (leaked-secret marks a secret finding)
  SuppressionKind kind = SuppressionKind::accepted;
  std::string reason;            // the outcome's reason: the justification
  std::vector<Stamp> approvers;  // the approvals of the round that decided (deciding_approvals)
  std::optional<Timestamp> expires;  // the acceptance's expiry; none for a false positive
  bool operator==(const Suppression&) const = default;
};

// Whether the record's decision suppresses its finding at `now`, its source aside: an acceptance
// in force (acceptance_in_force: accepted, or accepted with a renewal pending) whose expiry is
// after `now` — an acceptance with no readable expiry never suppresses (fail-closed, as `check`
// counts it expired) — or a closure whose outcome is `rejected`. Revoked, remediated, pending,
// open and expired exceptions do not. The one rule, for summaries (to choose which records to
// read) and for records alike.
bool suppresses(const RecordSummary& r, Timestamp now);
bool suppresses(const Record& r, Timestamp now);

// Whether the record's source names a scanner finding: a tool and a rule (ingest always sets
// both). Records opened by hand carry at most a fingerprint, which no scanner can match.
bool has_scanner_source(const Source& source);

// What `docket export` writes.
struct SuppressionSelection {
  std::vector<Suppression> suppressions;    // in the order of `records`
  std::vector<ExceptionId> without_source;  // decisions that suppress, but have no scanner source
};

// The suppressions of `records` at `now`: every record `suppresses` keeps whose source is a
// scanner finding (has_scanner_source) and, when `tool` is not empty, whose source.tool is
// exactly `tool`. A record that suppresses but has no scanner source is named in
// `without_source` (whatever `tool` is) and exported nowhere.
SuppressionSelection exported_suppressions(const std::vector<Record>& records, Timestamp now, std::string_view tool = {});

}  // namespace docket::core
