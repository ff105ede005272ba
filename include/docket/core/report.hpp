#pragma once
// The figures `docket report` shows (docs/check-and-report.md): open exceptions by state,
// severity and owner, aging and overdue, time to decision and to close, acceptances and their
// expiry, recurrence across systems and framework coverage. Pure: computed from the records,
// the policy and the time to report at; the renderers (app/report_render.hpp) only format it.

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

// Exceptions that recur for one identity: the records linked by `recurrence_of` and the
// records they point at, with every system the identity was seen on.
struct RecurrenceGroup {
  std::string identity;  // the identity's name (or `fingerprint <fp>` when it has none)
  std::vector<ExceptionId> ids;
  std::vector<std::string> systems;
  bool operator==(const RecurrenceGroup&) const = default;
};

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
  std::map<State, int> by_state;       // every record, closed ones included, so the bars add up to the total
  std::map<Severity, int> by_severity; // open ones
  std::map<std::string, int> by_owner; // open ones, per owner e-mail (`unowned` when none)
  std::vector<AgingBucket> aging;      // open ones
  DurationStats open_age;              // open ones
  DurationStats time_to_decision;      // opening → first approve or deny
  DurationStats time_to_close;         // opening → closing, for closed ones
  std::vector<AcceptedItem> accepted;  // acceptances in force, soonest expiry first
  std::vector<RecurrenceGroup> recurrence;
  std::vector<FrameworkFamily> frameworks;
  std::vector<ReportRow> rows;         // every record, oldest first
  // Record files that could not be read: left out of every figure above, named in the report
  // (set by the caller; build_report sees only what was read).
  std::vector<UnreadableRecord> unreadable;
  bool operator==(const ReportData&) const = default;
};

ReportData build_report(const std::vector<RecordSummary>& records, const Policy& policy, Timestamp at);
// The same for full records (summarised first).
ReportData build_report(const std::vector<Record>& records, const Policy& policy, Timestamp at);

}  // namespace docket::core
