#include "docket/crypto/signer_rules.hpp"

#include <algorithm>
#include <map>

#include "docket/core/error.hpp"

namespace docket::crypto {
namespace {

std::string at_line(const AllowedSigner& entry) { return "allowed_signers:" + std::to_string(entry.line) + ": "; }

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

bool listed(const AllowedSigners& signers, const SshPublicKey& key) {
  return std::any_of(signers.entries().begin(), signers.entries().end(),
                     [&](const AllowedSigner& entry) { return entry.key == key; });
}

// The first principal of the first line listing `key`, for messages ("" when none).
std::string holder_of(const AllowedSigners& signers, const SshPublicKey& key) {
  for (const auto& entry : signers.entries())
    if (entry.key == key && !entry.principals.empty()) return entry.principals.front();
  return {};
}

// Why `entry`'s principal is not one literal member e-mail, or "" when it is.
std::string principal_problem(const AllowedSigner& entry, const std::vector<Email>& members) {
  if (entry.quoted_principals)
    return "the principals are a quoted list \"" + joined(entry.principals) +
           "\"; docket writes one member e-mail per line, unquoted";
  if (entry.principals.size() != 1)
    return "the line lists " + std::to_string(entry.principals.size()) + " principals (" + joined(entry.principals) +
           "); docket binds each key to exactly one member";
  const std::string& principal = entry.principals.front();
  if (principal.find_first_of("*?!") != std::string::npos)
    return "the principal \"" + principal + "\" is a pattern; docket lists literal member e-mails only";
  const auto email = Email::parse(principal);
  if (!email) return "the principal \"" + principal + "\" is not an e-mail address";
  if (std::find(members.begin(), members.end(), *email) == members.end())
    return "the principal " + principal + " is not a member in docket.yaml";
  return {};
}

}  // namespace

const std::vector<std::string_view>& signer_rule_names() {
  static const std::vector<std::string_view> names{kSignersForm, kKeyShared, kKeyUnusable, kKeyRevoked, kRevokedKeysAppendOnly,
                                                   kRevocationMissing};
  return names;
}

std::vector<SignersFinding> check_docket_form(const AllowedSigners& signers, const std::vector<Email>& members,
                                              const RevokedKeys& revoked) {
  std::vector<SignersFinding> findings;
  const auto report = [&](std::string_view rule, const AllowedSigner& entry, const std::string& problem) {
    findings.push_back({rule, at_line(entry) + problem});
  };
  std::map<std::string, std::size_t> line_of_principal;
  std::map<std::string, const AllowedSigner*> holder_of_key;  // key blob → first line listing it
  for (const AllowedSigner& entry : signers.entries()) {
    if (const std::string problem = principal_problem(entry, members); !problem.empty())
      report(kSignersForm, entry, problem);
    if (entry.cert_authority)
      report(kSignersForm, entry, "cert-authority: the key would vouch for any certificate it signs; docket lists member keys only");
    if (entry.valid_after || entry.valid_before)
      report(kSignersForm, entry,
             "a valid-after/valid-before window; docket grants and withdraws keys by commits, not by dates");
    const bool git_only = entry.namespaces.empty() || entry.namespaces == std::vector<std::string>{"git"};
    if (!git_only)
      report(kSignersForm, entry, "namespaces=\"" + joined(entry.namespaces) + "\"; docket writes namespaces=\"git\" only");
    for (const auto& principal : entry.principals) {
      const auto [it, first] = line_of_principal.emplace(principal, entry.line);
      if (!first)
        report(kSignersForm, entry,
               principal + " is also listed on line " + std::to_string(it->second) + "; docket keeps one key per member");
    }
    const auto [held, first_key] = holder_of_key.emplace(entry.key.blob, &entry);
    if (!first_key && held->second->principals != entry.principals)
      report(kKeyShared, entry,
             "the key " + entry.key.fingerprint() + " is also listed for " + joined(held->second->principals) + " on line " +
                 std::to_string(held->second->line) + "; a key belongs to one member");
    if (const auto reason = unusable_key_reason(entry.key))
      report(kKeyUnusable, entry, "the key " + entry.key.fingerprint() + " is " + *reason);
    if (revoked.contains(entry.key))
      report(kKeyRevoked, entry, "the key " + entry.key.fingerprint() + " is in revoked_keys; a revoked key never becomes valid again");
  }
  return findings;
}

std::vector<SignersFinding> check_revocation_change(const RevocationState& before, const RevocationState& after) {
  std::vector<SignersFinding> findings;
  if (before.revoked_file && !after.revoked_file)
    findings.push_back({kRevokedKeysAppendOnly, "revoked_keys was removed; it is append-only"});
  for (const auto& key : before.revoked.keys())
    if (!after.revoked.contains(key))
      findings.push_back({kRevokedKeysAppendOnly, "the revoked key " + key.fingerprint() +
                                                      " was taken out of revoked_keys; revocations are permanent"});
  if (!after.revoked_file) return findings;
  for (const auto& entry : before.signers.entries()) {
    if (listed(after.signers, entry.key) || after.revoked.contains(entry.key)) continue;
    findings.push_back({kRevocationMissing, "the key " + entry.key.fingerprint() + " of " + joined(entry.principals) +
                                                " left allowed_signers but was not appended to revoked_keys"});
  }
  return findings;
}

void require_key_assignable(const AllowedSigners& signers, const RevokedKeys& revoked, const Email& member,
                            const SshPublicKey& key) {
  if (const auto reason = unusable_key_reason(key))
    throw RuleViolation(std::string(kKeyUnusable), "the key " + key.fingerprint() + " is " + *reason,
                        "ask " + member.str() + " for an Ed25519 key (ssh-keygen -t ed25519), or an RSA (3072 bits) "
                        "or ECDSA key; docket(1) KEYS lists what it accepts");
  if (revoked.contains(key))
    throw RuleViolation(std::string(kKeyRevoked),
                        "the key " + key.fingerprint() + " was revoked (it belonged to a removed member, or was replaced)",
                        "a revoked key never signs again; ask " + member.str() + " for a new key (ssh-keygen -t ed25519)");
  for (const auto& entry : signers.entries()) {
    if (!(entry.key == key)) continue;
    if (entry.principals.size() == 1 && entry.principals.front() == member.str()) continue;
    throw RuleViolation(std::string(kKeyShared),
                        "the key " + key.fingerprint() + " already belongs to " + holder_of(signers, key),
                        "each member signs with their own key; ask " + member.str() + " for theirs");
  }
}

}  // namespace docket::crypto
