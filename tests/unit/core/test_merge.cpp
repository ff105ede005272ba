// core/merge: the per-record three-way merge behind docket sync, and its symmetry.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "docket/core/id.hpp"
#include "docket/core/lifecycle.hpp"
#include "docket/core/merge.hpp"
#include "docket/core/time.hpp"

using namespace docket;
using namespace docket::core;

namespace {

const Email kAdmin = *Email::parse("root@acme.example");
const Email kRita = *Email::parse("rita@acme.example");  // responder
const Email kRavi = *Email::parse("ravi@acme.example");  // responder
const Email kAlice = *Email::parse("alice@acme.example");  // approver
const Email kBob = *Email::parse("bob@acme.example");      // approver
const Email kCarol = *Email::parse("carol@acme.example");  // approver
const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");

Policy make_policy() {
  Policy p;
  p.members = {
      Member{kAdmin, "Root", {Role::admin}},
      Member{kRita, "Rita", {Role::responder}},
      Member{kRavi, "Ravi", {Role::responder}},
      Member{kAlice, "Alice", {Role::approver}},
      Member{kBob, "Bob", {Role::approver}},
      Member{kCarol, "Carol", {Role::approver}},
  };
  return p;
}

Template two_items() {
  Template t;
  t.name = "generic";
  t.severity = Severity::high;
  t.checklist = {{"rotate", "Rotated", true}, {"confirm", "Confirmed", false}};
  return t;
}

Evidence evidence(std::string name, std::uint8_t fill) {
  Sha256Digest::Bytes b{};
  b.fill(fill);
  Evidence e;
  e.digest = Sha256Digest(b);
  e.name = std::move(name);
  e.size = 100u + fill;
  e.media_type = "text/plain";
  return e;
}

struct World {
  Policy policy = make_policy();
  Template tmpl = two_items();

  Record apply_as(const Email& who, std::int64_t at, const Record& r, const Command& c) const {
    return core::apply(r, c, Context{who, kT0 + Duration{at}, policy});
  }
  Record opened() const {
    OpenCommand cmd;
    cmd.id = *ExceptionId::parse("EX-7F3A9C2KQD");
    cmd.title = "API key for svc-deploy in CI variables";
    cmd.from_template = &tmpl;
    return open_record(cmd, Context{kRita, kT0, policy});
  }
  Record remediating() const {
    Record r = opened();
    r = apply_as(kRita, 10, r, Move{State::triaged, ""});
    r = apply_as(kRita, 20, r, Move{State::investigating, ""});
    return apply_as(kRita, 30, r, Move{State::remediating, ""});
  }
  // Remediating with the checklist done: ready for a request.
  Record ready() const {
    Record r = remediating();
    r = apply_as(kRita, 40, r, Attach{{evidence("r.log", 1)}, std::string("rotate"), ""});
    return apply_as(kRita, 50, r, CompleteItem{"confirm", ""});
  }
  Record pending() const { return apply_as(kRita, 60, ready(), RequestResolution{Resolution::remediated, "done", std::nullopt, {}}); }
  Record closed() const { return apply_as(kAlice, 70, pending(), Approve{"ok"}); }
  Record accepted() const {
    const Record r = apply_as(kRita, 60, ready(),
                              RequestResolution{Resolution::accepted, "later", kT0 + Duration{30 * 86400}, {"monitoring"}});
    return apply_as(kAlice, 70, r, Approve{"ok"});
  }
  Record renewal_pending() const {
    return apply_as(kRita, 80, accepted(), Renew{kT0 + Duration{60 * 86400}, "more time", {}});
  }
};

// The one conflict of a merge expected to conflict, checked both ways round.
Conflict only_conflict(const Record& base, const Record& a, const Record& b) {
  const MergeResult m = merge_records(&base, a, b);
  const MergeResult n = merge_records(&base, b, a);
  REQUIRE(m.conflicts.size() == 1);
  REQUIRE(n.conflicts.size() == 1);
  CHECK(m.conflicts[0].field == n.conflicts[0].field);
  return m.conflicts[0];
}

bool names(const Conflict& c, std::string_view name) { return c.message.find("(" + std::string(name) + ")") != std::string::npos; }

// Merges both ways round and checks they agree (a conflicted result is never written, so only
// the conflicts must agree then); returns the result.
MergeResult merge_both_ways(const Record* base, const Record& a, const Record& b) {
  const MergeResult ab = merge_records(base, a, b);
  const MergeResult ba = merge_records(base, b, a);
  if (ab.conflicts.empty()) CHECK(ab.merged == ba.merged);
  CHECK(ab.conflicts.size() == ba.conflicts.size());
  return ab;
}

}  // namespace

