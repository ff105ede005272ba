#pragma once
// SSH public keys as they appear in allowed_signers, `*.pub` files and SSHSIG blobs.

#include <optional>
#include <string>
#include <string_view>

namespace docket::crypto {

struct SshPublicKey {
  std::string type;  // "ssh-ed25519"; other types parse but cannot verify in-process
  std::string blob;  // the SSH wire encoding: string(type) string(key bytes)

  // "ssh-ed25519 AAAA…" (no comment).
  std::string to_openssh() const;
  // "SHA256:<unpadded base64>" as ssh-keygen -l prints it.
  std::string fingerprint() const;
  // For ssh-ed25519: the 32 raw key bytes; empty otherwise.
  std::string ed25519_raw() const;
  bool operator==(const SshPublicKey&) const = default;
};

// Parses "ssh-ed25519 AAAA… [comment]". Returns nullopt when malformed.
std::optional<SshPublicKey> parse_openssh_public_key(std::string_view line);
// Parses an SSH wire blob (string type, string key).
std::optional<SshPublicKey> parse_public_key_blob(std::string_view blob);

}  // namespace docket::crypto
