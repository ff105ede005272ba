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
const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");

Policy make_policy() {
  Policy p;
  p.members = {
      Member{kAdmin, "Root", {Role::admin}},
      Member{kRita, "Rita", {Role::responder}},
      Member{kRavi, "Ravi", {Role::responder}},
      Member{kAlice, "Alice", {Role::approver}},
      Member{kBob, "Bob", {Role::approver}},
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
};

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
