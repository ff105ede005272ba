#include "docket/app/members.hpp"

#include <algorithm>
#include <sstream>

#include "docket/app/trust.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"
#include "docket/core/membership.hpp"
#include "docket/crypto/allowed_signers.hpp"
#include "docket/crypto/signer.hpp"
#include "docket/crypto/signer_rules.hpp"

namespace docket::app {
namespace {

// allowed_signers without the lines that name exactly `email` as their only principal.
std::string without_principal(const std::string& text, const Email& email) {
  std::istringstream in(text);
  std::string out, line;
  while (std::getline(in, line)) {
    const auto end = line.find_first_of(" \t");
    if (!line.empty() && line[0] != '#' && line.substr(0, end) == email.str()) continue;
    out += line + "\n";
  }
  return out;
}

// revoked_keys with the keys `email` holds in `signers` appended, except `keep` (the key a
// member keeps when only their roles change). A store made before revoked_keys existed gets the
// file here, starting with its header.
std::string with_revoked(const store::Snapshot& snap, const crypto::AllowedSigners& signers, const Email& email,
                         const crypto::SshPublicKey* keep) {
  const auto existing = snap.read(kRevokedKeysPath);
  std::string text = existing ? *existing : crypto::RevokedKeys::header();
  if (!text.empty() && text.back() != '\n') text += '\n';
  const crypto::RevokedKeys revoked = crypto::RevokedKeys::parse(text);
  for (const auto& entry : signers.entries()) {
    if (entry.principals != std::vector<std::string>{email.str()}) continue;
    if ((keep && entry.key == *keep) || revoked.contains(entry.key)) continue;
    text += crypto::RevokedKeys::format_line(entry.key, email) + "\n";
  }
  return text;
}

std::string message(std::string_view verb, const Email& email, std::string_view detail) {
  return "docket: member " + std::string(verb) + " " + email.str() + (detail.empty() ? "" : " (" + std::string(detail) + ")") +
         "\n\nDocket-Command: member-" + std::string(verb) + "\nDocket-Member: " + email.str() + "\n";
}

}  // namespace

Policy add_member(Session& session, const MemberAdd& request) {
  if (!core::valid_member_name(request.name))
    throw Error(ExitCode::usage, "the name '" + request.name + "' cannot be a commit's name",
                "leave out angle brackets and control characters, and do not start or end it with a space or . , : ; \" ' \\");
  const crypto::SshPublicKey key = crypto::load_public_key(request.public_key);
  Policy after;
  session.commit([&](const store::Snapshot& snap) -> Session::Commit {
    const StoreConfig config = load_config(snap);
    session.check_signer_allowed(config);
    after = core::add_member(config.policy, Member{request.email, request.name, request.roles},
                             core::Context{session.actor().email, session.now(), config.policy});
    crypto::require_key_assignable(config.signers, config.revoked, request.email, key);
    const std::string signers = without_principal(*snap.read(kSignersPath), request.email) +
                                crypto::AllowedSigners::format_line(request.email, key) + "\n";
    crypto::AllowedSigners::parse(signers);  // never write a file verify could not read
    std::string roles;
    for (auto r : request.roles) roles += (roles.empty() ? "" : ",") + std::string(to_string(r));
    return {{{std::string(kPolicyPath), codec::policy_to_yaml(after)},
             {std::string(kSignersPath), signers},
             {std::string(kRevokedKeysPath), with_revoked(snap, config.signers, request.email, &key)}},
            message("add", request.email, roles)};
  });
  return after;
}

Policy rotate_member_key(Session& session, const Email& email, const std::filesystem::path& public_key) {
  const crypto::SshPublicKey key = crypto::load_public_key(public_key);
  Policy policy;
  session.commit([&](const store::Snapshot& snap) -> Session::Commit {
    const StoreConfig config = load_config(snap);
    session.check_signer_allowed(config);
    policy = config.policy;
    core::require_admin(core::Context{session.actor().email, session.now(), config.policy}, "change members' keys");
    core::require_member_known(config.policy, email);
    const auto current = config.signers.principals_for(key);
    if (std::find(current.begin(), current.end(), email.str()) != current.end())
      throw Error(ExitCode::usage, "the key " + key.fingerprint() + " already is " + email.str() + "'s key",
                  "give the new key's .pub file");
    crypto::require_key_assignable(config.signers, config.revoked, email, key);
    const std::string signers = without_principal(*snap.read(kSignersPath), email) +
                                crypto::AllowedSigners::format_line(email, key) + "\n";
    crypto::AllowedSigners::parse(signers);  // never write a file verify could not read
    return {{{std::string(kSignersPath), signers},
             {std::string(kRevokedKeysPath), with_revoked(snap, config.signers, email, &key)}},
            message("key", email, key.label() + " " + key.fingerprint())};
  });
  return policy;
}

std::vector<MemberListing> list_members(const StoreConfig& config) {
  std::vector<MemberListing> listing;
  for (const auto& member : config.policy.members) {
    MemberListing entry{member, std::nullopt, {}};
    for (const auto& signer : config.signers.entries())
      if (signer.principals == std::vector<std::string>{member.email.str()}) entry.key = signer.key;
    for (const auto& key : config.revoked.keys())
      if (config.revoked.comment_of(key) == member.email.str()) entry.revoked_keys.push_back(key);
    listing.push_back(std::move(entry));
  }
  return listing;
}

Policy remove_member(Session& session, const Email& email) {
  Policy after;
  session.commit([&](const store::Snapshot& snap) -> Session::Commit {
    const StoreConfig config = load_config(snap);
    session.check_signer_allowed(config);
    after = core::remove_member(config.policy, email, core::Context{session.actor().email, session.now(), config.policy});
    return {{{std::string(kPolicyPath), codec::policy_to_yaml(after)},
             {std::string(kSignersPath), without_principal(*snap.read(kSignersPath), email)},
             {std::string(kRevokedKeysPath), with_revoked(snap, config.signers, email, nullptr)}},
            message("remove", email, {})};
  });
  return after;
}

}  // namespace docket::app
