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

// Days since 1970-01-01 for a civil date, and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
void civil_from_days(std::int64_t days, std::int64_t& y, unsigned& m, unsigned& d);

}  // namespace docket
