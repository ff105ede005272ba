#pragma once
// OpenSSH allowed_signers files (ssh-keygen(1) "ALLOWED SIGNERS"): which principal may sign
// with which key. docket keeps one at the root of the store's tree.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/types.hpp"
#include "docket/crypto/ssh_key.hpp"

namespace docket::crypto {

struct AllowedSigner {
  std::vector<std::string> principals;  // patterns; `*` and `?` wildcards, `!` negation
  std::vector<std::string> namespaces;  // empty = any namespace
  std::optional<Timestamp> valid_after;
  std::optional<Timestamp> valid_before;
  bool cert_authority = false;
  bool quoted_principals = false;  // the principals were written as a "double-quoted" list
  SshPublicKey key;
  std::size_t line = 0;  // 1-based line in the source text
};

class AllowedSigners {
public:
  // Strict parse. Throws docket::Error (ExitCode::usage) naming `source` and the line when a
  // line is malformed. Blank lines and `#` comments are skipped. Option values may be quoted.
  static AllowedSigners parse(std::string_view text, std::string_view source = "allowed_signers");

  const std::vector<AllowedSigner>& entries() const noexcept { return entries_; }

  // True when a line lists `key` for `principal`, allows namespace `ns`, and `at` lies within
  // its validity window. Certificate-authority lines never match a plain key.
  bool allows(std::string_view principal, const SshPublicKey& key, std::string_view ns, Timestamp at) const;
  // Principals whose entries list `key` (literal principals only, no patterns).
  std::vector<std::string> principals_for(const SshPublicKey& key) const;

  // Renders one line in the canonical form docket writes: `email namespaces="git" ssh-ed25519 AAAA…`.
  // crypto/signer_rules.hpp checks that a file holds nothing looser (check_docket_form).
  static std::string format_line(const Email& principal, const SshPublicKey& key);

private:
  std::vector<AllowedSigner> entries_;
};

}  // namespace docket::crypto
