#include "docket/core/suppressions.hpp"

#include <algorithm>

#include "docket/core/findings.hpp"
#include "docket/core/lifecycle.hpp"

namespace docket::core {

std::string_view to_string(SuppressionKind kind) {
  switch (kind) {
    case SuppressionKind::accepted: return "accepted";
    case SuppressionKind::false_positive: return "false-positive";
  }
  return "unknown";
}

SourceLocation split_location(std::string_view location) {
  constexpr std::uint32_t kMaxLine = 0x7fffffff;  // SARIF's startLine is a JSON integer; keep it in int32
  if (location.starts_with('[') || location.starts_with("arn:") || location.find("::") != std::string_view::npos ||
      location.find("://") != std::string_view::npos)
    return {};
  const auto colon = location.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return {std::string(location), std::nullopt};
  const std::string_view digits = location.substr(colon + 1);
  if (digits.empty() || digits.size() > 10 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return {std::string(location), std::nullopt};
  std::uint64_t line = 0;
  for (const char c : digits) line = line * 10 + static_cast<std::uint64_t>(c - '0');
  if (line > kMaxLine) return {std::string(location), std::nullopt};
  // Line 0 is no line (SARIF counts from 1): the path alone.
  if (line == 0) return {std::string(location.substr(0, colon)), std::nullopt};
  return {std::string(location.substr(0, colon)), static_cast<std::uint32_t>(line)};
}

namespace {

// The one rule, on the fields records and summaries share.
bool decision_suppresses(State state, std::optional<Resolution> resolution, std::optional<Timestamp> expires, bool in_force,
                         Timestamp now) {
  if (in_force) return resolution == Resolution::accepted && !acceptance_expired(expires, now);
  return state == State::closed && resolution == Resolution::rejected;
}

}  // namespace

bool suppresses(const RecordSummary& r, Timestamp now) {
  return decision_suppresses(r.state, r.outcome ? std::optional(r.outcome->resolution) : std::nullopt,
                             r.outcome ? r.outcome->expires : std::nullopt, acceptance_in_force(r), now);
}

bool suppresses(const Record& r, Timestamp now) {
  return decision_suppresses(r.state, r.outcome ? std::optional(r.outcome->resolution) : std::nullopt,
                             r.outcome ? r.outcome->expires : std::nullopt, acceptance_in_force(r), now);
}

bool has_scanner_source(const Source& source) { return !source.tool.empty() && !source.rule.empty(); }

SuppressionSelection exported_suppressions(const std::vector<Record>& records, Timestamp now, std::string_view tool) {
  SuppressionSelection out;
  for (const Record& r : records) {
    if (!suppresses(r, now)) continue;
    if (!has_scanner_source(r.source)) {
      out.without_source.push_back(r.id);
      continue;
    }
    if (!tool.empty() && r.source.tool != tool) continue;
    Suppression s;
    s.id = r.id;
    s.tool = r.source.tool;
    s.rule = r.source.rule;
    s.location = split_location(r.source.location);
    s.fingerprint = r.source.fingerprint;
    s.tool_fingerprint = r.source.tool_fingerprint;
    s.template_name = r.template_name;
    s.kind = acceptance_in_force(r) ? SuppressionKind::accepted : SuppressionKind::false_positive;
    s.reason = r.outcome->reason;
    s.approvers = deciding_approvals(r);
    if (s.kind == SuppressionKind::accepted) s.expires = r.outcome->expires;
    out.suppressions.push_back(std::move(s));
  }
  return out;
}

}  // namespace docket::core
