#include "docket/crypto/allowed_signers.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "docket/core/error.hpp"
#include "docket/core/time.hpp"

namespace docket::crypto {

namespace {

constexpr std::string_view line_format_hint =
    "each line reads: principals [options] ssh-ed25519 AAAA… [comment], with option values in double "
    "quotes (see ssh-keygen(1), ALLOWED SIGNERS)";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

void skip_blanks(std::string_view& text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

// `*` matches any run of characters, `?` any one character; everything else matches itself,
// case-sensitively, as OpenSSH's match_pattern does.
bool glob_matches(std::string_view text, std::string_view pattern) {
  std::size_t t = 0, p = 0;
  std::size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// OpenSSH's match_pattern_list: a matching `!pattern` vetoes the whole list, otherwise any
// matching pattern admits.
bool list_admits(std::string_view text, const std::vector<std::string>& patterns) {
  bool admitted = false;
  for (const std::string& pattern : patterns) {
    const bool negated = !pattern.empty() && pattern.front() == '!';
    if (glob_matches(text, negated ? std::string_view(pattern).substr(1) : std::string_view(pattern))) {
      if (negated) return false;
      admitted = true;
    }
  }
  return admitted;
}

int days_in_month(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

bool is_pattern(std::string_view principal) {
  return principal.find_first_of("*?!") != std::string_view::npos;
}

// Parses one allowed_signers line; throws Error naming `source`:`line_number`.
class LineParser {
public:
  LineParser(std::string_view source, std::size_t line_number) : source_(source), line_number_(line_number) {}

  AllowedSigner parse(std::string_view line) const {
    AllowedSigner entry;
    entry.line = line_number_;
    entry.quoted_principals = line.front() == '"';
    entry.principals = split_list(take_principals(line), "principal");
    skip_blanks(line);
    if (line.empty()) fail("no public key after the principals");

    // As in ssh-keygen: what follows the principals is the key, unless it does not parse as one,
    // in which case it is an option list followed by the key.
    std::optional<SshPublicKey> key = parse_openssh_public_key(line);
    if (!key) {
      const std::string_view options = take_options(line);
      if (looks_like_key_type(options)) fail("the " + std::string(options) + " public key is malformed");
      parse_options(options, entry);
      skip_blanks(line);
      if (line.empty()) fail("no public key after the options");
      key = parse_openssh_public_key(line);
      if (!key) fail("the public key is malformed: expected a key type and base64 text after the options");
    }
    entry.key = std::move(*key);
    return entry;
  }

private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(ExitCode::usage, std::string(source_) + ":" + std::to_string(line_number_) + ": " + problem,
                std::string(line_format_hint));
  }

  // The principals are the first word, or a double-quoted string (as ssh-keygen's strdelimw).
  std::string_view take_principals(std::string_view& line) const {
    std::string_view principals;
    if (line.front() == '"') {
      const std::size_t close = line.find('"', 1);
      if (close == std::string_view::npos) fail("the quoted principals have no closing quote");
      principals = line.substr(1, close - 1);
      line.remove_prefix(close + 1);
      if (!line.empty() && !is_blank(line.front())) fail("text right after the quoted principals");
    } else {
      std::size_t end = 0;
      while (end < line.size() && !is_blank(line[end])) ++end;
      principals = line.substr(0, end);
      line.remove_prefix(end);
    }
    return principals;
  }

  std::vector<std::string> split_list(std::string_view list, std::string_view what) const {
    std::vector<std::string> items;
    while (true) {
      const std::size_t comma = list.find(',');
      const std::string_view item = list.substr(0, comma);
      if (item.empty() || item == "!") fail("empty " + std::string(what) + " in \"" + std::string(list) + "\"");
      items.emplace_back(item);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    return items;
  }

  // The option list runs to the first blank outside double quotes (`\"` does not close a quote).
  std::string_view take_options(std::string_view& line) const {
    bool quoted = false;
    std::size_t end = 0;
    for (; end < line.size() && (quoted || !is_blank(line[end])); ++end) {
      if (line[end] == '\\' && end + 1 < line.size() && line[end + 1] == '"')
        ++end;
      else if (line[end] == '"')
        quoted = !quoted;
    }
    if (quoted) fail("an option value has no closing quote");
    const std::string_view options = line.substr(0, end);
    line.remove_prefix(end);
    return options;
  }

  static bool looks_like_key_type(std::string_view word) {
    return word.find('=') == std::string_view::npos &&
           (word.starts_with("ssh-") || word.starts_with("ecdsa-") || word.starts_with("sk-"));
  }

  void parse_options(std::string_view options, AllowedSigner& entry) const {
    bool saw_namespaces = false;
    while (!options.empty()) {
      if (starts_with_ignoring_case(options, "cert-authority")) {
        options.remove_prefix(std::string_view("cert-authority").size());
        entry.cert_authority = true;
      } else if (starts_with_ignoring_case(options, "namespaces=")) {
        if (saw_namespaces) fail("namespaces is given twice");
        saw_namespaces = true;
        options.remove_prefix(std::string_view("namespaces=").size());
        const std::string value = take_quoted_value(options, "namespaces");
        entry.namespaces = split_list(value, "namespace");
      } else if (starts_with_ignoring_case(options, "valid-after=")) {
        if (entry.valid_after) fail("valid-after is given twice");
        options.remove_prefix(std::string_view("valid-after=").size());
        entry.valid_after = parse_validity_time(take_quoted_value(options, "valid-after"), "valid-after");
      } else if (starts_with_ignoring_case(options, "valid-before=")) {
        if (entry.valid_before) fail("valid-before is given twice");
        options.remove_prefix(std::string_view("valid-before=").size());
        entry.valid_before = parse_validity_time(take_quoted_value(options, "valid-before"), "valid-before");
      } else {
        fail("unknown option \"" + std::string(options.substr(0, options.find_first_of(",="))) +
             "\" (known: cert-authority, namespaces, valid-after, valid-before)");
      }
      if (options.empty()) break;
      if (options.front() != ',')
        fail("unexpected text \"" + std::string(options) + "\" after an option; separate options with commas");
      options.remove_prefix(1);
      if (options.empty()) fail("the option list ends with a comma");
    }
    if (entry.valid_after && entry.valid_before && *entry.valid_before <= *entry.valid_after)
      fail("valid-before is not later than valid-after");
  }

  // A double-quoted option value; `\"` stands for a quote inside it (OpenSSH's opt_dequote).
  std::string take_quoted_value(std::string_view& options, std::string_view option) const {
    if (options.empty() || options.front() != '"')
      fail("the value of " + std::string(option) + " must be in double quotes, e.g. " + std::string(option) +
           (option == "namespaces" ? "=\"git\"" : "=\"20270101\""));
    std::string value;
    std::size_t i = 1;
    for (; i < options.size() && options[i] != '"'; ++i) {
      if (options[i] == '\\' && i + 1 < options.size() && options[i + 1] == '"') ++i;
      value.push_back(options[i]);
    }
    if (i == options.size()) fail("the value of " + std::string(option) + " has no closing quote");
    options.remove_prefix(i + 1);
    return value;
  }

  // YYYYMMDD[HHMM[SS]], then `Z` or `UTC` for UTC. Without them the time is local, because that
  // is how ssh-keygen reads it, and stock git must reach the same verdict as docket.
  Timestamp parse_validity_time(std::string_view text, std::string_view option) const {
    const std::string invalid = std::string(option) + " time \"" + std::string(text) +
                                "\" is not YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS (append Z for UTC)";
    bool utc = false;
    if (text.size() > 1 && (text.back() == 'Z' || text.back() == 'z')) {
      utc = true;
      text.remove_suffix(1);
    } else if (text.size() > 3 && starts_with_ignoring_case(text.substr(text.size() - 3), "UTC")) {
      utc = true;
      text.remove_suffix(3);
    }
    if (text.size() != 8 && text.size() != 12 && text.size() != 14) fail(invalid);
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) fail(invalid);
    const auto number = [&](std::size_t offset, std::size_t size) {
      int value = 0;
      for (char c : text.substr(offset, size)) value = value * 10 + (c - '0');
      return value;
    };
    const int year = number(0, 4), month = number(4, 2), day = number(6, 2);
    const int hour = text.size() >= 12 ? number(8, 2) : 0;
    const int minute = text.size() >= 12 ? number(10, 2) : 0;
    const int second = text.size() == 14 ? number(12, 2) : 0;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 59)
      fail(invalid);

    std::int64_t seconds = 0;
    if (utc) {
      const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
      seconds = days * 86400 + hour * 3600 + minute * 60 + second;
    } else {
      std::tm local{};  // tm_isdst = 0, exactly as ssh-keygen's memset leaves it
      local.tm_year = year - 1900;
      local.tm_mon = month - 1;
      local.tm_mday = day;
      local.tm_hour = hour;
      local.tm_min = minute;
      local.tm_sec = second;
      const std::time_t converted = std::mktime(&local);
      if (converted < 0) fail(invalid);
      seconds = static_cast<std::int64_t>(converted);
    }
    // ssh-keygen treats 0 as "no limit", so it refuses the epoch itself; do the same.
    if (seconds <= 0) fail(invalid);
    return Timestamp{seconds};
  }

  std::string_view source_;
  std::size_t line_number_;
};

}  // namespace

AllowedSigners AllowedSigners::parse(std::string_view text, std::string_view source) {
  AllowedSigners signers;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    skip_blanks(line);
    if (line.empty() || line.front() == '#') continue;
    signers.entries_.push_back(LineParser(source, line_number).parse(line));
  }
  return signers;
}

bool AllowedSigners::allows(std::string_view principal, const SshPublicKey& key, std::string_view ns,
                            Timestamp at) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const AllowedSigner& entry) {
    return !entry.cert_authority && entry.key == key && list_admits(principal, entry.principals) &&
           (entry.namespaces.empty() || list_admits(ns, entry.namespaces)) &&
           (!entry.valid_after || at >= *entry.valid_after) && (!entry.valid_before || at <= *entry.valid_before);
  });
}

std::vector<std::string> AllowedSigners::principals_for(const SshPublicKey& key) const {
  std::vector<std::string> principals;
  for (const AllowedSigner& entry : entries_) {
    if (entry.cert_authority || !(entry.key == key)) continue;
    for (const std::string& principal : entry.principals) {
      if (!is_pattern(principal) && std::find(principals.begin(), principals.end(), principal) == principals.end())
        principals.push_back(principal);
    }
  }
  return principals;
}

std::string AllowedSigners::format_line(const Email& principal, const SshPublicKey& key) {
  return principal.str() + " namespaces=\"git\" " + key.to_openssh();
}

}  // namespace docket::crypto
