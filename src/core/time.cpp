#include "docket/core/time.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

#include "docket/core/error.hpp"

namespace docket {
namespace {

bool read_digits(std::string_view& s, std::size_t n, int& out) {
  if (s.size() < n) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  s.remove_prefix(n);
  return true;
}

bool expect(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

std::string format_rfc3339(Timestamp t) {
  std::int64_t days = t.seconds / 86400;
  std::int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

std::optional<Timestamp> parse_rfc3339(std::string_view s) {
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!read_digits(s, 4, year) || !expect(s, '-') || !read_digits(s, 2, month) || !expect(s, '-') ||
      !read_digits(s, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month)))
    return std::nullopt;
  std::int64_t offset = 0;
  if (!s.empty()) {
    if (s.front() != 'T' && s.front() != 't' && s.front() != ' ') return std::nullopt;
    s.remove_prefix(1);
    if (!read_digits(s, 2, hour) || !expect(s, ':') || !read_digits(s, 2, minute) || !expect(s, ':') ||
        !read_digits(s, 2, second))
      return std::nullopt;
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      std::size_t n = 0;
      while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
      if (n == 0) return std::nullopt;
      s.remove_prefix(n);  // fractions are dropped: records keep whole seconds
    }
    if (s == "Z" || s == "z") {
      s.remove_prefix(1);
    } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
      const int sign = s.front() == '+' ? 1 : -1;
      s.remove_prefix(1);
      int oh, om;
      if (!read_digits(s, 2, oh) || !expect(s, ':') || !read_digits(s, 2, om) || oh > 23 || om > 59)
        return std::nullopt;
      offset = sign * (oh * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
  }
  if (!s.empty()) return std::nullopt;
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return Timestamp{days * 86400 + hour * 3600 + minute * 60 + second - offset};
}

std::optional<Duration> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t total = 0;
  while (!s.empty()) {
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || ptr == s.data() || n < 0) return std::nullopt;
    s.remove_prefix(static_cast<std::size_t>(ptr - s.data()));
    if (s.empty()) return std::nullopt;
    std::int64_t unit;
    switch (s.front()) {
      case 'w': unit = 7 * 86400; break;
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return std::nullopt;
    }
    s.remove_prefix(1);
    if (n > (std::int64_t{1} << 40) / unit) return std::nullopt;  // absurdly long: refuse, no overflow
    total += n * unit;
  }
  if (total <= 0) return std::nullopt;
  return Duration{total};
}

std::string format_duration(Duration d) {
  const bool negative = d.seconds < 0;
  std::int64_t s = negative ? -d.seconds : d.seconds;
  std::string body;
  const std::pair<std::int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (const auto& [size, letter] : units) {
    if (s >= size) {
      body += std::to_string(s / size);
      body.push_back(letter);
      s %= size;
    }
  }
  if (body.empty()) return "0s";
  return negative ? "-" + body : body;
}

std::optional<Timestamp> parse_time_or_duration(std::string_view text, Timestamp now) {
  if (auto t = parse_rfc3339(text)) return t;
  if (auto d = parse_duration(text)) return now + *d;
  return std::nullopt;
}

bool in_time_range(Timestamp t) { return t >= kEarliestTime && t <= kLatestTime; }

Timestamp add_in_range(Timestamp t, Duration d, std::string_view what) {
  const Timestamp result = add_clamped(t, d);
  if (!in_time_range(t) || result.seconds != t.seconds + d.seconds)
    throw RuleViolation(std::string(kTimeRangeRule),
                        std::string(what) + " would be " + (in_time_range(t) ? format_rfc3339(t) + " + " + format_duration(d) : std::string("out of range")) +
                            ", after 9999-12-31T23:59:59Z, the last time docket can write",
                        "check the clock (DOCKET_NOW) and the policy's durations in docket.yaml");
  return result;
}

Timestamp add_clamped(Timestamp t, Duration d) {
  // Both stay far inside int64 (a Duration parses to at most 2^40 s), so the sum cannot overflow.
  const std::int64_t sum = t.seconds + d.seconds;
  return Timestamp{std::clamp(sum, kEarliestTime.seconds, kLatestTime.seconds)};
}

}  // namespace docket
