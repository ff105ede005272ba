#pragma once
// SSH public keys as they appear in allowed_signers, `*.pub` files and SSHSIG blobs.

#include <optional>
#include <string>
#include <string_view>

namespace docket::crypto {

struct SshPublicKey {
  // The OpenSSH key type name. docket signs and verifies ssh-ed25519, ssh-rsa,
  // ecdsa-sha2-nistp256/384/521, sk-ssh-ed25519@openssh.com and
  // sk-ecdsa-sha2-nistp256@openssh.com; other types parse (so a file naming one can be
  // reported) but are refused by unusable_key_reason.
  std::string type;
  std::string blob;  // the SSH wire encoding: string(type) string(key bytes)

  // "ssh-ed25519 AAAA…" (no comment).
  std::string to_openssh() const;
  // "SHA256:<unpadded base64>" as ssh-keygen -l prints it.
  std::string fingerprint() const;
  // For ssh-ed25519: the 32 raw key bytes; empty otherwise.
  std::string ed25519_raw() const;
  // The type as ssh-keygen -l names it: "ED25519", "RSA", "ECDSA", "ED25519-SK", "ECDSA-SK";
  // "" for a type docket does not know.
  std::string label() const;
  // The size ssh-keygen -l prints: RSA modulus bits, the curve's bits (256, 384, 521), 256 for
  // Ed25519; 0 for a type docket does not know.
  int bits() const;
  bool operator==(const SshPublicKey&) const = default;
};

// Why docket cannot sign or verify with `key`: one sentence such as "a 1024-bit RSA key;
// docket needs 2048 to 16384 bits (NIST SP 800-131A)", or nullopt when it can. Checks the
// type, every field, ECDSA points (on the curve, RFC 5656 §3.1) and RSA sizes. The one rule
// that `member add`, the signer and `verify` share.
std::optional<std::string> unusable_key_reason(const SshPublicKey& key);

// Parses "TYPE BASE64 [comment]" (an OpenSSH .pub line). Returns nullopt when malformed: the
// base64 or the wire fields of a known type are wrong, or the type in front differs from the
// one in the blob.
std::optional<SshPublicKey> parse_openssh_public_key(std::string_view line);
// Parses an SSH wire blob (RFC 4253 §6.6: string type, then the type's fields). Known types
// must hold exactly their fields; other types are kept opaque.
std::optional<SshPublicKey> parse_public_key_blob(std::string_view blob);

}  // namespace docket::crypto
