// core/lifecycle: the governed path of an exception, its guards, and every rule that refuses.

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/administration.hpp"
#include "docket/core/error.hpp"
#include "rule_checks.hpp"
#include "docket/core/id.hpp"
#include "docket/core/administration.hpp"
#include "docket/core/lifecycle.hpp"
#include "docket/core/membership.hpp"
#include "docket/core/time.hpp"

using namespace docket;
using namespace docket::core;


namespace {

// The cast: who may do what in the test store.
const Email kAdmin = *Email::parse("root@acme.example");
const Email kCi = *Email::parse("ci@acme.example");          // reporter: opens from scanners
const Email kRita = *Email::parse("rita@acme.example");      // responder: works the exception
const Email kRavi = *Email::parse("ravi@acme.example");      // responder
const Email kAlice = *Email::parse("alice@acme.example");    // approver
const Email kBob = *Email::parse("bob@acme.example");        // approver
const Email kCarol = *Email::parse("carol@acme.example");    // approver and responder
const Email kMallory = *Email::parse("mallory@evil.example"); // not a member
const Email kSec = *Email::parse("sec@acme.example");        // team security
const Email kPlat = *Email::parse("plat@acme.example");      // team platform
const Email kCiso = *Email::parse("ciso@acme.example");      // escalation owner

constexpr std::int64_t kDay = 86400;
const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");

Policy make_policy() {
  Policy p;
  p.teams["security"] = {kSec, kRita};
  p.teams["platform"] = {kPlat, kRita};  // rita is in both: owners are not duplicated
  p.escalation = {kCiso};
  p.members = {
      Member{kAdmin, "Root", {Role::admin}},
      Member{kCi, "CI", {Role::reporter}},
      Member{kRita, "Rita", {Role::responder}},
      Member{kRavi, "Ravi", {Role::responder}},
      Member{kAlice, "Alice", {Role::approver}},
      Member{kBob, "Bob", {Role::approver}},
      Member{kCarol, "Carol", {Role::approver, Role::responder}},
  };
  return p;
}

Template leaked_secret() {
  Template t;
  t.name = "leaked-secret";
  t.description = "An API key found in a CI variable store";
  t.severity = Severity::critical;
  t.identity_kind = "api-key";
  t.route_to = {"security", "platform", "no-such-team"};
  t.frameworks = {"OWASP-NHI:NHI2", "NIST-CSF-2.0:RS.MI-01"};
  t.checklist = {{"rotate-secret", "Secret rotated and the old value revoked", true},
                 {"review-pipeline", "Pipeline reviewed", true},
                 {"confirm-removal", "Removal from code and logs confirmed", false}};
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

RequestResolution remediated(std::string reason = "secret rotated") {
  return RequestResolution{Resolution::remediated, std::move(reason), std::nullopt, {}};
}
RequestResolution acceptance(std::optional<Timestamp> expires, std::vector<std::string> controls = {"key scoped to read-only"},
                             std::string reason = "vendor cannot rotate before the freeze ends") {
  return RequestResolution{Resolution::accepted, std::move(reason), expires, std::move(controls)};
}

// A test store: one policy, one template, and a clock that only moves when told.
struct World {
  Policy policy = make_policy();
  Template tmpl = leaked_secret();
  Timestamp now = kT0;

  Context as(const Email& who) const { return Context{who, now, policy}; }
  void later(std::int64_t seconds) { now = now + Duration{seconds}; }
  Record apply_as(const Email& who, const Record& r, const Command& c) const { return core::apply(r, c, as(who)); }

  OpenCommand open_command(std::optional<Severity> severity = Severity::high) const {
    OpenCommand cmd;
    cmd.id = *ExceptionId::parse("EX-7F3A9C2KQD");
    cmd.title = "AWS key for svc-deploy found in the CI variable store";
    cmd.from_template = &tmpl;
    cmd.severity = severity;
    cmd.identity = Identity{"", "svc-deploy", "aws/acme-prod"};
    cmd.source = Source{"gitleaks", "aws-access-key", "sha256:abc", "ci/vars:12"};
    return cmd;
  }
  // Opened by CI (a reporter), high severity unless said otherwise.
  Record opened(std::optional<Severity> severity = Severity::high, const Email& by = kCi) const {
    return open_record(open_command(severity), as(by));
  }
  Record investigating(std::optional<Severity> severity = Severity::high, const Email& by = kCi) const {
    Record r = opened(severity, by);
    r = apply_as(kRita, r, Move{State::triaged, "confirmed live"});
    r = apply_as(kRita, r, Move{State::investigating, ""});
    return r;
  }
  // Assigned to rita, checklist done, in remediating.
  Record ready_to_request(std::optional<Severity> severity = Severity::high, const Email& by = kCi) const {
    Record r = investigating(severity, by);
    r = apply_as(kRita, r, Assign{kRita});
    r = apply_as(kRita, r, Move{State::remediating, ""});
    r = apply_as(kRita, r, Attach{{evidence("rotation.log", 1)}, std::string("rotate-secret"), "rotated"});
    r = apply_as(kRita, r, Attach{{evidence("pipeline.txt", 2)}, std::string("review-pipeline"), ""});
    r = apply_as(kRita, r, CompleteItem{"confirm-removal", "grep of logs is clean"});
    return r;
  }
  Record pending(RequestResolution req = remediated(), std::optional<Severity> severity = Severity::high) const {
    return apply_as(kRita, ready_to_request(severity), req);
  }
  // Accepted for 30 days (high severity: one approval by alice).
  Record accepted() const {
    Record r = pending(acceptance(now + Duration{30 * kDay}));
    return apply_as(kAlice, r, Approve{"ok for 30 days"});
  }
  Record closed() const { return apply_as(kAlice, pending(), Approve{""}); }
};

bool has_event(const Record& r, std::string_view action) {
  return std::any_of(r.events.begin(), r.events.end(), [&](const Event& e) { return e.action == action; });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// open_record

TEST_CASE("open applies the template's severity, frameworks, checklist and identity kind") {
  World w;
  const Record r = w.opened(std::nullopt);
  CHECK(r.id.str() == "EX-7F3A9C2KQD");
  CHECK(r.state == State::open);
  CHECK(r.template_name == "leaked-secret");
  CHECK(r.severity == Severity::critical);
  CHECK(r.frameworks == w.tmpl.frameworks);
  REQUIRE(r.checklist.size() == 3);
  CHECK(r.checklist[0].id == "rotate-secret");
  CHECK(r.checklist[0].evidence_required);
  CHECK_FALSE(r.checklist[2].evidence_required);
  for (const auto& item : r.checklist) CHECK_FALSE(item.done);
  CHECK(r.identity.kind == "api-key");
  CHECK(r.identity.name == "svc-deploy");
  CHECK(r.opened == Stamp{kT0, kCi});
  CHECK(r.source.tool == "gitleaks");
  CHECK(r.evidence.empty());
  CHECK(r.requests.empty());
  CHECK_FALSE(r.outcome);
}

TEST_CASE("open routes to the template's teams as owners, once each, ignoring unknown teams") {
  World w;
  const Record r = w.opened();
  CHECK(r.owners == std::vector<Email>{kSec, kRita, kPlat});
}

TEST_CASE("open adds explicit owners after the routed teams") {
  World w;
  OpenCommand cmd = w.open_command();
  cmd.owners = {kRavi, kSec};
  const Record r = open_record(cmd, w.as(kCi));
  CHECK(r.owners == std::vector<Email>{kSec, kRita, kPlat, kRavi});
}

TEST_CASE("open with no template and no owners makes the opener the owner") {
  World w;
  OpenCommand cmd = w.open_command(std::nullopt);
  cmd.from_template = nullptr;
  const Record r = open_record(cmd, w.as(kRita));
  CHECK(r.template_name.empty());
  CHECK(r.severity == Severity::medium);
  CHECK(r.checklist.empty());
  CHECK(r.owners == std::vector<Email>{kRita});
  CHECK(r.identity.kind.empty());
  CHECK(r.due == kT0 + w.policy.sla.at(Severity::medium));
}

TEST_CASE("open sets due to now plus the SLA of the template's severity") {
  World w;
  const Record r = w.opened(std::nullopt);
  REQUIRE(r.due);
  CHECK(*r.due == kT0 + Duration{24 * 3600});
}

TEST_CASE("open with a severity override uses it, and its SLA, instead of the template's") {
  World w;
  const Record r = w.opened(Severity::low);
  CHECK(r.severity == Severity::low);
  REQUIRE(r.due);
  CHECK(*r.due == kT0 + Duration{30 * kDay});
}

TEST_CASE("open keeps an explicit identity kind over the template's default") {
  World w;
  OpenCommand cmd = w.open_command();
  cmd.identity.kind = "token";
  CHECK(open_record(cmd, w.as(kCi)).identity.kind == "token");
}

TEST_CASE("open records the recurrence links it is given") {
  World w;
  OpenCommand cmd = w.open_command();
  cmd.recurrence_of = {*ExceptionId::parse("EX-0000000001")};
  CHECK(open_record(cmd, w.as(kCi)).recurrence_of == cmd.recurrence_of);
}

TEST_CASE("open refuses an empty or blank title") {
  World w;
  OpenCommand cmd = w.open_command();
  cmd.title = "";
  CHECK_REFUSED_BY(open_record(cmd, w.as(kCi)), "title-required");
  cmd.title = " \t ";
  CHECK_REFUSED_BY(open_record(cmd, w.as(kCi)), "title-required");
}

TEST_CASE("open refuses a title with a newline") {
  World w;
  OpenCommand cmd = w.open_command();
  cmd.title = "first line\nsecond line";
  CHECK_REFUSED_BY(open_record(cmd, w.as(kCi)), "title-required");
}

// Regression: any control character breaks one-line rendering of list, show and commit subjects.
TEST_CASE("open refuses a title with a carriage return") {
  World w;
  OpenCommand cmd = w.open_command();
  cmd.title = "first line\rsecond line";
  CHECK_REFUSED_BY(open_record(cmd, w.as(kCi)), "title-required");
}

TEST_CASE("open refuses a non-member") {
  World w;
  CHECK_REFUSED_BY(w.opened(Severity::high, kMallory), "member-required");
}

// ---------------------------------------------------------------------------------------------
// The full remediation path

TEST_CASE("a leaked secret goes open, triaged, investigating, remediating, approved and closed") {
  World w;
  Record r = w.opened();
  CHECK(r.state == State::open);

  r = w.apply_as(kRita, r, Move{State::triaged, "key is live"});
  CHECK(r.state == State::triaged);
  r = w.apply_as(kRita, r, Move{State::investigating, ""});
  CHECK(r.state == State::investigating);
  r = w.apply_as(kRita, r, Assign{kRita});
  CHECK(r.assignee == kRita);
  r = w.apply_as(kRita, r, Move{State::remediating, ""});
  CHECK(r.state == State::remediating);

  // Checklist: two items with evidence, one without.
  w.later(3600);
  r = w.apply_as(kRita, r, Attach{{evidence("rotation.log", 1)}, std::string("rotate-secret"), "rotated at the issuer"});
  const ChecklistItem* rotate = r.find_item("rotate-secret");
  REQUIRE(rotate);
  REQUIRE(rotate->done);
  CHECK(rotate->done->stamp == Stamp{w.now, kRita});
  CHECK(rotate->done->evidence == std::vector<Sha256Digest>{evidence("", 1).digest});
  CHECK(rotate->done->note == "rotated at the issuer");
  REQUIRE(r.evidence.size() == 1);
  CHECK(r.evidence[0].added == Stamp{w.now, kRita});
  CHECK(r.evidence[0].note == "rotated at the issuer");
  CHECK(r.evidence[0].name == "rotation.log");

  r = w.apply_as(kRita, r, Attach{{evidence("pipeline.txt", 2)}, std::string("review-pipeline"), ""});
  r = w.apply_as(kRita, r, CompleteItem{"confirm-removal", "logs purged"});
  REQUIRE(r.find_item("confirm-removal")->done);
  CHECK(r.find_item("confirm-removal")->done->evidence.empty());
  CHECK(r.evidence.size() == 2);

  r = w.apply_as(kRita, r, remediated("rotated and removed"));
  CHECK(r.state == State::pending_approval);
  REQUIRE(r.current_request());
  CHECK(r.current_request()->round == 1);
  CHECK(r.current_request()->resolution == Resolution::remediated);
  CHECK(r.current_request()->requested == Stamp{w.now, kRita});
  CHECK_FALSE(r.current_request()->expires);

  w.later(2 * kDay);
  r = w.apply_as(kAlice, r, Approve{"verified rotation"});
  CHECK(r.state == State::closed);
  REQUIRE(r.outcome);
  CHECK(r.outcome->resolution == Resolution::remediated);
  CHECK(r.outcome->decided == Stamp{w.now, kAlice});
  CHECK(r.outcome->reason == "rotated and removed");
  REQUIRE(r.review.due);
  CHECK(*r.review.due == w.now + w.policy.review_after);
  CHECK_FALSE(r.review.done);
  REQUIRE(r.approvals.size() == 1);
  CHECK(r.approvals[0].decision == Decision::approve);
  CHECK(r.approvals[0].round == 1);
  for (auto action : {"moved", "assigned", "requested", "approved", "closed"}) CHECK_MESSAGE(has_event(r, action), action);
}

TEST_CASE("critical severity needs two approvals: after one the record stays pending") {
  World w;
  Record r = w.pending(remediated(), Severity::critical);
  CHECK(approvals_required(w.policy, Severity::critical) == 2);
  r = w.apply_as(kAlice, r, Approve{""});
  CHECK(r.state == State::pending_approval);
  CHECK(approvals_in_current_round(r) == 1);
  CHECK_FALSE(r.outcome);
  r = w.apply_as(kBob, r, Approve{""});
  CHECK(r.state == State::closed);
  CHECK(approvals_in_current_round(r) == 2);
}

TEST_CASE("an approver may not vote twice in the same round") {
  World w;
  Record r = w.pending(remediated(), Severity::critical);
  r = w.apply_as(kAlice, r, Approve{""});
  CHECK_REFUSED_BY(w.apply_as(kAlice, r, Approve{"again"}), "one-vote-per-round");
  CHECK_REFUSED_BY(w.apply_as(kAlice, r, Deny{"changed my mind"}), "one-vote-per-round");
}

TEST_CASE("an approved rejection closes the exception as rejected") {
  World w;
  Record r = w.pending(RequestResolution{Resolution::rejected, "false positive: test fixture key", std::nullopt, {}});
  r = w.apply_as(kAlice, r, Approve{""});
  CHECK(r.state == State::closed);
  CHECK(r.outcome->resolution == Resolution::rejected);
}

TEST_CASE("deny of a first request sends the work back to remediating") {
  World w;
  Record r = w.pending();
  r = w.apply_as(kAlice, r, Deny{"old key still valid at the issuer"});
  CHECK(r.state == State::remediating);
  CHECK_FALSE(r.outcome);
  REQUIRE(r.approvals.size() == 1);
  CHECK(r.approvals[0].decision == Decision::deny);
  CHECK(r.approvals[0].note == "old key still valid at the issuer");
  CHECK(has_event(r, "denied"));
  // A new request is a new round: the earlier deny does not weigh on it.
  r = w.apply_as(kRita, r, remediated("revoked at the issuer too"));
  CHECK(r.current_request()->round == 2);
  CHECK(approvals_in_current_round(r) == 0);
  r = w.apply_as(kAlice, r, Approve{""});
  CHECK(r.state == State::closed);
}

TEST_CASE("deny refuses an empty reason") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kAlice, w.pending(), Deny{" "}), "reason-required");
}

