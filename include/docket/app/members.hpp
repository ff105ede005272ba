#pragma once
// Changing who may act: members and roles in docket.yaml, keys in allowed_signers. Only an
// admin may do either, and both change in the same signed commit.

#include <filesystem>
#include <set>

#include "docket/app/session.hpp"

namespace docket::app {

struct MemberAdd {
  Email email;
  std::string name;
  std::filesystem::path public_key;  // an OpenSSH public key file
  std::set<Role> roles;
};

Policy add_member(Session& session, const MemberAdd& request);
Policy remove_member(Session& session, const Email& email);

}  // namespace docket::app
