#include "docket/core/types.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace docket {
namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) {
  for (const auto& [value, name] : table)
    if (name == text) return value;
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "?";
}

constexpr std::array<std::pair<Severity, std::string_view>, 4> kSeverities{{
    {Severity::critical, "critical"}, {Severity::high, "high"}, {Severity::medium, "medium"}, {Severity::low, "low"}}};
constexpr std::array<std::pair<State, std::string_view>, 7> kStates{{{State::open, "open"},
                                                                     {State::triaged, "triaged"},
                                                                     {State::investigating, "investigating"},
                                                                     {State::remediating, "remediating"},
                                                                     {State::pending_approval, "pending-approval"},
                                                                     {State::accepted, "accepted"},
                                                                     {State::closed, "closed"}}};
constexpr std::array<std::pair<Resolution, std::string_view>, 4> kResolutions{{{Resolution::remediated, "remediated"},
                                                                               {Resolution::accepted, "accepted"},
                                                                               {Resolution::rejected, "rejected"},
                                                                               {Resolution::revoked, "revoked"}}};
constexpr std::array<std::pair<Role, std::string_view>, 4> kRoles{
    {{Role::admin, "admin"}, {Role::approver, "approver"}, {Role::responder, "responder"}, {Role::reporter, "reporter"}}};
constexpr std::array<std::pair<Decision, std::string_view>, 2> kDecisions{
    {{Decision::approve, "approve"}, {Decision::deny, "deny"}}};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view to_string(Severity v) { return name_of(kSeverities, v); }
std::string_view to_string(State v) { return name_of(kStates, v); }
std::string_view to_string(Resolution v) { return name_of(kResolutions, v); }
std::string_view to_string(Role v) { return name_of(kRoles, v); }
std::string_view to_string(Decision v) { return name_of(kDecisions, v); }
std::optional<Severity> parse_severity(std::string_view t) { return lookup(kSeverities, t); }
std::optional<State> parse_state(std::string_view t) { return lookup(kStates, t); }
std::optional<Resolution> parse_resolution(std::string_view t) { return lookup(kResolutions, t); }
std::optional<Role> parse_role(std::string_view t) { return lookup(kRoles, t); }
std::optional<Decision> parse_decision(std::string_view t) { return lookup(kDecisions, t); }

std::optional<Email> Email::parse(std::string_view text) {
  if (text.empty() || text.size() > 254) return std::nullopt;
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == text.size()) return std::nullopt;
  if (text.find('@', at + 1) != std::string_view::npos) return std::nullopt;
  // Written into allowed_signers and commit headers: refuse anything that could break a line,
  // a principal list or an option.
  const bool clean = std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != ',' && c != '"' && c != '<' && c != '>' && c != '*' && c != '?' &&
           c != '!' && c != '\\';
  });
  // A leading '#' would turn the allowed_signers line into a comment.
  if (!clean || text.front() == '#') return std::nullopt;
  return Email(std::string(text));
}

std::optional<ExceptionId> ExceptionId::parse(std::string_view text) {
  // PREFIX (1–16 uppercase letters/digits) '-' 10 Crockford base32 characters.
  const auto dash = text.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 16) return std::nullopt;
  const auto prefix = text.substr(0, dash);
  const auto body = text.substr(dash + 1);
  if (!std::all_of(prefix.begin(), prefix.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }))
    return std::nullopt;
  if (body.size() != 10) return std::nullopt;
  constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  if (!std::all_of(body.begin(), body.end(), [&](char c) { return alphabet.find(c) != std::string_view::npos; }))
    return std::nullopt;
  return ExceptionId(std::string(text));
}

std::string_view ExceptionId::suffix() const {
  const auto dash = value_.rfind('-');
  return dash == std::string::npos ? std::string_view{} : std::string_view(value_).substr(dash + 1);
}

std::optional<Sha256Digest> Sha256Digest::parse(std::string_view text) {
  if (text.starts_with("sha256:")) text.remove_prefix(7);
  if (text.size() != 64) return std::nullopt;
  Bytes b{};
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    b[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return Sha256Digest(b);
}

std::string Sha256Digest::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (auto byte : bytes_) {
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0xf]);
  }
  return out;
}

namespace {
constexpr std::array<std::pair<std::string_view, std::uint64_t>, 4> kSizeUnits{
    {{"TiB", 1ULL << 40}, {"GiB", 1ULL << 30}, {"MiB", 1ULL << 20}, {"KiB", 1ULL << 10}}};
}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::uint64_t unit = 1;
  for (const auto& [suffix, bytes] : kSizeUnits)
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      unit = bytes;
      text.remove_suffix(suffix.size());
      break;
    }
  if (text.empty() || text.size() > 19 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t number = 0;
  for (char c : text) number = number * 10 + static_cast<std::uint64_t>(c - '0');
  constexpr std::uint64_t limit = 1ULL << 63;
  if (number == 0 || number > limit / unit) return std::nullopt;
  return number * unit;
}

std::string format_byte_size(std::uint64_t bytes) {
  for (const auto& [suffix, unit] : kSizeUnits)
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + std::string(suffix);
  return std::to_string(bytes);
}

}  // namespace docket