// ---------------------------------------------------------------------------------------------
// Separation of duties and roles

TEST_CASE("approve refuses the requester's own request") {
  World w;
  Record r = w.ready_to_request();
  r = w.apply_as(kCarol, r, remediated());  // carol is approver and responder
  CHECK_REFUSED_BY(w.apply_as(kCarol, r, Approve{""}), "separation-of-duties");
  CHECK_REFUSED_BY(w.apply_as(kCarol, r, Deny{"no"}), "separation-of-duties");
}

TEST_CASE("approve refuses the one who opened the exception") {
  World w;
  Record r = w.ready_to_request(Severity::high, kAlice);
  r = w.apply_as(kRita, r, remediated());
  CHECK_REFUSED_BY(w.apply_as(kAlice, r, Approve{""}), "separation-of-duties");
  CHECK(w.apply_as(kBob, r, Approve{""}).state == State::closed);
}

TEST_CASE("approve refuses the assignee") {
  World w;
  Record r = w.ready_to_request();
  r = w.apply_as(kRita, r, Assign{kAlice});
  r = w.apply_as(kRita, r, remediated());
  CHECK_REFUSED_BY(w.apply_as(kAlice, r, Approve{""}), "separation-of-duties");
}

TEST_CASE("approve needs the approver role; admin or responder is not enough") {
  World w;
  const Record r = w.pending();
  CHECK_REFUSED_BY(w.apply_as(kRavi, r, Approve{""}), "approver-role");
  CHECK_REFUSED_BY(w.apply_as(kAdmin, r, Approve{""}), "approver-role");
  CHECK_REFUSED_BY(w.apply_as(kRavi, r, Deny{"no"}), "approver-role");
}

