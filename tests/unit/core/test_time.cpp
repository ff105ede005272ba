// core/time: RFC 3339 and durations without the C library's time zone state.

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "docket/core/time.hpp"

using namespace docket;

namespace {
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t k20261123T10 = 1795428000;  // 2026-11-23T10:00:00Z (date -u -d … +%s)

std::int64_t secs(std::string_view text) {
  const auto t = parse_rfc3339(text);
  REQUIRE_MESSAGE(t, "did not parse: ", std::string(text));
  return t->seconds;
}
}  // namespace

TEST_CASE("format_rfc3339 writes UTC with a Z suffix and whole seconds") {
  CHECK(format_rfc3339(Timestamp{0}) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(Timestamp{k20261123T10}) == "2026-11-23T10:00:00Z");
  CHECK(format_rfc3339(Timestamp{k20261123T10 + 3599}) == "2026-11-23T10:59:59Z");
  CHECK(format_rfc3339(Timestamp{2147483648}) == "2038-01-19T03:14:08Z");  // past the 32-bit time_t limit
  CHECK(format_rfc3339(Timestamp{-1}) == "1969-12-31T23:59:59Z");
  CHECK(format_rfc3339(Timestamp{253402300799}) == "9999-12-31T23:59:59Z");
}

TEST_CASE("parse_rfc3339 reads known instants") {
  CHECK(secs("1970-01-01T00:00:00Z") == 0);
  CHECK(secs("2026-11-23T10:00:00Z") == k20261123T10);
  CHECK(secs("2024-02-29T00:00:00Z") == 1709164800);
  CHECK(secs("2000-03-01T00:00:00Z") == 951868800);
  CHECK(secs("1969-12-31T23:59:59Z") == -1);
  CHECK(secs("1600-01-01T00:00:00Z") == -11676096000);
}

TEST_CASE("parse_rfc3339 and format_rfc3339 round-trip across centuries") {
  // Steps that are not multiples of a day or an hour, so every field of the output varies.
  for (std::int64_t t = -12'000'000'000; t < 13'000'000'000; t += 7'777'777 + 13) {
    const auto text = format_rfc3339(Timestamp{t});
    const auto back = parse_rfc3339(text);
    REQUIRE_MESSAGE(back, text);
    CHECK_MESSAGE(back->seconds == t, text);
  }
}

TEST_CASE("days_from_civil and civil_from_days are inverse, including before 1970") {
  for (std::int64_t days = -800'000; days <= 800'000; days += 37) {
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    CHECK(days_from_civil(y, m, d) == days);
  }
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) == 951868800 / kDay);
}

TEST_CASE("parse_rfc3339 applies numeric offsets to get UTC") {
  CHECK(secs("2026-11-23T12:00:00+02:00") == k20261123T10);
  CHECK(secs("2026-11-23T05:00:00-05:00") == k20261123T10);
  CHECK(secs("2026-11-23T15:30:00+05:30") == k20261123T10);
  CHECK(secs("2026-11-23T10:00:00+00:00") == k20261123T10);
  CHECK(secs("2026-11-23T10:00:00-00:00") == k20261123T10);
  CHECK(secs("2026-11-24T09:59:00+23:59") == k20261123T10);
  // Crossing a day, a month and a year boundary through the offset.
  CHECK(secs("2027-01-01T01:00:00+02:00") == secs("2026-12-31T23:00:00Z"));
}

TEST_CASE("parse_rfc3339 accepts lowercase t and z, a space separator and drops fractions") {
  CHECK(secs("2026-11-23t10:00:00z") == k20261123T10);
  CHECK(secs("2026-11-23 10:00:00Z") == k20261123T10);
  CHECK(secs("2026-11-23T10:00:00.999999Z") == k20261123T10);
  CHECK(secs("2026-11-23T12:00:00.5+02:00") == k20261123T10);
}

TEST_CASE("parse_rfc3339 reads a bare date as midnight UTC") {
  CHECK(secs("2026-11-23") == k20261123T10 - 10 * 3600);
}

TEST_CASE("parse_rfc3339 knows leap years") {
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z"));
  CHECK(parse_rfc3339("2000-02-29"));  // divisible by 400
  CHECK(parse_rfc3339("2400-02-29"));
  CHECK_FALSE(parse_rfc3339("1900-02-29"));  // divisible by 100, not by 400
  CHECK_FALSE(parse_rfc3339("2100-02-29"));
  CHECK_FALSE(parse_rfc3339("2026-02-29"));
  CHECK(secs("2024-03-01") - secs("2024-02-28") == 2 * kDay);
  CHECK(secs("2026-03-01") - secs("2026-02-28") == 1 * kDay);
}

TEST_CASE("parse_rfc3339 refuses dates that do not exist") {
  for (std::string_view bad : {"2026-02-30", "2026-02-30T00:00:00Z", "2026-04-31", "2026-06-31", "2026-09-31",
                               "2026-11-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32"})
    CHECK_MESSAGE(!parse_rfc3339(bad), "accepted: ", std::string(bad));
  for (std::string_view good : {"2026-01-31", "2026-03-31", "2026-04-30", "2026-12-31"})
    CHECK_MESSAGE(parse_rfc3339(good), "refused: ", std::string(good));
}

