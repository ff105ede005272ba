// core: `docket edit` — who may change what, the severity's SLA, the events it records, the
// no-op rules a replayed edit is held to, and how sync merges concurrent edits.

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "docket/core/id.hpp"
#include "docket/core/lifecycle.hpp"
#include "docket/core/merge.hpp"
#include "docket/core/time.hpp"
#include "rule_checks.hpp"

using namespace docket;
using namespace docket::core;

namespace {

const Email kAdmin = *Email::parse("root@acme.example");
const Email kCi = *Email::parse("ci@acme.example");        // reporter
const Email kRita = *Email::parse("rita@acme.example");    // responder
const Email kRavi = *Email::parse("ravi@acme.example");    // responder
const Email kAlice = *Email::parse("alice@acme.example");  // approver
const Email kBob = *Email::parse("bob@acme.example");      // approver
const Email kTeam = *Email::parse("platform@acme.example");  // an owner who is no member
const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");
constexpr std::int64_t kDay = 86400;

struct World {
  Policy policy = [] {
    Policy p;
    p.members = {Member{kAdmin, "Root", {Role::admin}},     Member{kCi, "CI", {Role::reporter}},
                 Member{kRita, "Rita", {Role::responder}},  Member{kRavi, "Ravi", {Role::responder}},
                 Member{kAlice, "Alice", {Role::approver}}, Member{kBob, "Bob", {Role::approver}}};
    return p;
  }();
  Template tmpl = [] {
    Template t;
    t.name = "generic";
    t.severity = Severity::medium;
    return t;
  }();

  Record apply_as(const Email& who, std::int64_t at, const Record& r, const Command& c) const {
    return core::apply(r, c, Context{who, kT0 + Duration{at}, policy});
  }
  Record opened() const {
    OpenCommand cmd;
    cmd.id = *ExceptionId::parse("EX-7F3A9C2KQD");
    cmd.title = "deploy key on the build host";
    cmd.from_template = &tmpl;
    cmd.identity = Identity{"ssh-key", "deploy", "ci/build"};
    cmd.owners = {kRita, kTeam};
    return open_record(cmd, Context{kCi, kT0, policy});
  }
  Record remediating() const {
    Record r = opened();
    r = apply_as(kRita, 10, r, Move{State::triaged, ""});
    r = apply_as(kRita, 20, r, Move{State::investigating, ""});
    return apply_as(kRita, 30, r, Move{State::remediating, ""});
  }
  Record pending() const {
    return apply_as(kRita, 60, remediating(),
                    RequestResolution{Resolution::accepted, "later", kT0 + Duration{30 * kDay}, {"monitoring"}});
  }
  Record accepted() const { return apply_as(kAlice, 70, pending(), Approve{"ok"}); }
  Record closed() const {
    const Record r = apply_as(kRita, 60, remediating(), RequestResolution{Resolution::remediated, "done", std::nullopt, {}});
    return apply_as(kAlice, 70, r, Approve{"ok"});
  }
};

Edit title(std::string t) {
  Edit e;
  e.title = std::move(t);
  return e;
}
Edit severity(Severity s) {
  Edit e;
  e.severity = s;
  return e;
}

std::vector<Event> added_events(const Record& before, const Record& after) {
  return {after.events.begin() + static_cast<std::ptrdiff_t>(before.events.size()), after.events.end()};
}

}  // namespace

TEST_CASE("edit: a new title is set and recorded with the old one, who and when") {
  World w;
  const Record before = w.opened();
  const Record after = w.apply_as(kRita, 100, before, title("deploy key with write access"));
  CHECK(after.title == "deploy key with write access");
  const auto events = added_events(before, after);
  REQUIRE(events.size() == 1);
  CHECK(events[0].action == "retitled");
  CHECK(events[0].detail == "title 'deploy key on the build host' -> 'deploy key with write access'");
  CHECK(events[0].stamp == Stamp{kT0 + Duration{100}, kRita});
  CHECK(verb(Command{title("x")}) == "edit");
}

TEST_CASE("edit: raising the severity recomputes due from the opening time and records both") {
  World w;
  const Record before = w.opened();
  REQUIRE(before.due == kT0 + w.policy.sla.at(Severity::medium));
  const Record after = w.apply_as(kRita, 3600, before, severity(Severity::critical));
  CHECK(after.severity == Severity::critical);
  CHECK(after.due == kT0 + w.policy.sla.at(Severity::critical));  // opened + SLA, not now + SLA
  const auto events = added_events(before, after);
  REQUIRE(events.size() == 1);
  CHECK(events[0].action == "severity-changed");
  CHECK(events[0].detail == "severity medium -> critical, due 2026-12-07T10:00:00Z -> 2026-11-24T10:00:00Z");
}