TEST_CASE("approve by a non-member is refused as member-required") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kMallory, w.pending(), Approve{""}), "member-required");
}

TEST_CASE("approve refuses a record that is not pending approval") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kAlice, w.ready_to_request(), Approve{""}), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kAlice, w.closed(), Approve{""}), "lifecycle-transition");
}

TEST_CASE("a reporter may open, attach evidence and comment") {
  World w;
  Record r = w.opened();
  r = w.apply_as(kCi, r, Attach{{evidence("scan.sarif", 9)}, std::nullopt, "scanner output"});
  CHECK(r.evidence.size() == 1);
  CHECK(r.evidence[0].added.by == kCi);
  r = w.apply_as(kCi, r, AddComment{"found again in run 4411"});
  REQUIRE(r.comments.size() == 1);
  CHECK(r.comments[0].stamp == Stamp{kT0, kCi});
  CHECK(r.comments[0].text == "found again in run 4411");
}

TEST_CASE("a reporter may not move, assign, escalate, request, complete items, revoke, renew or reopen") {
  World w;
  const Record open = w.opened();
  CHECK_REFUSED_BY(w.apply_as(kCi, open, Move{State::triaged, ""}), "role-required");
  CHECK_REFUSED_BY(w.apply_as(kCi, open, Assign{kRita}), "role-required");
  CHECK_REFUSED_BY(w.apply_as(kCi, open, Escalate{std::nullopt, "urgent"}), "role-required");
  CHECK_REFUSED_BY(w.apply_as(kCi, open, CompleteItem{"confirm-removal", ""}), "role-required");
  CHECK_REFUSED_BY(w.apply_as(kCi, open, Attach{{evidence("x", 3)}, std::string("rotate-secret"), ""}), "role-required");
  CHECK_REFUSED_BY(w.apply_as(kCi, w.ready_to_request(), remediated()), "role-required");
  const Record acc = w.accepted();
  CHECK_REFUSED_BY(w.apply_as(kCi, acc, Revoke{""}), "role-required");
  CHECK_REFUSED_BY(w.apply_as(kCi, acc, Renew{w.now + Duration{10 * kDay}, "more time", {}}), "role-required");
  CHECK_REFUSED_BY(w.apply_as(kCi, w.closed(), Reopen{"again"}), "role-required");
  CHECK_REFUSED_BY(w.apply_as(kCi, w.closed(), RecordReview{"fine"}), "role-required");
}

