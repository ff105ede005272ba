#pragma once
// Which exceptions `docket list`, `report` and `check` select, and the orders `list` sorts them
// in (docs/check-and-report.md, "Selecting exceptions"). Pure: the time the deadline filters are
// judged at is an input. The deadline filters reuse core/findings.hpp's definitions of "overdue"
// (sla-breach), "expired" and "expiring soon", so `list --overdue` lists exactly the records
// `check` reports as SLA breaches at the same time.
//
// Different criteria combine with AND; the values of one repeatable criterion (states,
// severities) with OR. An empty filter keeps every record.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/findings.hpp"
#include "docket/core/record.hpp"
#include "docket/core/summary.hpp"

namespace docket::core {

struct ExceptionFilter {
  std::vector<State> states;          // any of these (empty: any state)
  std::vector<Severity> severities;   // any of these (empty: any severity)
  std::optional<Email> owner;         // among the owners (e-mails compare ignoring ASCII case)
  std::optional<Email> assignee;      // the assignee
  std::optional<Email> mine;          // an owner or the assignee
  std::optional<std::string> template_name;  // exactly
  std::optional<Identity> identity;   // kind and name exactly (its system is not compared)
  std::optional<std::string> system;  // the identity's system, exactly
  std::optional<std::string> tool;    // the source's tool, exactly
  bool overdue = false;               // sla_breached at the time judged
  std::optional<Duration> expiring;   // acceptance_expiring within this window
  bool expired = false;               // acceptance_expired
  // A fixed text found, ignoring ASCII case, in the title, the identity's kind, name or system,
  // or the text of a comment. Empty: no text criterion.
  std::string grep;
  bool operator==(const ExceptionFilter&) const = default;
};

// Whether `f` keeps every record (no criterion set).
bool is_empty(const ExceptionFilter& f);
// Whether judging `f` needs more than a FilterRow: owners, template, identity, source or text.
bool needs_summary(const ExceptionFilter& f);

// The fields of one record that the record index's table holds (codec::IndexRow): what the
// criteria other than those needs_summary names are judged on, so `list` can filter without
// decoding a summary.
struct FilterRow {
  State state = State::open;
  Severity severity = Severity::medium;
  std::optional<Timestamp> due;
  std::optional<Resolution> decided;  // the outcome's resolution, when there is an outcome
  std::optional<Timestamp> expires;   // the outcome's expiry
  std::string_view assignee;          // empty: none
};
// The row of `r` (views into `r`).
FilterRow filter_row(const RecordSummary& r);

// Whether `row` passes the criteria of `f` that a row holds (states, severities, assignee,
// overdue, expiring, expired), judged at `at`. The criteria needs_summary names are not judged.
bool matches_row(const ExceptionFilter& f, const FilterRow& row, Timestamp at);

enum class FilterMatch {
  no,
  yes,
  if_comments_match,  // every criterion but the text passes, and the text is in no summary field
};
// `r` judged against every criterion of `f` at `at`; the comments, which a summary does not hold,
// are left to comments_match.
FilterMatch matches(const ExceptionFilter& f, const RecordSummary& r, Timestamp at);
// Whether `f`'s text is in one of `comments` (false when `f` has no text).
bool comments_match(const ExceptionFilter& f, const std::vector<Comment>& comments);
// A whole record against every criterion (the reference the faster paths agree with).
bool matches(const ExceptionFilter& f, const Record& r, Timestamp at);

// Whether `needle` occurs in `haystack`, comparing ASCII letters without case (other bytes
// exactly). An empty needle occurs everywhere.
bool contains_ignoring_case(std::string_view haystack, std::string_view needle);

// The orders `docket list --sort` offers. Ties, and `opened` itself, go by opening time, then id
// (codec::list_order, the default order).
enum class ListSort {
  opened,    // oldest first
  due,       // soonest SLA due date first, records without one last
  severity,  // critical first
  state,     // lifecycle order: open, triaged, investigating, remediating, pending-approval, accepted, closed
};
inline constexpr std::array<ListSort, 4> kListSorts{ListSort::due, ListSort::opened, ListSort::severity, ListSort::state};
std::string_view to_string(ListSort sort);
std::optional<ListSort> parse_list_sort(std::string_view text);
// `due, opened, severity, state`: for messages and help.
std::string list_sort_names();

// What sorting reads of one record (views valid while sorting).
struct SortFields {
  Timestamp opened;
  std::string_view id;
  std::optional<Timestamp> due;
  Severity severity = Severity::medium;
  State state = State::open;
};
// Whether `a` comes before `b` in the order `sort`.
bool sorts_before(ListSort sort, const SortFields& a, const SortFields& b);

}  // namespace docket::core