TEST_CASE("merge: a change on one side only is taken as it is") {
  World w;
  const Record base = w.remediating();
  const Record ours = w.apply_as(kRita, 100, base, AddComment{"rotating today"});
  const MergeResult m = merge_both_ways(&base, ours, base);
  CHECK(m.conflicts.empty());
  CHECK(m.merged == ours);
}

TEST_CASE("merge: comments added on both sides are both kept, in stamp order") {
  World w;
  const Record base = w.remediating();
  Record ours = w.apply_as(kRita, 200, base, AddComment{"second, by rita"});
  ours = w.apply_as(kRita, 300, ours, AddComment{"third, by rita"});
  const Record theirs = w.apply_as(kRavi, 100, base, AddComment{"first, by ravi"});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  REQUIRE(m.merged.comments.size() == 3);
  CHECK(m.merged.comments[0].text == "first, by ravi");
  CHECK(m.merged.comments[1].text == "second, by rita");
  CHECK(m.merged.comments[2].text == "third, by rita");
}

TEST_CASE("merge: the same comment added identically on both sides counts once") {
  World w;
  const Record base = w.remediating();
  const Record both = w.apply_as(kRita, 100, base, AddComment{"same"});
  Record ours = w.apply_as(kRita, 200, both, AddComment{"ours only"});
  const MergeResult m = merge_both_ways(&base, ours, both);
  CHECK(m.merged.comments.size() == 2);
}

TEST_CASE("merge: evidence attached on both sides to different items is all kept") {
  World w;
  const Record base = w.remediating();
  const Record ours = w.apply_as(kRita, 100, base, Attach{{evidence("rotation.log", 1)}, std::string("rotate"), "rotated"});
  const Record theirs = w.apply_as(kRavi, 150, base, Attach{{evidence("pipeline.txt", 2)}, std::nullopt, "pipeline"});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.evidence.size() == 2);
  CHECK(m.merged.find_item("rotate")->done.has_value());
}

TEST_CASE("merge: the same content attached on both sides stays one piece of evidence, the earlier") {
  World w;
  const Record base = w.remediating();
  const Record ours = w.apply_as(kRita, 200, base, Attach{{evidence("a.log", 7)}, std::nullopt, "rita's copy"});
  const Record theirs = w.apply_as(kRavi, 100, base, Attach{{evidence("a.log", 7)}, std::nullopt, "ravi's copy"});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.merged.evidence.size() == 1);
  CHECK(m.merged.evidence[0].added.by == kRavi);
}

TEST_CASE("merge: a checklist item completed on both sides keeps the earlier completion") {
  World w;
  const Record base = w.remediating();
  const Record ours = w.apply_as(kRita, 300, base, CompleteItem{"confirm", "rita confirmed"});
  const Record theirs = w.apply_as(kRavi, 200, base, CompleteItem{"confirm", "ravi confirmed"});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.find_item("confirm")->done->note == "ravi confirmed");
}

TEST_CASE("merge: a state changed differently on both sides takes the one further along") {
  World w;
  Record base = w.remediating();
  base = w.apply_as(kRita, 40, base, Attach{{evidence("r.log", 1)}, std::string("rotate"), ""});
  base = w.apply_as(kRita, 50, base, CompleteItem{"confirm", ""});
  // Ours goes back to investigating; theirs asks for approval, which is further along.
  const Record ours = w.apply_as(kRita, 500, base, Move{State::investigating, "not so fast"});
  const Record theirs = w.apply_as(kRavi, 100, base, RequestResolution{Resolution::remediated, "rotated", std::nullopt, {}});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.state == State::pending_approval);
  CHECK(m.merged.requests.size() == 1);
  // Both moves are in the event log.
  int moved = 0;
  for (const auto& e : m.merged.events) moved += e.action == "moved" ? 1 : 0;
  CHECK(moved == 4);
  CHECK(lifecycle_rank(State::closed) > lifecycle_rank(State::accepted));
}