TEST_CASE("a non-member may do nothing at all") {
  World w;
  const Record r = w.opened();
  CHECK_REFUSED_BY(w.apply_as(kMallory, r, AddComment{"hi"}), "member-required");
  CHECK_REFUSED_BY(w.apply_as(kMallory, r, Attach{{evidence("x", 3)}, std::nullopt, ""}), "member-required");
  CHECK_REFUSED_BY(w.apply_as(kMallory, r, Move{State::triaged, ""}), "member-required");
  CHECK_REFUSED_BY(w.apply_as(kMallory, r, Assign{kRita}), "member-required");
}

// ---------------------------------------------------------------------------------------------
// Moves

TEST_CASE("allowed_moves is the forward graph plus remediating back to investigating") {
  CHECK(allowed_moves(State::open) == std::vector<State>{State::triaged});
  CHECK(allowed_moves(State::triaged) == std::vector<State>{State::investigating});
  CHECK(allowed_moves(State::investigating) == std::vector<State>{State::remediating});
  CHECK(allowed_moves(State::remediating) == std::vector<State>{State::investigating});
  CHECK(allowed_moves(State::pending_approval).empty());
  CHECK(allowed_moves(State::accepted).empty());
  CHECK(allowed_moves(State::closed).empty());
}

TEST_CASE("move may not skip a step: open to investigating is refused") {
  World w;
  const Record r = w.opened();
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Move{State::investigating, ""}), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Move{State::remediating, ""}), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Move{State::open, ""}), "lifecycle-transition");
}

TEST_CASE("move can never close, accept or ask for approval; only request and approve can") {
  World w;
  const Record r = w.ready_to_request();
  for (State to : {State::pending_approval, State::accepted, State::closed})
    CHECK_REFUSED_BY(w.apply_as(kRita, r, Move{to, ""}), "lifecycle-transition");
  const Record p = w.pending();
  CHECK_REFUSED_BY(w.apply_as(kRita, p, Move{State::remediating, ""}), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, w.accepted(), Move{State::closed, ""}), "lifecycle-transition");
}

TEST_CASE("remediating may go back to investigating") {
  World w;
  Record r = w.ready_to_request();
  r = w.apply_as(kRita, r, Move{State::investigating, "root cause was wrong"});
  CHECK(r.state == State::investigating);
  CHECK(r.events.back().action == "moved");
  CHECK(r.events.back().detail == "remediating -> investigating: root cause was wrong");
}

TEST_CASE("a closed record refuses move, assign, escalate and checklist work") {
  World w;
  const Record r = w.closed();
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Move{State::investigating, ""}), "closed-is-final");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Assign{kRavi}), "closed-is-final");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Escalate{kCiso, "look"}), "closed-is-final");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, remediated()), "closed-is-final");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Attach{{evidence("x", 7)}, std::string("rotate-secret"), ""}), "closed-is-final");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, CompleteItem{"confirm-removal", ""}), "closed-is-final");
}

TEST_CASE("a closed record still takes comments and plain evidence") {
  World w;
  Record r = w.closed();
  r = w.apply_as(kRita, r, AddComment{"post-mortem scheduled"});
  r = w.apply_as(kRita, r, Attach{{evidence("postmortem.md", 8)}, std::nullopt, ""});
  CHECK(r.state == State::closed);
  CHECK(r.comments.size() == 1);
  CHECK(r.evidence.size() == 3);
}

// ---------------------------------------------------------------------------------------------
// Assign and escalate

