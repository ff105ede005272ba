#pragma once
// Rules over the store's keys: allowed_signers exactly in the form docket writes, one member
// per key, and revoked keys that never come back. `member add` refuses what these rules forbid
// and `verify` reports the same rules for a hand-made edit, so the two can never disagree.

#include <string>
#include <string_view>
#include <vector>

#include "docket/core/types.hpp"
#include "docket/crypto/allowed_signers.hpp"
#include "docket/crypto/revoked_keys.hpp"

namespace docket::crypto {

// Rule names (stable; documented in docs/verify.md).
inline constexpr std::string_view kSignersForm = "signers-form";
inline constexpr std::string_view kKeyShared = "key-shared";
inline constexpr std::string_view kKeyUnusable = "key-unusable";
inline constexpr std::string_view kKeyRevoked = "key-revoked";
inline constexpr std::string_view kRevokedKeysAppendOnly = "revoked-keys-append-only";
inline constexpr std::string_view kRevocationMissing = "revocation-missing";
const std::vector<std::string_view>& signer_rule_names();

struct SignersFinding {
  std::string_view rule;
  std::string message;  // one line, naming the allowed_signers line concerned
};

// The form `docket member` writes, and nothing looser: each line names one literal principal
// (no `*`/`?`/`!` pattern, no comma list, no quotes) that is the e-mail of a member in
// `members`; no cert-authority, valid-after or valid-before; namespaces absent or exactly "git";
// one line per principal. Rule signers-form: anything looser lets a line admit signers that
// `docket member list` does not show. Rule key-shared: one key listed for two principals (a
// key then signs as either person). Rule key-revoked: a key in `revoked` is listed again.
// Rule key-unusable: a key docket cannot verify (unusable_key_reason: an unknown type, a short
// RSA key, a point off its curve), so no commit it signs could ever be checked.
// Returns every finding, in line order; empty when the file is in docket's form.
std::vector<SignersFinding> check_docket_form(const AllowedSigners& signers, const std::vector<Email>& members,
                                              const RevokedKeys& revoked);

struct RevocationState {
  const AllowedSigners& signers;
  const RevokedKeys& revoked;
  bool revoked_file = false;  // the tree holds a revoked_keys file (stores before it have none)
};

// A change of allowed_signers or revoked_keys from `before` to `after`. Rule
// revoked-keys-append-only: a revoked key, or the revoked_keys file itself, disappeared (the
// key would become usable again). Rule revocation-missing: a key left allowed_signers (member
// removed, or given a new key) without being appended to revoked_keys; checked only when
// `after` keeps a revoked_keys file, so stores older than the file still verify.
std::vector<SignersFinding> check_revocation_change(const RevocationState& before, const RevocationState& after);

// `member add` / `member key` giving `key` to `member`: throws RuleViolation key-unusable when
// docket cannot verify signatures of `key`, key-revoked when `key` was revoked, key-shared
// when another principal holds it.
void require_key_assignable(const AllowedSigners& signers, const RevokedKeys& revoked, const Email& member,
                            const SshPublicKey& key);

}  // namespace docket::crypto
