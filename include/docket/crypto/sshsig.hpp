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
  std::string sig_type;   // "ssh-ed25519"
  std::string signature;  // raw signature bytes (64 for Ed25519)
};

// The bytes that are actually signed: "SSHSIG" || string(ns) || string("") || string(hash_alg)
// || string(H(message)).
std::string sshsig_signed_data(std::string_view ns, std::string_view hash_alg, std::string_view message);
// Builds the armored form from its parts (base64 wrapped at 70 columns, trailing newline).
std::string sshsig_armor(const SshSignature& sig);
// Parses an armored signature; nullopt when malformed (wrong magic, version, trailing bytes …).
std::optional<SshSignature> sshsig_parse(std::string_view armored);
// True when `sig` is a valid Ed25519 signature over `message` in namespace `ns`.
bool sshsig_verify(const SshSignature& sig, std::string_view message, std::string_view ns = "git");

}  // namespace docket::crypto