TEST_CASE("assign sets the assignee and adds them to the owners once") {
  World w;
  Record r = w.opened();
  r = w.apply_as(kRita, r, Assign{kRavi});
  CHECK(r.assignee == kRavi);
  CHECK(std::count(r.owners.begin(), r.owners.end(), kRavi) == 1);
  r = w.apply_as(kRita, r, Assign{kRavi});
  CHECK(std::count(r.owners.begin(), r.owners.end(), kRavi) == 1);
  CHECK(r.events.back().action == "assigned");
}

TEST_CASE("assign refuses someone who is not a member") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.opened(), Assign{kMallory}), "assignee-member");
}

TEST_CASE("escalate without a target routes to the policy's escalation owners") {
  World w;
  const Record r = w.apply_as(kRita, w.opened(), Escalate{std::nullopt, "SLA at risk"});
  CHECK(std::find(r.owners.begin(), r.owners.end(), kCiso) != r.owners.end());
  CHECK(r.events.back().action == "escalated");
}

TEST_CASE("escalate to a named person adds them as owner") {
  World w;
  const Record r = w.apply_as(kRita, w.opened(), Escalate{kBob, "needs a decision"});
  CHECK(std::find(r.owners.begin(), r.owners.end(), kBob) != r.owners.end());
  CHECK(std::find(r.owners.begin(), r.owners.end(), kCiso) == r.owners.end());
}

TEST_CASE("escalate with no target and no escalation owners in the policy is refused") {
  World w;
  w.policy.escalation.clear();
  CHECK_REFUSED_BY(w.apply_as(kRita, w.opened(), Escalate{std::nullopt, "SLA at risk"}), "escalation-target");
}

TEST_CASE("escalate needs a reason") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.opened(), Escalate{kBob, ""}), "reason-required");
}

// ---------------------------------------------------------------------------------------------
// Evidence and the checklist

TEST_CASE("attaching the same content twice keeps one evidence entry") {
  World w;
  Record r = w.investigating();
  r = w.apply_as(kRita, r, Attach{{evidence("a.log", 5)}, std::nullopt, "first"});
  r = w.apply_as(kRita, r, Attach{{evidence("copy-of-a.log", 5)}, std::nullopt, "second"});
  REQUIRE(r.evidence.size() == 1);
  CHECK(r.evidence[0].name == "a.log");
  CHECK(r.evidence[0].note == "first");
  // The same digest twice in one attach is one entry too.
  r = w.apply_as(kRita, r, Attach{{evidence("b.log", 6), evidence("b2.log", 6)}, std::nullopt, ""});
  CHECK(r.evidence.size() == 2);
}

TEST_CASE("already-attached evidence can complete a checklist item without being duplicated") {
  World w;
  Record r = w.investigating();
  r = w.apply_as(kRita, r, Attach{{evidence("rotation.log", 1)}, std::nullopt, ""});
  r = w.apply_as(kRita, r, Attach{{evidence("rotation.log", 1)}, std::string("rotate-secret"), ""});
  CHECK(r.evidence.size() == 1);
  REQUIRE(r.find_item("rotate-secret")->done);
  CHECK(r.find_item("rotate-secret")->done->evidence.size() == 1);
}

TEST_CASE("attach with no files is refused") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.opened(), Attach{{}, std::nullopt, ""}), "evidence-required");
}

TEST_CASE("done refuses an item that requires evidence") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.investigating(), CompleteItem{"rotate-secret", "trust me"}), "evidence-required");
}

TEST_CASE("done and attach refuse an unknown checklist item") {
  World w;
  const Record r = w.investigating();
  CHECK_REFUSED_BY(w.apply_as(kRita, r, CompleteItem{"no-such-item", ""}), "checklist-item-known");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Attach{{evidence("x", 3)}, std::string("no-such-item"), ""}), "checklist-item-known");
}

TEST_CASE("a checklist item is done only once") {
  World w;
  Record r = w.investigating();
  r = w.apply_as(kRita, r, CompleteItem{"confirm-removal", ""});
  CHECK_REFUSED_BY(w.apply_as(kRita, r, CompleteItem{"confirm-removal", ""}), "checklist-item-once");
  r = w.apply_as(kRita, r, Attach{{evidence("x", 3)}, std::string("rotate-secret"), ""});
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Attach{{evidence("y", 4)}, std::string("rotate-secret"), ""}), "checklist-item-once");
}

TEST_CASE("request refuses while checklist items are unfinished") {
  World w;
  Record r = w.investigating();
  CHECK_REFUSED_BY(w.apply_as(kRita, r, remediated()), "checklist-complete");
  r = w.apply_as(kRita, r, Attach{{evidence("x", 3)}, std::string("rotate-secret"), ""});
  r = w.apply_as(kRita, r, Attach{{evidence("y", 4)}, std::string("review-pipeline"), ""});
  CHECK_REFUSED_BY(w.apply_as(kRita, r, remediated()), "checklist-complete");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, acceptance(w.now + Duration{kDay})), "checklist-complete");
  r = w.apply_as(kRita, r, CompleteItem{"confirm-removal", ""});
  CHECK(w.apply_as(kRita, r, remediated()).state == State::pending_approval);
}

// ---------------------------------------------------------------------------------------------
// Requests

TEST_CASE("request is refused before investigation and while already pending") {
  World w;
  Record r = w.opened();
  r.checklist.clear();
  CHECK_REFUSED_BY(w.apply_as(kRita, r, remediated()), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, w.pending(), remediated()), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, w.accepted(), remediated()), "lifecycle-transition");
}

TEST_CASE("request may not ask for 'revoked'") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.ready_to_request(),
                              RequestResolution{Resolution::revoked, "done", std::nullopt, {}}),
                   "lifecycle-transition");
}

TEST_CASE("request needs a reason") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.ready_to_request(), remediated("")), "reason-required");
}

TEST_CASE("accepted needs an expiry") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.ready_to_request(), acceptance(std::nullopt)), "acceptance-expiry");
}

TEST_CASE("accepted needs an expiry in the future") {
  World w;
  const Record r = w.ready_to_request();
  CHECK_REFUSED_BY(w.apply_as(kRita, r, acceptance(w.now + Duration{-1})), "acceptance-expiry");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, acceptance(w.now)), "acceptance-expiry");
}

