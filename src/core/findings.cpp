#include "docket/core/findings.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include "docket/core/time.hpp"

namespace docket::core {

std::string_view to_string(FindingKind kind) {
  switch (kind) {
    case FindingKind::expired: return "expired";
    case FindingKind::sla_breach: return "sla-breach";
    case FindingKind::review_overdue: return "review-overdue";
    case FindingKind::expiring_soon: return "expiring-soon";
  }
  return "unknown";
}

std::optional<FindingKind> parse_finding_kind(std::string_view text) {
  for (const FindingKind kind : kFindingKinds)
    if (to_string(kind) == text) return kind;
  return std::nullopt;
}

std::string finding_kind_names() {
  std::string names;
  for (const FindingKind kind : kFindingKinds) {
    if (!names.empty()) names += ", ";
    names += to_string(kind);
  }
  return names;
}

std::string format_rough_duration(Duration d) {
  const bool negative = d.seconds < 0;
  const std::int64_t s = negative ? -d.seconds : d.seconds;
  std::string body;
  if (s >= 86400) body = std::to_string(s / 86400) + "d";
  else if (s >= 3600) body = std::to_string(s / 3600) + "h";
  else if (s >= 60) body = std::to_string(s / 60) + "m";
  else body = std::to_string(s) + "s";
  return negative ? "-" + body : body;
}

namespace {

bool in_force(State state, std::optional<Resolution> decided) {
  if (state == State::accepted) return true;
  return state == State::pending_approval && decided == Resolution::accepted;
}

}  // namespace

bool acceptance_in_force(const Record& r) {
  return in_force(r.state, r.outcome ? std::optional(r.outcome->resolution) : std::nullopt);
}

bool acceptance_in_force(const RecordSummary& r) {
  return in_force(r.state, r.outcome ? std::optional(r.outcome->resolution) : std::nullopt);
}

bool acceptance_in_force(const FindingInput& r) { return in_force(r.state, r.decided); }

bool acceptance_expired(const std::optional<Timestamp>& expires, Timestamp at) { return !expires || *expires <= at; }

namespace {
// Not expired at `at`, and expiring at most `window` after it.
bool expiring_within(const std::optional<Timestamp>& expires, Timestamp at, Duration window) {
  return !acceptance_expired(expires, at) && *expires <= add_clamped(at, window);
}
}  // namespace

bool acceptance_expiring_soon(const std::optional<Timestamp>& expires, const Policy& policy, Timestamp at) {
  return expiring_within(expires, at, policy.expiring_soon);
}

FindingInput finding_input(const RecordSummary& r) {
  FindingInput in;
  in.id = r.id;
  in.state = r.state;
  in.severity = r.severity;
  in.due = r.due;
  if (r.outcome) {
    in.decided = r.outcome->resolution;
    in.expires = r.outcome->expires;
  }
  in.review_due = r.review_due;
  in.review_done = r.review_done;
  return in;
}

namespace {

std::string ago(Timestamp deadline, Timestamp at) { return format_rough_duration(at - deadline) + " ago"; }

// The acceptance's expiry, or nothing when the record has none to read.
std::optional<Timestamp> acceptance_expiry(const FindingInput& r) {
  if (r.decided != Resolution::accepted) return std::nullopt;
  return r.expires;
}

}  // namespace

bool acceptance_expired(const FindingInput& r, Timestamp at) {
  return acceptance_in_force(r) && acceptance_expired(acceptance_expiry(r), at);
}

namespace {

void add_acceptance_findings(const FindingInput& r, const Policy& policy, Timestamp at, std::vector<Finding>& out) {
  const auto expires = acceptance_expiry(r);
  // Fail-closed: an acceptance we cannot bound in time is treated as already over, so a
  // damaged or hand-edited record can never hold an exception open indefinitely.
  if (!expires) {
    out.push_back({FindingKind::expired, r.id, "accepted with no readable expiry: treated as expired", std::nullopt});
    return;
  }
  if (acceptance_expired(expires, at)) {
    out.push_back({FindingKind::expired, r.id,
                   "acceptance expired " + format_rfc3339(*expires) + " (" + ago(*expires, at) +
                       "); revoke it or renew it",
                   expires});
  } else if (acceptance_expiring_soon(expires, policy, at)) {
    out.push_back({FindingKind::expiring_soon, r.id,
                   "acceptance expires " + format_rfc3339(*expires) + " (in " + format_rough_duration(*expires - at) + ")",
                   expires});
  }
}

}  // namespace

bool sla_breached(const FindingInput& r, Timestamp at) {
  return r.state != State::closed && !acceptance_in_force(r) && r.due && *r.due < at;
}

bool acceptance_expiring(const FindingInput& r, Timestamp at, Duration window) {
  return acceptance_in_force(r) && expiring_within(acceptance_expiry(r), at, window);
}

void add_findings(const FindingInput& r, const Policy& policy, Timestamp at, std::vector<Finding>& findings) {
  if (acceptance_in_force(r)) {
    add_acceptance_findings(r, policy, at, findings);
    return;  // an acceptance in force is decided: its SLA no longer runs
  }
  if (r.state == State::closed) {
    if (r.review_due && !r.review_done && *r.review_due < at)
      findings.push_back({FindingKind::review_overdue, r.id,
                          "post-closure review was due " + format_rfc3339(*r.review_due) + " (" +
                              ago(*r.review_due, at) + ")",
                          r.review_due});
    return;
  }
  if (sla_breached(r, at))
    findings.push_back({FindingKind::sla_breach, r.id,
                        std::string(to_string(r.severity)) + " exception in state " + std::string(to_string(r.state)) +
                            " was due " + format_rfc3339(*r.due) + " (" + ago(*r.due, at) + ")",
                        r.due});
}

void sort_findings(std::vector<Finding>& findings) {
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    // Unknown deadlines (fail-closed expiries) sort first: they are the most suspicious.
    const auto deadline = [](const Finding& f) { return f.at ? f.at->seconds : std::numeric_limits<std::int64_t>::min(); };
    return std::tuple(a.kind, deadline(a), a.id) < std::tuple(b.kind, deadline(b), b.id);
  });
}

std::vector<Finding> find_findings(const std::vector<FindingInput>& records, const Policy& policy, Timestamp at) {
  std::vector<Finding> findings;
  for (const FindingInput& r : records) add_findings(r, policy, at, findings);
  sort_findings(findings);
  return findings;
}

std::vector<Finding> find_findings(const std::vector<RecordSummary>& records, const Policy& policy, Timestamp at) {
  std::vector<FindingInput> inputs;
  inputs.reserve(records.size());
  for (const auto& r : records) inputs.push_back(finding_input(r));
  return find_findings(inputs, policy, at);
}

std::vector<Finding> find_findings(const std::vector<Record>& records, const Policy& policy, Timestamp at) {
  return find_findings(summarize(records), policy, at);
}

bool fails_build(FindingKind kind, const Policy& policy) { return policy.fail_on.count(std::string(to_string(kind))) > 0; }

bool fails_build(const std::vector<Finding>& findings, const Policy& policy, std::size_t unreadable_records) {
  return unreadable_records > 0 || fails_build(findings, policy);
}

bool fails_build(const std::vector<Finding>& findings, const Policy& policy) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return fails_build(f.kind, policy); });
}

}  // namespace docket::core
