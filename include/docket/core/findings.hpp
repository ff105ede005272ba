#pragma once
// What `docket check` reports (docs/design.md §4): acceptances past their expiry, SLA breaches,
// post-closure reviews overdue and acceptances expiring soon. Pure: the records, the policy
// and the time to judge at are inputs, so CI can replay a check at any moment with `--at`.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/policy.hpp"
#include "docket/core/record.hpp"
#include "docket/core/summary.hpp"

namespace docket::core {

// Ordered by urgency: the order findings are listed in.
enum class FindingKind { expired, sla_breach, review_overdue, expiring_soon };

// Every kind, in order. The single list of names `fail_on` in docket.yaml may use.
inline constexpr std::array<FindingKind, 4> kFindingKinds{FindingKind::expired, FindingKind::sla_breach,
                                                          FindingKind::review_overdue, FindingKind::expiring_soon};

// `expired`, `sla-breach`, `review-overdue`, `expiring-soon`: as written in `fail_on` and output.
std::string_view to_string(FindingKind kind);
std::optional<FindingKind> parse_finding_kind(std::string_view text);
// The names joined by `, ` for messages and hints.
std::string finding_kind_names();

// A duration rounded for people, largest unit only: `3d`, `5h`, `12m`, `40s` (negative as `-3d`).
std::string format_rough_duration(Duration d);

struct Finding {
  FindingKind kind = FindingKind::expired;
  ExceptionId id;
  std::string detail;             // one line for people, e.g. `acceptance expired 3d ago`
  std::optional<Timestamp> at;    // the deadline concerned (expiry, due, review due); none when unknown
  bool operator==(const Finding&) const = default;
};

// What find_findings reads of a record: its state and deadlines, no text, so a check over the
// record index decodes nothing but fixed-size fields.
struct FindingInput {
  ExceptionId id;
  State state = State::open;
  Severity severity = Severity::medium;
  std::optional<Timestamp> due;
  std::optional<Resolution> decided;  // the outcome's resolution, when there is an outcome
  std::optional<Timestamp> expires;   // the outcome's expiry
  std::optional<Timestamp> review_due;
  bool review_done = false;
  bool operator==(const FindingInput&) const = default;
};
FindingInput finding_input(const RecordSummary& r);

// An acceptance is in force from approval until it is revoked, including while a renewal waits
// for approval (the earlier expiry still holds: an acceptance is never silently extended).
bool acceptance_in_force(const Record& r);
bool acceptance_in_force(const RecordSummary& r);
bool acceptance_in_force(const FindingInput& r);

// Whether an acceptance in force, expiring at `expires`, is over at `at`: at or past its expiry.
// Fail-closed: with no readable expiry it is. The one rule `check` (an `expired` finding),
// `export` (no longer suppressed) and `report` (counted expired, not in force) share.
bool acceptance_expired(const std::optional<Timestamp>& expires, Timestamp at);
// Whether it is not expired at `at` but will be within `policy.expiring_soon` (an
// `expiring-soon` finding).
bool acceptance_expiring_soon(const std::optional<Timestamp>& expires, const Policy& policy, Timestamp at);
// The single definitions of the deadline states `check` reports, `report` counts and `list`
// filters on (--overdue, --expired, --expiring), judged at `at`:
// - SLA breached (finding `sla-breach`, "overdue"): not closed, no acceptance in force, and the SLA
//   due date is before `at`;
// - acceptance expired (finding `expired`): an acceptance in force whose expiry is at or before
//   `at`, or that has no readable expiry (fail-closed);
// - acceptance expiring (finding `expiring-soon` with `window` = the policy's expiring_soon):
//   an acceptance in force whose expiry is after `at` and at most `window` after it.
bool sla_breached(const FindingInput& r, Timestamp at);
bool acceptance_expired(const FindingInput& r, Timestamp at);
bool acceptance_expiring(const FindingInput& r, Timestamp at, Duration window);

// Appends the findings for one record `r` judged at `at` to `findings` (unsorted), so a caller can
// judge records as it reads them. Fail-closed: an acceptance in force with no recorded expiry
// counts as expired.
void add_findings(const FindingInput& r, const Policy& policy, Timestamp at, std::vector<Finding>& findings);
// Orders `findings` by kind, then deadline (unknown first), then id: find_findings's order.
void sort_findings(std::vector<Finding>& findings);

// The findings for `records` judged at `at` (add_findings for each), ordered by sort_findings.
std::vector<Finding> find_findings(const std::vector<FindingInput>& records, const Policy& policy, Timestamp at);
// The same for summaries and for full records.
std::vector<Finding> find_findings(const std::vector<RecordSummary>& records, const Policy& policy, Timestamp at);
std::vector<Finding> find_findings(const std::vector<Record>& records, const Policy& policy, Timestamp at);

// Whether any finding's kind is named in `policy.fail_on` (the CI gate).
bool fails_build(const std::vector<Finding>& findings, const Policy& policy);
bool fails_build(FindingKind kind, const Policy& policy);
// The gate over a whole store: fails on the findings as above, and on any record docket could
// not read (`unreadable_records` > 0) whatever fail_on says: a record nobody can judge might be
// an expired acceptance, so the gate fails closed.
bool fails_build(const std::vector<Finding>& findings, const Policy& policy, std::size_t unreadable_records);

}  // namespace docket::core