TEST_CASE("accepted refuses an expiry beyond the policy's maximum, and allows the maximum itself") {
  World w;
  const Record r = w.ready_to_request();
  CHECK_REFUSED_BY(w.apply_as(kRita, r, acceptance(w.now + w.policy.max_acceptance + Duration{1})), "acceptance-max-duration");
  CHECK(w.apply_as(kRita, r, acceptance(w.now + w.policy.max_acceptance)).state == State::pending_approval);
}

TEST_CASE("accepted needs at least one non-blank compensating control") {
  World w;
  const Record r = w.ready_to_request();
  CHECK_REFUSED_BY(w.apply_as(kRita, r, acceptance(w.now + Duration{kDay}, {})), "acceptance-controls");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, acceptance(w.now + Duration{kDay}, {"", "  "})), "acceptance-controls");
}

TEST_CASE("an approved acceptance is in force until its expiry") {
  World w;
  const Timestamp until = w.now + Duration{30 * kDay};
  Record r = w.pending(acceptance(until));
  CHECK(r.current_request()->expires == until);
  CHECK(r.current_request()->controls == std::vector<std::string>{"key scoped to read-only"});
  r = w.apply_as(kAlice, r, Approve{""});
  CHECK(r.state == State::accepted);
  REQUIRE(r.outcome);
  CHECK(r.outcome->resolution == Resolution::accepted);
  CHECK(r.outcome->expires == until);
  CHECK(has_event(r, "accepted"));
}

// ---------------------------------------------------------------------------------------------
// Revoke and renew

TEST_CASE("revoke ends an acceptance: closed as revoked, with a review due") {
  World w;
  Record r = w.accepted();
  const auto expires = r.outcome->expires;
  w.later(5 * kDay);
  r = w.apply_as(kRita, r, Revoke{"vendor rotated early"});
  CHECK(r.state == State::closed);
  REQUIRE(r.outcome);
  CHECK(r.outcome->resolution == Resolution::revoked);
  CHECK(r.outcome->decided == Stamp{w.now, kRita});
  CHECK(r.outcome->expires == expires);
  CHECK(r.review.due == w.now + w.policy.review_after);
}

TEST_CASE("revoke refuses anything that is not accepted") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.ready_to_request(), Revoke{""}), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, w.closed(), Revoke{""}), "lifecycle-transition");
}

TEST_CASE("renew opens a new approval round; approvals from the earlier round do not count") {
  World w;
  Record r = w.accepted();
  const Timestamp old_expiry = *r.outcome->expires;
  w.later(20 * kDay);
  const Timestamp new_expiry = w.now + Duration{60 * kDay};
  r = w.apply_as(kRita, r, Renew{new_expiry, "migration slipped", {}});
  CHECK(r.state == State::pending_approval);
  REQUIRE(r.current_request());
  CHECK(r.current_request()->round == 2);
  CHECK(r.current_request()->resolution == Resolution::accepted);
  CHECK(r.current_request()->expires == new_expiry);
  CHECK(r.current_request()->controls == std::vector<std::string>{"key scoped to read-only"});  // carried over
  CHECK(approvals_in_current_round(r) == 0);  // alice's round-1 approval is not counted
  CHECK(r.outcome->expires == old_expiry);    // never silently extended
  CHECK(has_event(r, "renewal-requested"));

  // Alice voted in round 1; round 2 is a new vote.
  r = w.apply_as(kAlice, r, Approve{"one more time"});
  CHECK(r.state == State::accepted);
  CHECK(r.outcome->expires == new_expiry);
  CHECK(approvals_in_current_round(r) == 1);
}

TEST_CASE("renew with new controls replaces the old ones") {
  World w;
  const Record r = w.apply_as(kRita, w.accepted(), Renew{w.now + Duration{10 * kDay}, "more time", {"IP allow-list"}});
  CHECK(r.current_request()->controls == std::vector<std::string>{"IP allow-list"});
}

TEST_CASE("a denied renewal goes back to accepted, keeping the old expiry") {
  World w;
  Record r = w.accepted();
  const Timestamp old_expiry = *r.outcome->expires;
  r = w.apply_as(kRita, r, Renew{w.now + Duration{60 * kDay}, "more time", {}});
  r = w.apply_as(kBob, r, Deny{"rotate it instead"});
  CHECK(r.state == State::accepted);
  REQUIRE(r.outcome);
  CHECK(r.outcome->resolution == Resolution::accepted);
  CHECK(r.outcome->expires == old_expiry);
}

TEST_CASE("renew is held to the same acceptance terms as a request") {
  World w;
  const Record r = w.accepted();
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Renew{w.now, "more time", {}}), "acceptance-expiry");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Renew{w.now + w.policy.max_acceptance + Duration{1}, "more time", {}}),
                   "acceptance-max-duration");
  CHECK_REFUSED_BY(w.apply_as(kRita, r, Renew{w.now + Duration{kDay}, "", {}}), "reason-required");
}

TEST_CASE("renew refuses anything that is not accepted") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.closed(), Renew{w.now + Duration{kDay}, "more", {"c"}}), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, w.pending(), Renew{w.now + Duration{kDay}, "more", {"c"}}), "lifecycle-transition");
}

TEST_CASE("critical renewal needs two fresh approvals") {
  World w;
  Record r = w.pending(acceptance(w.now + Duration{30 * kDay}), Severity::critical);
  r = w.apply_as(kAlice, r, Approve{""});
  r = w.apply_as(kBob, r, Approve{""});
  REQUIRE(r.state == State::accepted);
  r = w.apply_as(kRita, r, Renew{w.now + Duration{40 * kDay}, "more time", {}});
  r = w.apply_as(kAlice, r, Approve{""});
  CHECK(r.state == State::pending_approval);
  CHECK(approvals_in_current_round(r) == 1);
  r = w.apply_as(kBob, r, Approve{""});
  CHECK(r.state == State::accepted);
}

