#pragma once
// The store's `revoked_keys` file: every key an admin removed from allowed_signers (a member
// removed, or given a new key). One OpenSSH public key per line, `#` comments and blank lines
// allowed, which is the plain key list `ssh-keygen -Y verify -r` and git's
// `gpg.ssh.revocationFile` read, so an auditor can hand the file to stock git.

#include <string>
#include <string_view>
#include <vector>

#include "docket/core/types.hpp"
#include "docket/crypto/ssh_key.hpp"

namespace docket::crypto {

class RevokedKeys {
public:
  // Strict parse: each line that is not blank or a `#` comment is `type base64 [comment]`.
  // Throws docket::Error (ExitCode::usage) naming `source` and the line otherwise.
  static RevokedKeys parse(std::string_view text, std::string_view source = "revoked_keys");

  bool contains(const SshPublicKey& key) const;
  // The comment of the line that revoked `key` (docket writes the former holder's e-mail
  // there); "" when `key` is not revoked or the line has no comment.
  std::string comment_of(const SshPublicKey& key) const;
  const std::vector<SshPublicKey>& keys() const noexcept { return keys_; }
  bool empty() const noexcept { return keys_.empty(); }

  // One line as docket writes it: `ssh-ed25519 AAAA… former-holder@example.com` (the comment
  // names who held the key; ssh-keygen ignores it).
  static std::string format_line(const SshPublicKey& key, const Email& former_holder);
  // The comment lines every revoked_keys file docket writes starts with.
  static std::string header();

private:
  std::vector<SshPublicKey> keys_;
  std::vector<std::string> comments_;  // one per key
};

}  // namespace docket::crypto