TEST_CASE("merge: the assignee changed on both sides follows the later assignment") {
  World w;
  const Record base = w.remediating();
  const Record ours = w.apply_as(kRita, 100, base, Assign{kRita});
  const Record theirs = w.apply_as(kRita, 200, base, Assign{kRavi});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.assignee == kRavi);
  // Both became owners.
  CHECK(m.merged.owners.size() == 2);
}

TEST_CASE("merge: two different requests in one round are a conflict naming the field") {
  World w;
  Record base = w.remediating();
  base = w.apply_as(kRita, 40, base, Attach{{evidence("r.log", 1)}, std::string("rotate"), ""});
  base = w.apply_as(kRita, 50, base, CompleteItem{"confirm", ""});
  const Record ours = w.apply_as(kRita, 100, base, RequestResolution{Resolution::remediated, "done", std::nullopt, {}});
  const Record theirs = w.apply_as(kRavi, 110, base, RequestResolution{Resolution::rejected, "false positive", std::nullopt, {}});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.size() == 1);
  CHECK(m.conflicts[0].field == "requests");
  CHECK(m.conflicts[0].record == "EX-7F3A9C2KQD");
}

TEST_CASE("merge: approvals from two approvers on two sides are both kept") {
  World w;
  Record base = w.remediating();
  base = w.apply_as(kRita, 40, base, Attach{{evidence("r.log", 1)}, std::string("rotate"), ""});
  base = w.apply_as(kRita, 50, base, CompleteItem{"confirm", ""});
  base = w.apply_as(kRita, 60, base, RequestResolution{Resolution::remediated, "done", std::nullopt, {}});
  w.policy.approvals_required[Severity::high] = 2;
  const Record ours = w.apply_as(kAlice, 100, base, Approve{"ok"});
  const Record theirs = w.apply_as(kBob, 120, base, Approve{"fine"});
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.approvals.size() == 2);
  CHECK(approvals_in_current_round(m.merged) == 2);
}

TEST_CASE("merge: a field fixed at open that differs on both sides is a conflict") {
  World w;
  const Record base = w.remediating();
  Record ours = base;
  ours.title = "edited by hand here";
  Record theirs = base;
  theirs.title = "edited by hand there";
  const MergeResult m = merge_both_ways(&base, ours, theirs);
  REQUIRE(m.conflicts.size() == 1);
  CHECK(m.conflicts[0].field == "title");
}

TEST_CASE("merge: interleaved work on both sides gives the same record whichever side merges") {
  World w;
  const Record base = w.remediating();
  Record a = base, b = base;
  for (int i = 0; i < 5; ++i) {
    a = w.apply_as(kRita, 100 + i * 10, a, AddComment{"a" + std::to_string(i)});
    b = w.apply_as(kRavi, 105 + i * 10, b, AddComment{"b" + std::to_string(i)});
  }
  a = w.apply_as(kRita, 400, a, Attach{{evidence("a.bin", 3)}, std::nullopt, ""});
  b = w.apply_as(kRavi, 400, b, Attach{{evidence("b.bin", 4)}, std::nullopt, ""});
  b = w.apply_as(kRavi, 401, b, Move{State::investigating, ""});
  const MergeResult m = merge_both_ways(&base, a, b);
  CHECK(m.conflicts.empty());
  CHECK(m.merged.comments.size() == 10);
  CHECK(m.merged.evidence.size() == 2);
  CHECK(m.merged.state == State::investigating);
  // Merging the merge again with either side changes nothing.
  CHECK(merge_records(&a, m.merged, a).merged == m.merged);
}

TEST_CASE("merge: invariants catch a record no command could produce") {
  World w;
  Record r = w.remediating();
  r.state = State::closed;
  const auto conflicts = check_record_invariants(r);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].field == "state");
}

// --- Concurrent lifecycle changes that no single history reaches: conflicts (docs/sync.md) ---

TEST_CASE("merge conflict: an approval that closes the round on one side and a denial on the other") {
  World w;
  const Record base = w.pending();
  const Conflict c = only_conflict(base, w.apply_as(kAlice, 100, base, Approve{"ok"}), w.apply_as(kBob, 110, base, Deny{"no"}));
  CHECK(c.field == "lifecycle");
  CHECK(c.record == "EX-7F3A9C2KQD");
  CHECK(names(c, "approve-deny-same-round"));
}

