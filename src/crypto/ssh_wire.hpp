#pragma once
// The SSH wire encoding (RFC 4251 §5) used inside public key blobs, SSHSIG blobs and
// openssh-key-v1 private key files: big-endian uint32 and length-prefixed strings.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "docket/core/error.hpp"

namespace docket::crypto::detail {

inline constexpr std::string_view ed25519_key_type = "ssh-ed25519";
inline constexpr std::size_t ed25519_public_key_size = 32;
inline constexpr std::size_t ed25519_signature_size = 64;

class SshWriter {
public:
  void raw(std::string_view bytes) { out_.append(bytes); }
  void u32(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<char>((value >> shift) & 0xffU));
  }
  void string(std::string_view bytes) {
    if (bytes.size() > std::numeric_limits<std::uint32_t>::max())
      throw Error(ExitCode::internal, "SSH string longer than 4 GiB");
    u32(static_cast<std::uint32_t>(bytes.size()));
    raw(bytes);
  }
  std::string take() && { return std::move(out_); }

private:
  std::string out_;
};

// Reads from a view without copying; every read fails (nullopt) rather than running past the end.
class SshReader {
public:
  explicit SshReader(std::string_view bytes) noexcept : rest_(bytes) {}

  std::optional<std::string_view> raw(std::size_t size) noexcept {
    if (rest_.size() < size) return std::nullopt;
    std::string_view taken = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return taken;
  }
  std::optional<std::uint32_t> u32() noexcept {
    auto bytes = raw(4);
    if (!bytes) return std::nullopt;
    std::uint32_t value = 0;
    for (char c : *bytes) value = (value << 8) | static_cast<unsigned char>(c);
    return value;
  }
  std::optional<std::string_view> string() noexcept {
    auto size = u32();
    if (!size) return std::nullopt;
    return raw(*size);
  }
  bool empty() const noexcept { return rest_.empty(); }
  std::string_view rest() const noexcept { return rest_; }

private:
  std::string_view rest_;
};

}  // namespace docket::crypto::detail
