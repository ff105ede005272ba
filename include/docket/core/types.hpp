#pragma once
// Strong value types for the things that must never be mixed up: ids, e-mails, digests, times,
// severities, states and roles. All are plain values, with no I/O.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace docket {

// Seconds since the Unix epoch, UTC. Rendered as RFC 3339 with a `Z` suffix (core/time.hpp).
struct Timestamp {
  std::int64_t seconds = 0;
  auto operator<=>(const Timestamp&) const = default;
};

// A duration in seconds (`72h`, `30d` on the command line and in policy).
struct Duration {
  std::int64_t seconds = 0;
  auto operator<=>(const Duration&) const = default;
};

inline Timestamp operator+(Timestamp t, Duration d) { return {t.seconds + d.seconds}; }
inline Duration operator-(Timestamp a, Timestamp b) { return {a.seconds - b.seconds}; }

// An e-mail address used as a principal. Validated on construction: one `@`, no spaces,
// no control characters, no commas or quotes (it is written into allowed_signers).
class Email {
public:
  Email() = default;
  static std::optional<Email> parse(std::string_view text);
  const std::string& str() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }
  auto operator<=>(const Email&) const = default;

private:
  explicit Email(std::string v) : value_(std::move(v)) {}
  std::string value_;
};

// `<PREFIX>-<10 Crockford base32 chars>` (core/id.hpp makes and parses them).
class ExceptionId {
public:
  ExceptionId() = default;
  static std::optional<ExceptionId> parse(std::string_view text);
  const std::string& str() const noexcept { return value_; }
  // The part after `PREFIX-`, whose first two characters name the fan-out directory.
  std::string_view suffix() const;
  auto operator<=>(const ExceptionId&) const = default;

private:
  explicit ExceptionId(std::string v) : value_(std::move(v)) {}
  std::string value_;
};

// A SHA-256 digest. Text form `sha256:<64 lowercase hex>`.
class Sha256Digest {
public:
  using Bytes = std::array<std::uint8_t, 32>;
  Sha256Digest() = default;
  explicit Sha256Digest(const Bytes& b) : bytes_(b) {}
  static std::optional<Sha256Digest> parse(std::string_view text);  // accepts `sha256:` + hex or bare hex
  std::string hex() const;
  std::string str() const { return "sha256:" + hex(); }
  const Bytes& bytes() const noexcept { return bytes_; }
  auto operator<=>(const Sha256Digest&) const = default;

private:
  Bytes bytes_{};
};

enum class Severity { critical, high, medium, low };
enum class State { open, triaged, investigating, remediating, pending_approval, accepted, closed };
enum class Resolution { remediated, accepted, rejected, revoked };
enum class Role { admin, approver, responder, reporter };
enum class Decision { approve, deny };

// Text forms as written in records and accepted on the command line (`pending-approval`).
std::string_view to_string(Severity);
std::string_view to_string(State);
std::string_view to_string(Resolution);
std::string_view to_string(Role);
std::string_view to_string(Decision);
std::optional<Severity> parse_severity(std::string_view);
std::optional<State> parse_state(std::string_view);
std::optional<Resolution> parse_resolution(std::string_view);
std::optional<Role> parse_role(std::string_view);
std::optional<Decision> parse_decision(std::string_view);

// Sizes in bytes as docket.yaml writes them: a whole number of bytes, or of KiB, MiB, GiB or TiB
// (IEC 80000-13 binary prefixes): `1GiB`, `512MiB`, `1048576`. nullopt when malformed, zero,
// or above 2^63.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);
// The exact size in the largest unit that divides it: `1GiB`, `1536KiB`, `1000`.
std::string format_byte_size(std::uint64_t bytes);

}  // namespace docket
