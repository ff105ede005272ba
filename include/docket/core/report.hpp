#pragma once
// The figures `docket report` shows (docs/check-and-report.md): open exceptions by state,
// severity and owner, aging and overdue, time to decision and to close, acceptances and their
// expiry, every decision in full, recurrence across systems and framework coverage. Pure:
// computed from the records, the policy and the time to report at; the renderers
// (app/report_render.hpp) only format it.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "docket/core/findings.hpp"
#include "docket/core/policy.hpp"
#include "docket/core/record.hpp"

namespace docket::core {

// Median and maximum of a set of durations; both empty when there are none.
struct DurationStats {
  std::size_t count = 0;
  std::optional<Duration> median;  // the mean of the two middle values for an even count
  std::optional<Duration> max;
  bool operator==(const DurationStats&) const = default;
};
DurationStats duration_stats(std::vector<Duration> values);

// One exception's key columns (the CSV rows, the tables of the other formats).
struct ReportRow {
  ExceptionId id;
  std::string title;
  State state = State::open;
  Severity severity = Severity::medium;
  std::string identity_kind;
  std::string identity_name;
  std::string system;
  std::vector<Email> owners;
  std::optional<Email> assignee;
  Timestamp opened;
  std::optional<Timestamp> due;
  std::optional<Resolution> resolution;
  std::optional<Timestamp> expires;  // of the acceptance in force (or the last one, once revoked)
  Duration age;                      // from opening to the report's time, or to closing when closed
  bool overdue = false;              // an SLA breach at the report's time
  std::vector<std::string> frameworks;
  bool operator==(const ReportRow&) const = default;
};

// Ages of the exceptions not closed, in fixed buckets so reports compare over time.
struct AgingBucket {
  std::string label;           // `< 7d`, `7-30d`, `30-90d`, `>= 90d`
  Duration from;               // inclusive
  std::optional<Duration> to;  // exclusive; none for the last bucket
  int count = 0;
  bool operator==(const AgingBucket&) const = default;
};

struct AcceptedItem {
  ExceptionId id;
  std::string title;
  Severity severity = Severity::medium;
  std::optional<Timestamp> expires;  // none: no readable expiry (treated as expired)
  bool expired = false;
  bool expiring_soon = false;
  bool renewal_pending = false;
  bool operator==(const AcceptedItem&) const = default;
};

// One exception of a recurrence group, with the system it was opened for.
struct RecurrenceMember {
  ExceptionId id;
  std::string system;  // empty: none recorded
  State state = State::open;
  bool operator==(const RecurrenceMember&) const = default;
};

// Exceptions that recur for one identity. Two records belong to one group when they name the
// same identity — the same kind and name, compared byte for byte as stored (case-sensitive),
// whatever their systems — or when one links the other as `recurrence_of` (opened for an
// identity or fingerprint seen before), and so on transitively. The stored links are read, never
// changed: `open` still links the same kind, name and system only (RecurrenceLookup), so the
// report is what finds one identity on several systems. A group has two records or more, or
// one record linked to a record no longer in the store.
struct RecurrenceGroup {
  // `kind:name` (just `name` when the kind is empty) of the group's identities, joined by `, `
  // when links join several; `fingerprint <fp>` when none has a name.
  std::string identity;
  std::vector<ExceptionId> ids;          // sorted; includes linked ids no longer in the store
  std::vector<std::string> systems;      // every system the identity was seen on, sorted, each once
  std::vector<RecurrenceMember> members; // the records in the store, oldest first
  bool operator==(const RecurrenceGroup&) const = default;
};

// A decided exception as an auditor reads it: what was decided, why, by whom and when, under
// which compensating controls and until when. Every record with an outcome has one: an
// acceptance (in force or expired, with a renewal pending or not), and a closure (remediated,
// rejected, revoked).
struct DecisionItem {
  ExceptionId id;
  std::string title;
  State state = State::open;
  Severity severity = Severity::medium;
  Resolution resolution = Resolution::remediated;
  std::string reason;                 // the outcome's reason (a revocation's: its note)
  Stamp decided;                      // the deciding approval, or the revocation
  std::vector<Stamp> approvers;       // deciding_approvals: empty for a revocation
  std::vector<std::string> controls;  // the deciding request's compensating controls (acceptances)
  std::optional<Timestamp> expires;   // the acceptance's expiry (kept when revoked)
  bool acceptance_standing = false;   // acceptance_in_force: accepted and not revoked
  bool expired = false;               // standing and acceptance_expired at the report's time
  bool expiring_soon = false;         // standing and acceptance_expiring_soon
  bool renewal_pending = false;
  bool operator==(const DecisionItem&) const = default;
};

// Whether the report shows `r`'s decision in full (it has an outcome): the records a caller
// reads whole for report_decision.
bool has_reported_decision(const RecordSummary& r);
// The decision of the full record `r` (which has_reported_decision) judged at `at`.
DecisionItem report_decision(const Record& r, const Policy& policy, Timestamp at);
// Orders decisions for the report: acceptances standing first (no readable expiry, then soonest
// expiry), then the others, newest decision first; ties by id.
void sort_decisions(std::vector<DecisionItem>& decisions);

// Records per framework reference (`NIST-CSF-2.0:PR.AA-05`), grouped by family (the part
// before the colon).
struct FrameworkFamily {
  std::string family;
  int records = 0;                      // records citing at least one id of the family
  std::map<std::string, int> by_id;     // full reference → number of records citing it
  bool operator==(const FrameworkFamily&) const = default;
};

// The families every report lists, even with no record citing them.
inline constexpr std::array<std::string_view, 3> kReportedFrameworkFamilies{"OWASP-NHI", "NIST-CSF-2.0",
                                                                            "NIST-SP-800-207"};

struct ReportData {
  Timestamp at;
  int total = 0;
  int open = 0;    // not closed (accepted ones included: they are still exceptions in force)
  int closed = 0;
  int overdue = 0;
  // Acceptances standing (acceptance_in_force), split by acceptance_expired at `at`: in force
  // (before their expiry) and expired (at or past it, or with no readable expiry — `check`'s
  // `expired` findings). Together they are `accepted.size()`.
  int acceptances_in_force = 0;
  int acceptances_expired = 0;
  std::map<State, int> by_state;       // every record, closed ones included, so the bars add up to the total
  std::map<Severity, int> by_severity; // open ones
  std::map<std::string, int> by_owner; // open ones, per owner e-mail (`unowned` when none)
  std::vector<AgingBucket> aging;      // open ones
  DurationStats open_age;              // open ones
  DurationStats time_to_decision;      // opening → first approve or deny
  DurationStats time_to_close;         // opening → closing, for closed ones
  std::vector<AcceptedItem> accepted;  // acceptances standing (in force or expired), soonest expiry first
  // Every decided exception in full (sort_decisions's order). Set by the caller from full
  // records (report_decision); build_report over summaries leaves it empty, the overload over
  // full records fills it.
  std::vector<DecisionItem> decisions;
  std::vector<RecurrenceGroup> recurrence;  // most systems first, then most records, then identity
  std::vector<FrameworkFamily> frameworks;
  std::vector<ReportRow> rows;         // every record, oldest first
  // Record files that could not be read: left out of every figure above, named in the report
  // (set by the caller; build_report sees only what was read).
  std::vector<UnreadableRecord> unreadable;
  bool operator==(const ReportData&) const = default;
};

ReportData build_report(const std::vector<RecordSummary>& records, const Policy& policy, Timestamp at);
// The same for full records (summarised first), with `decisions` filled.
ReportData build_report(const std::vector<Record>& records, const Policy& policy, Timestamp at);

}  // namespace docket::core