TEST_CASE("merge conflict: a vote that does not close the round on one side and a denial on the other") {
  World w;
  w.policy.approvals_required[Severity::high] = 2;
  const Record base = w.pending();
  const Conflict c = only_conflict(base, w.apply_as(kAlice, 100, base, Approve{"ok"}), w.apply_as(kBob, 90, base, Deny{"no"}));
  CHECK(names(c, "approve-deny-same-round"));
}

TEST_CASE("merge conflict: a denial on both sides in one round") {
  World w;
  const Record base = w.pending();
  const Conflict c = only_conflict(base, w.apply_as(kAlice, 100, base, Deny{"no"}), w.apply_as(kBob, 110, base, Deny{"nope"}));
  CHECK(names(c, "round-decided-twice"));
}

TEST_CASE("merge conflict: the round closed by an approval on both sides") {
  World w;
  const Record base = w.pending();
  const Conflict c = only_conflict(base, w.apply_as(kAlice, 100, base, Approve{"ok"}), w.apply_as(kBob, 110, base, Approve{"fine"}));
  CHECK(names(c, "round-decided-twice"));
}

TEST_CASE("merge conflict: the round closed on one side and voted on the other") {
  World w;
  w.policy.approvals_required[Severity::high] = 2;
  const Record base = w.pending();
  Record a = w.apply_as(kAlice, 100, base, Approve{"ok"});
  a = w.apply_as(kBob, 110, a, Approve{"ok"});
  REQUIRE(a.state == State::closed);
  const Conflict c = only_conflict(base, a, w.apply_as(kCarol, 105, base, Approve{"fine"}));
  CHECK(names(c, "round-decided-twice"));
}

TEST_CASE("merge conflict: a reopen on one side and a post-closure review on the other") {
  World w;
  const Record base = w.closed();
  const Conflict c = only_conflict(base, w.apply_as(kRita, 100, base, Reopen{"came back"}),
                                   w.apply_as(kRavi, 110, base, RecordReview{"checked"}));
  CHECK(c.field == "lifecycle");
  CHECK(names(c, "reopen-concurrent"));
}

TEST_CASE("merge conflict: a reopen on both sides") {
  World w;
  const Record base = w.closed();
  const Conflict c = only_conflict(base, w.apply_as(kRita, 100, base, Reopen{"came back"}),
                                   w.apply_as(kRavi, 110, base, Reopen{"again"}));
  CHECK(names(c, "reopen-concurrent"));
}

TEST_CASE("merge conflict: a revoke on one side and a renewal on the other") {
  World w;
  const Record base = w.accepted();
  const Conflict c = only_conflict(base, w.apply_as(kRita, 100, base, Revoke{"fixed properly"}),
                                   w.apply_as(kRavi, 110, base, Renew{kT0 + Duration{60 * 86400}, "more time", {}}));
  CHECK(names(c, "revoke-concurrent"));
}

TEST_CASE("merge conflict: a revoke on one side and the renewal approved on the other") {
  World w;
  const Record base = w.renewal_pending();
  const Conflict c = only_conflict(base, w.apply_as(kRavi, 100, base, Revoke{"stop"}), w.apply_as(kBob, 110, base, Approve{"ok"}));
  CHECK(names(c, "revoke-concurrent"));
}

TEST_CASE("merge conflict: a revoke on both sides") {
  World w;
  const Record base = w.accepted();
  const Conflict c = only_conflict(base, w.apply_as(kRita, 100, base, Revoke{"a"}), w.apply_as(kRavi, 110, base, Revoke{"b"}));
  CHECK(names(c, "revoke-concurrent"));
}

TEST_CASE("merge conflict: the post-closure review recorded on both sides") {
  World w;
  const Record base = w.closed();
  const Conflict c = only_conflict(base, w.apply_as(kRita, 100, base, RecordReview{"a"}),
                                   w.apply_as(kRavi, 110, base, RecordReview{"b"}));
  CHECK(names(c, "review-twice"));
}

// --- Concurrent changes a single history does reach: clean merges ---

TEST_CASE("merge clean: the round closed on one side, a comment on the other") {
  World w;
  const Record base = w.pending();
  const MergeResult m = merge_both_ways(&base, w.apply_as(kAlice, 100, base, Approve{"ok"}),
                                        w.apply_as(kRavi, 110, base, AddComment{"waiting"}));
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.state == State::closed);
  CHECK(m.merged.comments.size() == 1);
}