TEST_CASE("parse_rfc3339 refuses malformed times") {
  for (std::string_view bad : {
           "",
           "2026",
           "2026-11",
           "2026-1-23",
           "26-11-23",
           "2026/11/23",
           "2026-11-23T",
           "2026-11-23T10:00Z",              // no seconds
           "2026-11-23T10:00:00",            // no zone: local time is ambiguous
           "2026-11-23T24:00:00Z",
           "2026-11-23T10:60:00Z",
           "2026-11-23T10:00:61Z",
           "2026-11-23T10:00:00.Z",          // a dot with no digits
           "2026-11-23T10:00:00+0200",       // offset without a colon
           "2026-11-23T10:00:00+02",
           "2026-11-23T10:00:00+24:00",
           "2026-11-23T10:00:00+02:60",
           "2026-11-23T10:00:00ZZ",
           "2026-11-23T10:00:00Z ",
           " 2026-11-23T10:00:00Z",
           "2026-11-23X10:00:00Z",
           "2026-11-23T1a:00:00Z",
           "+2026-11-23T10:00:00Z",
       })
    CHECK_MESSAGE(!parse_rfc3339(bad), "accepted: '", std::string(bad), "'");
}

TEST_CASE("parse_duration reads every unit") {
  CHECK(parse_duration("90d") == Duration{90 * kDay});
  CHECK(parse_duration("72h") == Duration{72 * 3600});
  CHECK(parse_duration("30m") == Duration{30 * 60});
  CHECK(parse_duration("45s") == Duration{45});
  CHECK(parse_duration("2w") == Duration{14 * kDay});
}

TEST_CASE("parse_duration adds combined units") {
  CHECK(parse_duration("1d12h") == Duration{36 * 3600});
  CHECK(parse_duration("1w2d3h4m5s") == Duration{9 * kDay + 3 * 3600 + 4 * 60 + 5});
  CHECK(parse_duration("0d1h") == Duration{3600});
  CHECK(parse_duration("1h1h") == Duration{7200});
}

TEST_CASE("parse_duration refuses zero, negative, unitless and malformed durations") {
  for (std::string_view bad : {"", "0d", "0s", "0w0d", "d", "h", "-1d", "+1d", "1", "1d1", "1x", "1D", "1.5d", "1d ",
                               " 1d", "1 d", "d1", "P1D", "1d-1h"})
    CHECK_MESSAGE(!parse_duration(bad), "accepted: '", std::string(bad), "'");
}

TEST_CASE("parse_duration refuses absurdly long durations instead of overflowing") {
  CHECK(parse_duration("1099511627776s") == Duration{std::int64_t{1} << 40});  // the limit itself
  CHECK_FALSE(parse_duration("1099511627777s"));
  CHECK_FALSE(parse_duration("9223372036854775807s"));
  CHECK_FALSE(parse_duration("9223372036854775808s"));    // does not fit in int64
  CHECK_FALSE(parse_duration("99999999999999999999d"));
  CHECK_FALSE(parse_duration("15250284452471w"));          // n * 604800 would overflow int64
  CHECK_FALSE(parse_duration("106751991167301d"));         // n * 86400 would overflow int64
}

TEST_CASE("format_duration writes an exact form that parses back to the same duration") {
  CHECK(format_duration(Duration{90 * kDay}) == "90d");
  CHECK(format_duration(Duration{25 * 3600}) == "1d1h");
  CHECK(format_duration(Duration{3661}) == "1h1m1s");
  CHECK(format_duration(Duration{45}) == "45s");
  CHECK(format_duration(Duration{0}) == "0s");
  CHECK(format_duration(Duration{-3600}) == "-1h");
  for (std::int64_t s : {1LL, 59LL, 60LL, 61LL, 3599LL, 3600LL, 86399LL, 86400LL, 86401LL, 129600LL, 7776000LL,
                         1234567LL, 1099511627776LL})
    CHECK_MESSAGE(parse_duration(format_duration(Duration{s})) == Duration{s}, format_duration(Duration{s}));
}

TEST_CASE("format_duration writes largest units first, so 36 hours is 1d12h") {
  CHECK(format_duration(Duration{36 * 3600}) == "1d12h");
}

TEST_CASE("parse_time_or_duration takes an RFC 3339 time as is, or a duration from now") {
  const Timestamp now{k20261123T10};
  CHECK(parse_time_or_duration("2026-12-01T00:00:00Z", now) == parse_rfc3339("2026-12-01T00:00:00Z"));
  CHECK(parse_time_or_duration("2026-12-01", now) == parse_rfc3339("2026-12-01"));
  CHECK(parse_time_or_duration("30d", now) == Timestamp{k20261123T10 + 30 * kDay});
  CHECK(parse_time_or_duration("1d12h", now) == Timestamp{k20261123T10 + 36 * 3600});
  CHECK_FALSE(parse_time_or_duration("", now));
  CHECK_FALSE(parse_time_or_duration("0d", now));
  CHECK_FALSE(parse_time_or_duration("-1d", now));
  CHECK_FALSE(parse_time_or_duration("tomorrow", now));
  CHECK_FALSE(parse_time_or_duration("2026-02-30", now));
}
