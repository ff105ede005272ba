#include "docket/core/membership.hpp"

#include <algorithm>

#include "docket/core/error.hpp"

namespace docket::core {
namespace {
constexpr std::string_view kAdminOnly = "admin-only";
constexpr std::string_view kRolesRequired = "roles-required";
constexpr std::string_view kMemberKnown = "member-known";
constexpr std::string_view kAdminRequired = "admin-required";
constexpr std::string_view kMemberInUse = "member-in-use";

bool has_other_admin(const Policy& p, const Email& except) {
  return std::any_of(p.members.begin(), p.members.end(),
                     [&](const Member& m) { return m.email != except && m.roles.count(Role::admin); });
}
}  // namespace

RoleNeed role_needed_to_configure() {
  return RoleNeed{{Role::admin}, kAdminOnly, "change members, keys, templates or policy"};
}

const std::vector<std::string_view>& membership_rule_names() {
  static const std::vector<std::string_view> names{kAdminOnly, kRolesRequired, kMemberKnown, kAdminRequired, kMemberInUse};
  return names;
}

std::string commit_name(const Member& m) {
  if (!m.name.empty()) return m.name;
  const std::string& email = m.email.str();
  return email.substr(0, email.find('@'));
}

bool valid_member_name(std::string_view name) {
  if (name.empty()) return true;
  // git drops these ("crud") from both ends of user.name.
  constexpr std::string_view crud = " .,:;\"'\\";
  if (crud.find(name.front()) != std::string_view::npos || crud.find(name.back()) != std::string_view::npos) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F || c == '<' || c == '>';
  });
}

void require_admin(const Context& ctx, std::string_view action) {
  if (!ctx.policy.has_role(ctx.actor, Role::admin))
    throw RuleViolation(std::string(kAdminOnly), ctx.actor.str() + " may not " + std::string(action) + ": only an admin may",
                        "ask a member with the admin role");
}

Policy add_member(const Policy& before, const Member& member, const Context& ctx) {
  require_admin(ctx, "change members or roles");
  if (member.roles.empty())
    throw RuleViolation(std::string(kRolesRequired), "no role was given for " + member.email.str(),
                        "give --role admin|approver|responder|reporter (repeatable)");
  Policy after = before;
  auto it = std::find_if(after.members.begin(), after.members.end(), [&](const Member& m) { return m.email == member.email; });
  if (it == after.members.end()) {
    after.members.push_back(member);
  } else {
    if (it->roles.count(Role::admin) && !member.roles.count(Role::admin) && !has_other_admin(after, member.email))
      throw RuleViolation(std::string(kAdminRequired), member.email.str() + " is the last admin and must keep the role",
                          "make another member admin first");
    *it = member;
  }
  return after;
}

const Member& require_member_known(const Policy& policy, const Email& email) {
  auto it = std::find_if(policy.members.begin(), policy.members.end(), [&](const Member& m) { return m.email == email; });
  if (it == policy.members.end())
    throw RuleViolation(std::string(kMemberKnown), email.str() + " is not a member of this store", "see docket member list");
  return *it;
}

Policy remove_member(const Policy& before, const Email& email, const Context& ctx) {
  require_admin(ctx, "remove members");
  require_member_known(before, email);
  Policy after = before;
  auto it = std::find_if(after.members.begin(), after.members.end(), [&](const Member& m) { return m.email == email; });
  if (it->roles.count(Role::admin) && !has_other_admin(after, email))
    throw RuleViolation(std::string(kAdminRequired), email.str() + " is the last admin and cannot be removed",
                        "make another member admin first");
  // Teams and the escalation list hand exceptions to people: a removed member left there would
  // still be made an owner of new exceptions (template route_to) or escalated to.
  std::string teams;
  for (const auto& [team, members] : before.teams)
    if (std::find(members.begin(), members.end(), email) != members.end()) teams += (teams.empty() ? "" : ", ") + team;
  const bool escalation = std::find(before.escalation.begin(), before.escalation.end(), email) != before.escalation.end();
  if (!teams.empty() || escalation) {
    std::string where = teams.empty() ? "" : "team" + std::string(teams.find(',') == std::string::npos ? " " : "s ") + teams;
    if (escalation) where += (where.empty() ? "" : " and ") + std::string("the escalation list");
    std::string hint;
    if (!teams.empty()) hint = "take them out first with docket team remove TEAM " + email.str();
    if (escalation) hint += (hint.empty() ? "set" : ", and set") + std::string(" the escalation list without them (docket policy set escalation EMAILS)");
    throw RuleViolation(std::string(kMemberInUse), email.str() + " is in " + where + ", which hand exceptions to them",
                        hint + ", then remove them");
  }
  after.members.erase(it);
  return after;
}

}  // namespace docket::core
