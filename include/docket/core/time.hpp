#pragma once
// RFC 3339 and durations, computed without the C library's time zone state.

#include <optional>
#include <string>
#include <string_view>

#include "docket/core/types.hpp"

namespace docket {

// `2026-11-23T10:00:00Z`. Always UTC, whole seconds.
std::string format_rfc3339(Timestamp t);
// Accepts `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` and a bare date `YYYY-MM-DD` (midnight UTC).
std::optional<Timestamp> parse_rfc3339(std::string_view text);
// `90d`, `72h`, `30m`, `45s`, `2w`, or combinations like `1d12h`. Positive only.
std::optional<Duration> parse_duration(std::string_view text);
std::string format_duration(Duration d);  // exact, largest units first: `90d`, `1d12h`, `45m`
// A point in time on the command line: RFC 3339, or a duration counted from `now`.
std::optional<Timestamp> parse_time_or_duration(std::string_view text, Timestamp now);

// The times docket writes and reads (docs/verify.md, rule `time-range`): from the Unix epoch to
// the last second that RFC 3339's four-digit year can spell. A commit, a record stamp, a due
// date or an expiry outside this range is refused before anything is written, so nothing docket
// writes is unreadable to docket.
inline constexpr Timestamp kEarliestTime{0};                  // 1970-01-01T00:00:00Z
inline constexpr Timestamp kLatestTime{253402300799};         // 9999-12-31T23:59:59Z
// The longest duration a policy may set (SLA, maximum acceptance, review delay, expiring-soon
// window, clock skew): 100 years of 365.25 days.
inline constexpr Duration kLongestPolicyDuration{3155760000};
inline constexpr std::string_view kTimeRangeRule = "time-range";
// The last commit time docket can write: libgit2 (1.5, git_signature__writebuf) writes a commit's
// time as a 32-bit unsigned number, so a later clock would be stored wrapped around to the
// 1970s. A commit dated later is refused before it is written (rule `time-range`).
inline constexpr Timestamp kLatestCommitTime{4294967295};  // 2106-02-07T06:28:15Z
bool in_time_range(Timestamp t);
// `t + d`. Throws RuleViolation(`time-range`) naming `what` (e.g. "the SLA due date") when the
// result falls outside [kEarliestTime, kLatestTime].
Timestamp add_in_range(Timestamp t, Duration d, std::string_view what);
// `t + d`, clamped to the range: for read-only windows such as "expiring within 14 days of
// --at", where a far clock must not fail the whole command.
Timestamp add_clamped(Timestamp t, Duration d);

// Days since 1970-01-01 for a civil date, and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
void civil_from_days(std::int64_t days, std::int64_t& y, unsigned& m, unsigned& d);

}  // namespace docket
