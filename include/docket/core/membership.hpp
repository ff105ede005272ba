#pragma once
// Rules for changing who may act. Only an admin changes members, roles, templates or policy,
// and a store always keeps at least one admin, so it can never be locked.

#include <string_view>
#include <vector>

#include "docket/core/lifecycle.hpp"
#include "docket/core/policy.hpp"

namespace docket::core {

// Adds `member`, or replaces the roles and name of an existing member with that e-mail.
// Rules: admin-only, roles-required.
Policy add_member(const Policy& before, const Member& member, const Context& ctx);
// Rules: admin-only, member-known, admin-required (the last admin cannot be removed).
Policy remove_member(const Policy& before, const Email& email, const Context& ctx);
// The rules above, by name (part of core::rule_names()).
const std::vector<std::string_view>& membership_rule_names();
// Any other change of docket.yaml or templates/: Rule admin-only.
void require_admin(const Context& ctx, std::string_view action);

}  // namespace docket::core