// ---------------------------------------------------------------------------------------------
// Reopen and review

TEST_CASE("reopen sends a closed record back to investigating and clears its outcome") {
  World w;
  Record r = w.closed();
  r = w.apply_as(kRita, r, Reopen{"key seen in use again"});
  CHECK(r.state == State::investigating);
  CHECK_FALSE(r.outcome);
  CHECK_FALSE(r.review.due);
  CHECK(r.approvals.size() == 1);  // history is kept
  CHECK(has_event(r, "reopened"));
  // The next request is round 2 and needs its own approval.
  r = w.apply_as(kRita, r, remediated("rotated again"));
  CHECK(r.current_request()->round == 2);
  CHECK(approvals_in_current_round(r) == 0);
}

TEST_CASE("reopen refuses a record that is not closed, and needs a reason") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.opened(), Reopen{"why"}), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, w.accepted(), Reopen{"why"}), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, w.closed(), Reopen{""}), "reason-required");
}

TEST_CASE("a post-closure review is recorded once on a closed record") {
  World w;
  Record r = w.closed();
  w.later(30 * kDay);
  r = w.apply_as(kRita, r, RecordReview{"rotation held; no reuse seen"});
  REQUIRE(r.review.done);
  CHECK(*r.review.done == Stamp{w.now, kRita});
  CHECK(r.review.note == "rotation held; no reuse seen");
  CHECK(r.state == State::closed);
  CHECK_REFUSED_BY(w.apply_as(kRavi, r, RecordReview{"again"}), "checklist-item-once");
}

TEST_CASE("review refuses a record that is not closed, and an empty note") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kRita, w.accepted(), RecordReview{"fine"}), "lifecycle-transition");
  CHECK_REFUSED_BY(w.apply_as(kRita, w.closed(), RecordReview{"  "}), "text-required");
}

TEST_CASE("comment refuses an empty text") {
  World w;
  CHECK_REFUSED_BY(w.apply_as(kCi, w.opened(), AddComment{"\n"}), "text-required");
}

// ---------------------------------------------------------------------------------------------
// Small helpers

TEST_CASE("approvals_required comes from the policy and is at least one") {
  Policy p;
  CHECK(approvals_required(p, Severity::critical) == 2);
  CHECK(approvals_required(p, Severity::low) == 1);
  p.approvals_required[Severity::low] = 0;
  CHECK(approvals_required(p, Severity::low) == 1);
  p.approvals_required.erase(Severity::medium);
  CHECK(approvals_required(p, Severity::medium) == 1);
  p.approvals_required[Severity::high] = 3;
  CHECK(approvals_required(p, Severity::high) == 3);
}

TEST_CASE("verb names each command as the CLI does") {
  CHECK(verb(Assign{}) == "assign");
  CHECK(verb(Escalate{}) == "escalate");
  CHECK(verb(Move{}) == "move");
  CHECK(verb(Attach{}) == "attach");
  CHECK(verb(CompleteItem{}) == "done");
  CHECK(verb(RequestResolution{}) == "request");
  CHECK(verb(Approve{}) == "approve");
  CHECK(verb(Deny{}) == "deny");
  CHECK(verb(Revoke{}) == "revoke");
  CHECK(verb(Renew{}) == "renew");
  CHECK(verb(Reopen{}) == "reopen");
  CHECK(verb(RecordReview{}) == "review");
  CHECK(verb(AddComment{}) == "comment");
  CHECK(verb(MarkNotSeen{}) == "not-seen");
  CHECK(verb(MarkSeen{}) == "seen-again");
}

TEST_CASE("apply leaves the record it was given unchanged") {
  World w;
  const Record before = w.ready_to_request();
  const Record copy = before;
  (void)w.apply_as(kRita, before, remediated());
  CHECK(before == copy);
}

// ---------------------------------------------------------------------------------------------
// Every rule core names has a scenario that triggers it. A rule added to rule_names() without a
// scenario here fails this test.

