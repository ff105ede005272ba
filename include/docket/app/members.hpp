#pragma once
// Changing who may act: members and roles in docket.yaml, keys in allowed_signers. Only an
// admin may do either, and both change in the same signed commit.

#include <filesystem>
#include <optional>
#include <set>
#include <vector>

#include "docket/app/session.hpp"

namespace docket::app {

struct MemberAdd {
  Email email;
  std::string name;
  std::filesystem::path public_key;  // an OpenSSH public key file
  std::set<Role> roles;
};

// Each throws Error(ExitCode::key) naming the key file when it is missing or unreadable,
// RuleViolation key-unusable / key-shared / key-revoked (crypto/signer_rules.hpp) when the key
// cannot be given to the member, and what Session::commit throws. The ref does not move then.
Policy add_member(Session& session, const MemberAdd& request);
Policy remove_member(Session& session, const Email& email);
// `docket member key EMAIL --key NEW.pub`: gives an existing member a new key; the old key is
// appended to revoked_keys in the same commit, so it can never sign again. Roles and name stay.
Policy rotate_member_key(Session& session, const Email& email, const std::filesystem::path& public_key);

// One member as `member list` shows it: their allowed_signers key and the keys revoked from them
// (revoked_keys lines whose comment is their e-mail), oldest first.
struct MemberListing {
  Member member;
  std::optional<crypto::SshPublicKey> key;
  std::vector<crypto::SshPublicKey> revoked_keys;
};
std::vector<MemberListing> list_members(const StoreConfig& config);

}  // namespace docket::app