TEST_CASE("edit: a severity the policy has no SLA for leaves no due date") {
  World w;
  w.policy.sla.erase(Severity::high);
  const Record after = w.apply_as(kRita, 100, w.opened(), severity(Severity::high));
  CHECK_FALSE(after.due);
  CHECK(after.events.back().detail.ends_with("-> none"));
}

TEST_CASE("edit: lowering the severity needs the approver or admin role") {
  World w;
  const Record r = w.opened();
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, severity(Severity::low)), "severity-lowering");
  CHECK(w.apply_as(kAlice, 100, r, severity(Severity::low)).severity == Severity::low);
  CHECK(w.apply_as(kAdmin, 100, r, severity(Severity::low)).due == kT0 + w.policy.sla.at(Severity::low));
}

TEST_CASE("edit: needs a responder, approver or admin; reporters and strangers are refused") {
  World w;
  const Record r = w.opened();
  CHECK_REFUSED_BY(w.apply_as(kCi, 100, r, title("x")), "role-required");
  CHECK_REFUSED_BY(w.apply_as(*Email::parse("mallory@evil.example"), 100, r, title("x")), "member-required");
  CHECK(role_needed(Command{title("x")}).any_of == std::vector<Role>{Role::responder, Role::approver, Role::admin});
}

TEST_CASE("edit: identity and system are set separately; an empty system clears it") {
  World w;
  const Record before = w.opened();
  Edit e;
  e.identity = Edit::Name{"service-account", "svc-build"};
  e.system = "";
  const Record after = w.apply_as(kRita, 100, before, e);
  CHECK(after.identity == Identity{"service-account", "svc-build", ""});
  const auto events = added_events(before, after);
  REQUIRE(events.size() == 2);
  CHECK(events[0].detail == "identity ssh-key:deploy -> service-account:svc-build");
  CHECK(events[1].detail == "system 'ci/build' -> ''");
  Edit blank;
  blank.identity = Edit::Name{" ", "x"};
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, before, blank), "text-required");
}

TEST_CASE("edit: the title follows open's rules") {
  World w;
  const Record r = w.opened();
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, title("  ")), "title-required");
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, title("two\nlines")), "title-required");
}

TEST_CASE("edit: owners are added and removed; the last owner and the assignee stay") {
  World w;
  const Record r = w.opened();
  Edit add;
  add.add_owners = {kRavi};
  add.remove_owners = {kTeam};
  const Record after = w.apply_as(kRita, 100, r, add);
  CHECK(after.owners == std::vector<Email>{kRita, kRavi});
  const auto events = added_events(r, after);
  REQUIRE(events.size() == 2);
  CHECK(events[0].action == "owner-added");
  CHECK(events[1].detail == "owner " + kTeam.str() + " removed");

  Edit unknown;
  unknown.remove_owners = {kBob};
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, unknown), "owner-known");

  Edit all;
  all.remove_owners = {kRita, kTeam};
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, all), "owner-required");
  all.add_owners = {kRavi};
  CHECK(w.apply_as(kRita, 100, r, all).owners == std::vector<Email>{kRavi});

  const Record assigned = w.apply_as(kRita, 100, r, Assign{kRita});
  Edit drop_assignee;
  drop_assignee.remove_owners = {kRita};
  CHECK_REFUSED_BY(w.apply_as(kRita, 200, assigned, drop_assignee), "assignee-owner");

  Edit both;
  both.add_owners = {kRavi};
  both.remove_owners = {kRavi};
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, both), "edit-changes-nothing");
}

TEST_CASE("edit: every part must change something, so a replayed edit cannot claim a change it did not make") {
  World w;
  const Record r = w.opened();
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, Edit{}), "edit-changes-nothing");
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, title(r.title)), "edit-changes-nothing");
  CHECK_REFUSED_BY(w.apply_as(kAlice, 100, r, severity(r.severity)), "edit-changes-nothing");
  Edit owner;
  owner.add_owners = {kRita};
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, owner), "edit-changes-nothing");
}

TEST_CASE("effective_edit keeps only what changes, and an owner to remove even when absent") {
  World w;
  const Record r = w.opened();
  Edit e;
  e.title = r.title;
  e.severity = Severity::high;
  e.system = r.identity.system;
  e.add_owners = {kRita, kRavi, kRavi};
  e.remove_owners = {kBob, kBob};
  const Edit out = effective_edit(r, e);
  CHECK_FALSE(out.title);
  CHECK(out.severity == Severity::high);
  CHECK_FALSE(out.system);
  CHECK(out.add_owners == std::vector<Email>{kRavi});
  CHECK(out.remove_owners == std::vector<Email>{kBob});
  CHECK(effective_edit(r, title(r.title)).empty());
}

TEST_CASE("edit: a closed exception is not edited") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, 100, w.closed(), title("x")), "closed-is-final");
}