TEST_CASE("every rule in rule_names() has a scenario that triggers it") {
  World w;
  const Policy& policy = w.policy;
  const std::map<std::string, std::function<void()>> scenario{
      {"member-required", [&] { (void)w.apply_as(kMallory, w.opened(), AddComment{"hi"}); }},
      {"role-required", [&] { (void)w.apply_as(kCi, w.opened(), Move{State::triaged, ""}); }},
      {"title-required", [&] { OpenCommand c = w.open_command(); c.title = "a\nb"; (void)open_record(c, w.as(kCi)); }},
      {"reason-required", [&] { (void)w.apply_as(kRita, w.ready_to_request(), remediated(" ")); }},
      {"closed-is-final", [&] { (void)w.apply_as(kRita, w.closed(), Assign{kRavi}); }},
      {"lifecycle-transition", [&] { (void)w.apply_as(kRita, w.opened(), Move{State::investigating, ""}); }},
      {"assignee-member", [&] { (void)w.apply_as(kRita, w.opened(), Assign{kMallory}); }},
      {"checklist-item-known", [&] { (void)w.apply_as(kRita, w.opened(), CompleteItem{"nope", ""}); }},
      {"checklist-item-once", [&] {
         const Record r = w.apply_as(kRita, w.opened(), CompleteItem{"confirm-removal", ""});
         (void)w.apply_as(kRita, r, CompleteItem{"confirm-removal", ""});
       }},
      {"evidence-required", [&] { (void)w.apply_as(kRita, w.opened(), CompleteItem{"rotate-secret", ""}); }},
      {"checklist-complete", [&] { (void)w.apply_as(kRita, w.investigating(), remediated()); }},
      {"acceptance-expiry", [&] { (void)w.apply_as(kRita, w.ready_to_request(), acceptance(std::nullopt)); }},
      {"acceptance-max-duration",
       [&] { (void)w.apply_as(kRita, w.ready_to_request(), acceptance(w.now + Duration{365 * kDay})); }},
      {"acceptance-controls",
       [&] { (void)w.apply_as(kRita, w.ready_to_request(), acceptance(w.now + Duration{kDay}, {})); }},
      {"approver-role", [&] { (void)w.apply_as(kRavi, w.pending(), Approve{""}); }},
      {"separation-of-duties", [&] {
         const Record r = w.apply_as(kCarol, w.ready_to_request(), remediated());
         (void)w.apply_as(kCarol, r, Approve{""});
       }},
      {"one-vote-per-round", [&] {
         const Record r = w.apply_as(kAlice, w.pending(remediated(), Severity::critical), Approve{""});
         (void)w.apply_as(kAlice, r, Approve{""});
       }},
      {"escalation-target", [&] {
         Policy empty = policy;
         empty.escalation.clear();
         (void)core::apply(w.opened(), Escalate{std::nullopt, "why"}, Context{kRita, w.now, empty});
       }},
      {"text-required", [&] { (void)w.apply_as(kRita, w.opened(), AddComment{""}); }},
      {"sighting-change", [&] { (void)w.apply_as(kCi, w.opened(), MarkSeen{"reported again"}); }},
      {"time-range", [&] { (void)core::apply(w.opened(), AddComment{"hi"}, Context{kRita, Timestamp{kLatestTime.seconds + 1}, policy}); }},
      {"evidence-size", [&] {
         Policy small = policy;
         small.max_evidence_bytes = 10;
         Evidence big;
         big.name = "dump.bin";
         big.size = 11;
         (void)core::apply(w.opened(), Attach{{big}, std::nullopt, ""}, Context{kRita, w.now, small});
       }},
      {"edit-changes-nothing", [&] { Edit e; e.title = w.opened().title; (void)w.apply_as(kRita, w.opened(), e); }},
      {"edit-under-approval", [&] { Edit e; e.severity = Severity::critical; (void)w.apply_as(kCarol, w.accepted(), e); }},
      {"severity-lowering", [&] { Edit e; e.severity = Severity::low; (void)w.apply_as(kRita, w.opened(), e); }},
      {"owner-known", [&] { Edit e; e.remove_owners = {kMallory}; (void)w.apply_as(kRita, w.opened(), e); }},
      {"assignee-owner", [&] {
         Edit e;
         e.remove_owners = {kRita};
         (void)w.apply_as(kRita, w.apply_as(kRita, w.opened(), Assign{kRita}), e);
       }},
      {"owner-required", [&] { Edit e; e.remove_owners = {kSec, kRita, kPlat}; (void)w.apply_as(kRita, w.opened(), e); }},
      // core/membership
      {"admin-only", [&] { (void)add_member(policy, Member{kMallory, "M", {Role::reporter}}, w.as(kRita)); }},
      {"roles-required", [&] { (void)add_member(policy, Member{kMallory, "M", {}}, w.as(kAdmin)); }},
      {"member-known", [&] { (void)remove_member(policy, kMallory, w.as(kAdmin)); }},
      {"admin-required", [&] { (void)remove_member(policy, kAdmin, w.as(kAdmin)); }},
      {"member-in-use", [&] {
         Policy in_team = policy;
         in_team.teams["oncall"] = {kBob};
         (void)remove_member(in_team, kBob, w.as(kAdmin));
       }},
      // core/administration
      {"policy-value", [&] { (void)administer({policy, {}}, PolicySet{"sla.critical", "10s"}, w.as(kAdmin)); }},
      {"team-known", [&] { (void)administer({policy, {}}, TeamRemove{"nope", kRita}, w.as(kAdmin)); }},
      {"team-required", [&] {
         Template t;
         t.name = "routed";
         t.route_to = {"solo"};
         Policy p = policy;
         p.teams["solo"] = {kRita};
         (void)administer({p, {{"routed", t}}}, TeamRemove{"solo", kRita}, w.as(kAdmin));
       }},
      {"template-known", [&] { (void)administer({policy, {}}, TemplateRemove{"nope"}, w.as(kAdmin)); }},
      {"template-exists", [&] {
         Template t;
         t.name = "x";
         (void)administer({policy, {{"x", t}}}, TemplateAdd{t}, w.as(kAdmin));
       }},
      {"template-in-use", [&] {
         Template t;
         t.name = "x";
         (void)administer({policy, {{"x", t}}}, TemplateRemove{"x"}, w.as(kAdmin), {w.opened().id});
       }},
      {"template-valid", [&] {
         Template t;
         t.name = "x";
         t.route_to = {"nobody"};
         (void)administer({policy, {}}, TemplateAdd{t}, w.as(kAdmin));
       }},
      {"changes-nothing", [&] { (void)administer({policy, {}}, PolicySet{"sla.critical", policy_value(policy, "sla.critical")}, w.as(kAdmin)); }},
  };

  std::set<std::string> names;
  for (std::string_view rule : rule_names()) {
    CAPTURE(rule);
    CHECK_MESSAGE(names.insert(std::string(rule)).second, "rule listed twice: ", rule);
    const auto it = scenario.find(std::string(rule));
    if (it == scenario.end()) {
      FAIL_CHECK("no scenario triggers rule '", rule, "': add one here and a behaviour test");
      continue;
    }
    CHECK_REFUSED_BY(it->second(), rule);
  }
  // A scenario for a rule core no longer names is stale.
  for (const auto& [rule, _] : scenario) CHECK_MESSAGE(names.count(rule) == 1, "not in rule_names(): ", rule);
}

TEST_CASE("every refusal carries a hint or a message naming the record") {
  World w;
  try {
    (void)w.apply_as(kRita, w.opened(), Move{State::investigating, ""});
    FAIL("not refused");
  } catch (const RuleViolation& v) {
    CHECK(std::string(v.what()).find("EX-7F3A9C2KQD") != std::string::npos);
    CHECK(v.hint().find("triaged") != std::string::npos);
  }
}