TEST_CASE("merge clean: a reopen on one side, a comment and evidence on the other") {
  World w;
  const Record base = w.closed();
  Record b = w.apply_as(kRavi, 110, base, AddComment{"noted"});
  b = w.apply_as(kRavi, 120, b, Attach{{evidence("late.log", 9)}, std::nullopt, ""});
  const MergeResult m = merge_both_ways(&base, w.apply_as(kRita, 100, base, Reopen{"came back"}), b);
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.state == State::investigating);
}

TEST_CASE("merge clean: a revoke on one side, an assignment on the other") {
  World w;
  const Record base = w.accepted();
  const MergeResult m = merge_both_ways(&base, w.apply_as(kRita, 100, base, Revoke{"done"}),
                                        w.apply_as(kRita, 110, base, Assign{kRavi}));
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.state == State::closed);
  CHECK(m.merged.assignee == kRavi);
}

TEST_CASE("merge clean: request and approval on one side, a move back on the other (the move came first)") {
  World w;
  Record base = w.ready();
  base = w.apply_as(kRita, 55, base, Move{State::investigating, ""});
  Record a = w.apply_as(kRita, 100, base, RequestResolution{Resolution::remediated, "done", std::nullopt, {}});
  a = w.apply_as(kAlice, 110, a, Approve{"ok"});
  const MergeResult m = merge_both_ways(&base, a, w.apply_as(kRavi, 90, base, Move{State::remediating, ""}));
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.state == State::closed);
}

TEST_CASE("merge clean: a side that closed and reopened by itself, a move on the other") {
  World w;
  const Record base = w.ready();
  Record a = w.apply_as(kRita, 100, base, RequestResolution{Resolution::remediated, "done", std::nullopt, {}});
  a = w.apply_as(kAlice, 110, a, Approve{"ok"});
  a = w.apply_as(kRita, 120, a, Reopen{"came back"});
  const MergeResult m = merge_both_ways(&base, a, w.apply_as(kRavi, 90, base, Move{State::investigating, ""}));
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.state == State::investigating);
}

TEST_CASE("merge clean: the same decision reached on both sides through a shared commit") {
  World w;
  const Record base = w.pending();
  const Record shared = w.apply_as(kAlice, 100, base, Approve{"ok"});
  const MergeResult m = merge_both_ways(&base, w.apply_as(kRita, 120, shared, AddComment{"a"}),
                                        w.apply_as(kRavi, 130, shared, AddComment{"b"}));
  REQUIRE(m.conflicts.empty());
  CHECK(m.merged.state == State::closed);
}

// --- The fork rule's decision (rule fork-revoked) ---

TEST_CASE("fork rule: a change is allowed when the other side still has the member, role and key") {
  const Policy p = make_policy();
  CHECK_FALSE(fork_refusal(kAlice, role_needed(Approve{""}), true, p));
  CHECK_FALSE(fork_refusal(kRita, role_needed(AddComment{"x"}), true, p));
  CHECK(fork_rule_name() == "fork-revoked");
}

TEST_CASE("fork rule: a member removed on the other side") {
  Policy p = make_policy();
  std::erase_if(p.members, [](const Member& m) { return m.email == kRita; });
  const auto why = fork_refusal(kRita, role_needed(AddComment{"x"}), true, p);
  REQUIRE(why);
  CHECK(why->find("not a member") != std::string::npos);
}

TEST_CASE("fork rule: the role the change needed taken away on the other side") {
  Policy p = make_policy();
  for (auto& m : p.members)
    if (m.email == kAlice) m.roles = {Role::responder};
  const auto why = fork_refusal(kAlice, role_needed(Deny{"no"}), true, p);
  REQUIRE(why);
  CHECK(why->find("approver") != std::string::npos);
  // A responder may still comment and move.
  CHECK_FALSE(fork_refusal(kAlice, role_needed(Move{State::investigating, ""}), true, p));
  // Completing a checklist item needs more than attaching evidence.
  CHECK(role_needed(Attach{{}, std::string("rotate"), ""}).any_of.size() < role_needed(Attach{{}, std::nullopt, ""}).any_of.size());
  CHECK(role_needed(Approve{""}).rule == "approver-role");
  CHECK(role_needed_to_configure().rule == "admin-only");
}

TEST_CASE("fork rule: the signing key no longer listed on the other side") {
  const auto why = fork_refusal(kRita, role_needed(AddComment{"x"}), false, make_policy());
  REQUIRE(why);
  CHECK(why->find("key") != std::string::npos);
}
