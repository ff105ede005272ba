#pragma once
// Rules for changing who may act. Only an admin changes members, roles, templates or policy,
// and a store always keeps at least one admin, so it can never be locked.

#include <string>
#include <string_view>
#include <vector>

#include "docket/core/lifecycle.hpp"
#include "docket/core/policy.hpp"

namespace docket::core {

// Adds `member`, or replaces the roles and name of an existing member with that e-mail.
// Rules: admin-only, roles-required.
Policy add_member(const Policy& before, const Member& member, const Context& ctx);
// Rules: admin-only, member-known, admin-required (the last admin cannot be removed),
// member-in-use (they are in a team or the escalation list: docket team remove, docket policy
// set escalation first).
Policy remove_member(const Policy& before, const Email& email, const Context& ctx);
// The member with `email`. Rule member-known when there is none.
const Member& require_member_known(const Policy& policy, const Email& email);
// The rules above, by name (part of core::rule_names()).
const std::vector<std::string_view>& membership_rule_names();
// The name docket writes as author and committer of a commit by `m`: the name recorded in
// docket.yaml (`member add --name`, or the founder's name at `init`), else the local part of
// the e-mail address (git needs a name). `verify` requires it (rule committer-name), so the
// name a reader sees in `git log` is the one an admin recorded, not one the signer chose.
std::string commit_name(const Member& m);
// True when `name` can be a commit's name unchanged, by libgit2 and by plain git alike: no
// angle brackets or control characters, and no space or character git trims from user.name
// (. , : ; " ' \) at either end. Empty (no name) is valid.
bool valid_member_name(std::string_view name);
// Any other change of docket.yaml or templates/: Rule admin-only.
void require_admin(const Context& ctx, std::string_view action);

}  // namespace docket::core
