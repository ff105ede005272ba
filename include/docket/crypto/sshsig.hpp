#pragma once
// The SSHSIG format (OpenSSH PROTOCOL.sshsig) used by git's `gpg.format=ssh`.

#include <optional>
#include <string>
#include <string_view>

#include "docket/crypto/ssh_key.hpp"

namespace docket::crypto {

struct SshSignature {
  SshPublicKey key;
  std::string ns;         // namespace, "git" for commits
  std::string hash_alg;   // "sha512" or "sha256"
  std::string sig_type;        // the signature's type: "ssh-ed25519", "rsa-sha2-512", "ecdsa-sha2-nistp256" …
  std::string signature_blob;  // the whole signature blob: string(sig_type) string(signature), and for
                               // security keys byte(flags) uint32(counter) (PROTOCOL.u2f)
};

enum class SshsigVerdict {
  valid,
  invalid,   // the signature does not verify (or a security key's lacks user presence)
  unusable,  // wrong namespace or hash, a key or signature type docket refuses, a malformed blob
};
struct SshsigCheck {
  SshsigVerdict verdict = SshsigVerdict::unusable;
  std::string problem;  // one sentence when not valid
};

// The bytes that are actually signed: "SSHSIG" || string(ns) || string("") || string(hash_alg)
// || string(H(message)).
std::string sshsig_signed_data(std::string_view ns, std::string_view hash_alg, std::string_view message);
// Builds the armored form from its parts (base64 wrapped at 70 columns, trailing newline).
std::string sshsig_armor(const SshSignature& sig);
// Parses an armored signature; nullopt when malformed (wrong magic, version, trailing bytes, a
// signature blob that does not start with its type …). The key may be of a type docket
// refuses; sshsig_check says so.
std::optional<SshSignature> sshsig_parse(std::string_view armored);
// Checks `sig` over `message` in namespace `ns` as `ssh-keygen -Y check-novalidate` does, for
// every key type docket knows (ssh_key.hpp): Ed25519, RSA (rsa-sha2-512/256; the SHA-1 ssh-rsa
// is refused as OpenSSH refuses it), ECDSA with its curve's hash, and the security-key types,
// whose flags must carry user presence.
SshsigCheck sshsig_check(const SshSignature& sig, std::string_view message, std::string_view ns = "git");
// sshsig_check(…).verdict == valid.
bool sshsig_verify(const SshSignature& sig, std::string_view message, std::string_view ns = "git");

}  // namespace docket::crypto