TEST_CASE("edit: severity, identity and system are fixed while a request is pending or an acceptance in force") {
  World w;
  for (const Record& r : {w.pending(), w.accepted()}) {
    CHECK_REFUSED_BY(w.apply_as(kAlice, 100, r, severity(Severity::critical)), "edit-under-approval");
    Edit id;
    id.identity = Edit::Name{"token", "t"};
    CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, id), "edit-under-approval");
    Edit sys;
    sys.system = "elsewhere";
    CHECK_REFUSED_BY(w.apply_as(kRita, 100, r, sys), "edit-under-approval");
    // The title and owners are not what was decided on.
    Edit other = title("renamed");
    other.add_owners = {kRavi};
    CHECK(w.apply_as(kRita, 100, r, other).title == "renamed");
  }
}

TEST_CASE("rule_names lists the edit rules") {
  const auto& names = rule_names();
  for (std::string_view rule : {"edit-changes-nothing", "edit-under-approval", "severity-lowering", "owner-known",
                                "assignee-owner", "owner-required"})
    CHECK(std::find(names.begin(), names.end(), rule) != names.end());
}

// ---------------------------------------------------------------------------------------------
// merge

namespace {

MergeResult merge_both_ways(const Record* base, const Record& a, const Record& b) {
  const MergeResult ab = merge_records(base, a, b);
  const MergeResult ba = merge_records(base, b, a);
  if (ab.conflicts.empty()) CHECK(ab.merged == ba.merged);
  CHECK(ab.conflicts.size() == ba.conflicts.size());
  return ab;
}

}  // namespace

TEST_CASE("merge: a title or severity edited on one side is taken with its due date") {
  World w;
  const Record base = w.remediating();
  const Record ours = w.apply_as(kRita, 100, base, severity(Severity::critical));
  const Record theirs = w.apply_as(kRavi, 100, base, AddComment{"looking"});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.severity == Severity::critical);
  CHECK(m.merged.due == ours.due);
  CHECK(m.merged.comments.size() == 1);
}

TEST_CASE("merge: the same field edited on both sides takes the later edit") {
  World w;
  const Record base = w.remediating();
  const Record ours = w.apply_as(kRita, 100, base, title("ours"));
  const Record theirs = w.apply_as(kRavi, 200, base, title("theirs"));
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.title == "theirs");
  const Record high = w.apply_as(kRita, 300, base, severity(Severity::high));
  const Record critical = w.apply_as(kRavi, 200, base, severity(Severity::critical));
  const MergeResult s = merge_both_ways(&base, high, critical);
  REQUIRE(s.conflicts.empty());
  CHECK(s.merged.severity == Severity::high);
  CHECK(s.merged.due == high.due);
}

TEST_CASE("merge: owners removed on one side and added on the other") {
  World w;
  const Record base = w.remediating();
  Edit remove;
  remove.remove_owners = {kTeam};
  Edit add;
  add.add_owners = {kRavi};
  const Record ours = w.apply_as(kRita, 100, base, remove);
  const Record theirs = w.apply_as(kRavi, 100, base, add);
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.owners == std::vector<Email>{kRita, kRavi});
}

TEST_CASE("merge: an owner removed on one side and assigned on the other stays an owner") {
  World w;
  const Record base = w.remediating();
  Edit remove;
  remove.remove_owners = {kTeam};
  const Record ours = w.apply_as(kRita, 100, base, remove);
  const Record theirs = w.apply_as(kRita, 100, base, Assign{kAlice});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.owners == std::vector<Email>{kRita, kAlice});
  CHECK(m.merged.assignee == kAlice);
}

TEST_CASE("merge: each side removing the owner the other kept is a conflict") {
  World w;
  const Record base = w.remediating();
  Edit a, b;
  a.remove_owners = {kTeam};
  b.remove_owners = {kRita};
  const MergeResult m = merge_both_ways(&base, w.apply_as(kRita, 100, base, a), w.apply_as(kRita, 100, base, b));
  REQUIRE(m.conflicts.size() == 1);
  CHECK(m.conflicts[0].field == "owners");
}

TEST_CASE("merge: a severity edit on one side and a decision on the other is a conflict") {
  World w;
  const Record base = w.remediating();
  const Record edited = w.apply_as(kRita, 100, base, severity(Severity::critical));
  const Record requested =
      w.apply_as(kRita, 100, base, RequestResolution{Resolution::remediated, "done", std::nullopt, {}});
  const MergeResult m = merge_both_ways(&base, edited, requested);
  REQUIRE(m.conflicts.size() == 1);
  CHECK(m.conflicts[0].message.find("(edit-under-approval)") != std::string::npos);
  // A title edit is not what approvers decide on.
  const MergeResult t = merge_both_ways(&base, w.apply_as(kRita, 100, base, title("x")), requested);
  CHECK(t.conflicts.empty());
}
