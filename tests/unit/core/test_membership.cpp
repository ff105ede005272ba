// core/membership: who may change members and roles, and that a store always keeps an admin.

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "docket/core/error.hpp"
#include "rule_checks.hpp"
#include "docket/core/membership.hpp"

using namespace docket;
using namespace docket::core;


namespace {
const Email kRoot = *Email::parse("root@acme.example");
const Email kRita = *Email::parse("rita@acme.example");
const Email kNew = *Email::parse("new@acme.example");
const Timestamp kNow{1795428000};

Policy two_members() {
  Policy p;
  p.members = {Member{kRoot, "Root", {Role::admin}}, Member{kRita, "Rita", {Role::responder}}};
  return p;
}
}  // namespace

TEST_CASE("an admin adds a member with roles") {
  const Policy before = two_members();
  const Policy after = add_member(before, Member{kNew, "New", {Role::reporter}}, Context{kRoot, kNow, before});
  REQUIRE(after.find_member(kNew));
  CHECK(after.has_role(kNew, Role::reporter));
  CHECK(after.members.size() == 3);
  CHECK(before.members.size() == 2);  // the input is unchanged
}

TEST_CASE("adding an existing member replaces their name and roles") {
  const Policy before = two_members();
  const Policy after =
      add_member(before, Member{kRita, "Rita R.", {Role::approver, Role::responder}}, Context{kRoot, kNow, before});
  CHECK(after.members.size() == 2);
  CHECK(after.find_member(kRita)->name == "Rita R.");
  CHECK(after.has_role(kRita, Role::approver));
}

TEST_CASE("only an admin may change members") {
  const Policy p = two_members();
  CHECK_REFUSED_BY(add_member(p, Member{kNew, "New", {Role::admin}}, Context{kRita, kNow, p}), "admin-only");
  CHECK_REFUSED_BY(remove_member(p, kRoot, Context{kRita, kNow, p}), "admin-only");
  CHECK_REFUSED_BY(require_admin(Context{kNew, kNow, p}, "edit templates"), "admin-only");
  CHECK_NOTHROW(require_admin(Context{kRoot, kNow, p}, "edit templates"));
}

TEST_CASE("a member needs at least one role") {
  const Policy p = two_members();
  CHECK_REFUSED_BY(add_member(p, Member{kNew, "New", {}}, Context{kRoot, kNow, p}), "roles-required");
}

TEST_CASE("removing someone who is not a member is refused") {
  const Policy p = two_members();
  CHECK_REFUSED_BY(remove_member(p, kNew, Context{kRoot, kNow, p}), "member-known");
}

TEST_CASE("the last admin can be neither removed nor demoted") {
  const Policy p = two_members();
  CHECK_REFUSED_BY(remove_member(p, kRoot, Context{kRoot, kNow, p}), "admin-required");
  CHECK_REFUSED_BY(add_member(p, Member{kRoot, "Root", {Role::approver}}, Context{kRoot, kNow, p}), "admin-required");
}

TEST_CASE("an admin may step down once another admin exists") {
  const Policy p = two_members();
  const Policy two_admins = add_member(p, Member{kRita, "Rita", {Role::admin}}, Context{kRoot, kNow, p});
  const Policy after = remove_member(two_admins, kRoot, Context{kRoot, kNow, two_admins});
  CHECK_FALSE(after.find_member(kRoot));
  CHECK(after.has_role(kRita, Role::admin));
}

TEST_CASE("a commit carries the member's recorded name, else the e-mail's local part") {
  CHECK(commit_name(Member{kRita, "Rita Example", {Role::responder}}) == "Rita Example");
  CHECK(commit_name(Member{kRita, "", {Role::responder}}) == "rita");
}

TEST_CASE("a member's name must survive git unchanged") {
  for (const std::string_view good : {"", "Rita", "Rita Example", "Ünïcödé 日本", "O'Brien, Jr"}) {
    CAPTURE(good);
    CHECK(valid_member_name(good));
  }
  for (const std::string_view bad : {" Rita", "Rita ", "Rita <r@x>", "a>b", "tab\there", "cr\r", "new\nline", "del\x7f", "Jr.", "'quoted'"}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_member_name(bad));
  }
}
