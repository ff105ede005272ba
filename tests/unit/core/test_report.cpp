// core/report: the figures `docket report` renders.

#include <doctest/doctest.h>

#include <algorithm>

#include "docket/core/report.hpp"
#include "docket/core/time.hpp"

using namespace docket;
using namespace docket::core;

namespace {

constexpr std::int64_t kDay = 86400;
const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");
const Email kAlice = *Email::parse("alice@acme.example");
const Email kBob = *Email::parse("bob@acme.example");

Record make_record(std::string_view id, State state, Severity severity, std::int64_t opened_day) {
  Record r;
  r.id = *ExceptionId::parse(id);
  r.title = std::string("title of ") + std::string(id);
  r.state = state;
  r.severity = severity;
  r.opened = {kT0 + Duration{opened_day * kDay}, kAlice};
  r.due = r.opened.at + Duration{3 * kDay};
  r.owners = {kAlice};
  return r;
}

}  // namespace

TEST_CASE("duration stats give the median (mean of the middle two when even) and the max") {
  CHECK(duration_stats({}) == DurationStats{});
  const auto odd = duration_stats({Duration{5}, Duration{1}, Duration{3}});
  CHECK(odd.count == 3);
  CHECK(odd.median == Duration{3});
  CHECK(odd.max == Duration{5});
  CHECK(duration_stats({Duration{4}, Duration{1}, Duration{2}, Duration{10}}).median == Duration{3});
}

TEST_CASE("the report counts by state (all), severity and owner (open ones), aging and overdue") {
  Record a = make_record("EX-AAAAAAAAAA", State::open, Severity::high, 0);            // age 10d, overdue
  Record b = make_record("EX-BBBBBBBBBB", State::remediating, Severity::critical, 8);  // age 2d, not yet due
  b.owners = {kAlice, kBob, kBob};
  Record c = make_record("EX-CCCCCCCCCC", State::closed, Severity::low, 0);
  c.outcome = Outcome{Resolution::remediated, {kT0 + Duration{4 * kDay}, kBob}, "fixed", std::nullopt};
  c.approvals = {Approval{1, Decision::deny, {kT0 + Duration{2 * kDay}, kBob}, "no"},
                 Approval{2, Decision::approve, {kT0 + Duration{4 * kDay}, kBob}, ""}};
  Record d = make_record("EX-DDDDDDDDDD", State::accepted, Severity::medium, 1);
  d.owners.clear();
  d.outcome = Outcome{Resolution::accepted, {kT0 + Duration{2 * kDay}, kBob}, "window", kT0 + Duration{15 * kDay}};
  d.approvals = {Approval{1, Decision::approve, {kT0 + Duration{2 * kDay}, kBob}, ""}};

  const ReportData data = build_report({a, b, c, d}, Policy{}, kT0 + Duration{10 * kDay});
  CHECK(data.total == 4);
  CHECK(data.open == 3);
  CHECK(data.closed == 1);
  CHECK(data.overdue == 1);  // a; d's SLA stopped at acceptance
  CHECK(data.by_state.at(State::open) == 1);
  CHECK(data.by_state.at(State::closed) == 1);
  CHECK(data.by_severity.count(Severity::low) == 0);
  CHECK(data.by_severity.at(Severity::critical) == 1);
  CHECK(data.by_owner.at("alice@acme.example") == 2);
  CHECK(data.by_owner.at("bob@acme.example") == 1);  // listed twice on b, counted once
  CHECK(data.by_owner.at("unowned") == 1);
  REQUIRE(data.aging.size() == 4);
  CHECK(data.aging[0].count == 1);  // b: 2d
  CHECK(data.aging[1].count == 2);  // a: 10d, d: 9d
  CHECK(data.open_age.max == Duration{10 * kDay});
  CHECK(data.open_age.median == Duration{9 * kDay});
  // Decision: c's first decision (a denial) after 2d, d's after 1d.
  CHECK(data.time_to_decision.count == 2);
  CHECK(data.time_to_decision.max == Duration{2 * kDay});
  CHECK(data.time_to_close.count == 1);
  CHECK(data.time_to_close.median == Duration{4 * kDay});
  REQUIRE(data.accepted.size() == 1);
  CHECK(data.accepted[0].id.str() == "EX-DDDDDDDDDD");
  CHECK(data.accepted[0].expiring_soon);  // 5 days left, window 14d
  CHECK_FALSE(data.accepted[0].expired);
  REQUIRE(data.rows.size() == 4);
  CHECK(data.rows[0].id.str() == "EX-AAAAAAAAAA");  // oldest first, then id
  CHECK(data.rows[1].id.str() == "EX-CCCCCCCCCC");
  CHECK(data.rows[1].age == Duration{4 * kDay});  // closed: age stops at closing
  CHECK(data.rows[0].overdue);
}

TEST_CASE("recurrence groups by identity name with every system seen") {
  Record first = make_record("EX-AAAAAAAAAA", State::closed, Severity::high, 0);
  first.identity = {"service-account", "svc-billing", "gcp/acme-prod"};
  Record again = make_record("EX-BBBBBBBBBB", State::open, Severity::high, 5);
  again.identity = {"service-account", "svc-billing", "aws/acme-prod"};
  again.recurrence_of = {first.id};
  Record third = make_record("EX-CCCCCCCCCC", State::open, Severity::high, 6);
  third.identity = {"service-account", "svc-billing", "gcp/acme-prod"};
  third.recurrence_of = {first.id, again.id};
  Record alone = make_record("EX-DDDDDDDDDD", State::open, Severity::low, 6);
  alone.identity = {"token", "deploy-bot", "github/acme"};

  const ReportData data = build_report({first, again, third, alone}, Policy{}, kT0 + Duration{10 * kDay});
  REQUIRE(data.recurrence.size() == 1);
  CHECK(data.recurrence[0].identity == "service-account:svc-billing");
  CHECK(data.recurrence[0].ids.size() == 3);
  CHECK(data.recurrence[0].systems == std::vector<std::string>{"aws/acme-prod", "gcp/acme-prod"});
  REQUIRE(data.recurrence[0].members.size() == 3);
  CHECK(data.recurrence[0].members[1] == RecurrenceMember{again.id, "aws/acme-prod", State::open});  // oldest first
}

TEST_CASE("one identity (kind and name) on two systems is a recurrence without any stored link") {
  // `open` links only the same kind, name and system (RecurrenceLookup): nothing is stored here.
  Record gcp = make_record("EX-AAAAAAAAAA", State::closed, Severity::high, 0);
  gcp.identity = {"service-account", "svc-billing", "gcp/acme-prod"};
  Record aws = make_record("EX-BBBBBBBBBB", State::open, Severity::high, 5);
  aws.identity = {"service-account", "svc-billing", "aws/acme-prod"};
  Record other_kind = make_record("EX-CCCCCCCCCC", State::open, Severity::high, 6);
  other_kind.identity = {"api-key", "svc-billing", "azure/acme"};  // another kind: another identity
  Record other_case = make_record("EX-DDDDDDDDDD", State::open, Severity::high, 6);
  other_case.identity = {"service-account", "SVC-Billing", "azure/acme"};  // compared as stored
  Record nameless = make_record("EX-EEEEEEEEEE", State::open, Severity::low, 7);
  Record nameless2 = make_record("EX-FFFFFFFFFF", State::open, Severity::low, 7);
  nameless2.identity.system = "gcp/acme-prod";  // no name: never grouped by identity

  const ReportData data =
      build_report({gcp, aws, other_kind, other_case, nameless, nameless2}, Policy{}, kT0 + Duration{10 * kDay});
  REQUIRE(data.recurrence.size() == 1);
  CHECK(data.recurrence[0].identity == "service-account:svc-billing");
  CHECK(data.recurrence[0].ids == std::vector<ExceptionId>{gcp.id, aws.id});
  CHECK(data.recurrence[0].systems == std::vector<std::string>{"aws/acme-prod", "gcp/acme-prod"});
}

TEST_CASE("recurrence links join groups transitively and keep a link to a record no longer in the store") {
  Record a = make_record("EX-AAAAAAAAAA", State::open, Severity::high, 0);
  a.source.fingerprint = "sha256:1";
  Record b = make_record("EX-BBBBBBBBBB", State::open, Severity::high, 1);  // same fingerprint, linked
  b.source.fingerprint = "sha256:1";
  b.recurrence_of = {a.id};
  Record c = make_record("EX-CCCCCCCCCC", State::open, Severity::high, 2);
  c.identity = {"token", "deploy-bot", "github/acme"};
  c.recurrence_of = {*ExceptionId::parse("EX-ZZZZZZZZZZ")};  // deleted from the store since
  Record d = make_record("EX-DDDDDDDDDD", State::open, Severity::high, 3);
  d.identity = {"token", "deploy-bot", "aws/acme"};
  d.recurrence_of = {b.id};  // links the fingerprint group and the identity group

  const ReportData data = build_report({a, b, c, d}, Policy{}, kT0 + Duration{10 * kDay});
  REQUIRE(data.recurrence.size() == 1);
  CHECK(data.recurrence[0].identity == "token:deploy-bot");
  CHECK(data.recurrence[0].ids.size() == 5);
  CHECK(data.recurrence[0].members.size() == 4);
  CHECK(data.recurrence[0].systems == std::vector<std::string>{"aws/acme", "github/acme"});

  const ReportData fp_only = build_report({a, b}, Policy{}, kT0 + Duration{10 * kDay});
  REQUIRE(fp_only.recurrence.size() == 1);
  CHECK(fp_only.recurrence[0].identity == "fingerprint sha256:1");
  CHECK(fp_only.recurrence[0].systems.empty());
}

TEST_CASE("acceptances are counted in force or expired by the rule check uses, and decisions name who, why and until when") {
  const Email kDan = *Email::parse("dan@acme.example");
  const Timestamp at = kT0 + Duration{20 * kDay};
  // In force: accepted after two approvals of round 2 (round 1 was denied).
  Record live = make_record("EX-AAAAAAAAAA", State::accepted, Severity::high, 0);
  live.requests = {Request{1, Resolution::accepted, "first try", kT0 + Duration{30 * kDay}, {"nothing"}, {kT0, kAlice}},
                   Request{2, Resolution::accepted, "vendor migration", kT0 + Duration{40 * kDay},
                           {"session recording", "IP allow-list"}, {kT0 + Duration{kDay}, kAlice}}};
  live.approvals = {Approval{1, Decision::deny, {kT0 + Duration{100}, kBob}, "no"},
                    Approval{2, Decision::approve, {kT0 + Duration{2 * kDay}, kBob}, ""},
                    Approval{2, Decision::approve, {kT0 + Duration{3 * kDay}, kDan}, ""}};
  live.outcome = Outcome{Resolution::accepted, {kT0 + Duration{3 * kDay}, kDan}, "vendor migration", kT0 + Duration{40 * kDay}};
  // Expired at `at`, exactly at its expiry (at or past counts as expired, as in check).
  Record over = make_record("EX-BBBBBBBBBB", State::accepted, Severity::low, 0);
  over.requests = {Request{1, Resolution::accepted, "short", at, {"monitoring"}, {kT0, kAlice}}};
  over.approvals = {Approval{1, Decision::approve, {kT0 + Duration{kDay}, kBob}, ""}};
  over.outcome = Outcome{Resolution::accepted, {kT0 + Duration{kDay}, kBob}, "short", at};
  // Expired with a renewal pending: still expired (a pending renewal never extends the expiry).
  Record renewing = over;
  renewing.id = *ExceptionId::parse("EX-CCCCCCCCCC");
  renewing.state = State::pending_approval;
  // Revoked: closed, no approver, named revoker.
  Record revoked = make_record("EX-DDDDDDDDDD", State::closed, Severity::medium, 0);
  revoked.outcome = Outcome{Resolution::revoked, {kT0 + Duration{5 * kDay}, kAlice}, "access removed", kT0 + Duration{9 * kDay}};
  // Not decided.
  Record open = make_record("EX-EEEEEEEEEE", State::open, Severity::medium, 0);

  const ReportData data = build_report({live, over, renewing, revoked, open}, Policy{}, at);
  CHECK(data.acceptances_in_force == 1);
  CHECK(data.acceptances_expired == 2);
  CHECK(data.accepted.size() == 3);
  const auto findings = find_findings(std::vector<Record>{live, over, renewing, revoked, open}, Policy{}, at);
  CHECK(std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.kind == FindingKind::expired; }) ==
        data.acceptances_expired);

  REQUIRE(data.decisions.size() == 4);
  // Standing acceptances first, soonest expiry first, then the rest newest decision first.
  CHECK(data.decisions[0].id == over.id);
  CHECK(data.decisions[1].id == renewing.id);
  CHECK(data.decisions[2].id == live.id);
  CHECK(data.decisions[3].id == revoked.id);
  const DecisionItem& d = data.decisions[2];
  CHECK(d.resolution == Resolution::accepted);
  CHECK(d.reason == "vendor migration");
  CHECK(d.approvers == std::vector<Stamp>{{kT0 + Duration{2 * kDay}, kBob}, {kT0 + Duration{3 * kDay}, kDan}});
  CHECK(d.controls == std::vector<std::string>{"session recording", "IP allow-list"});
  CHECK(d.expires == kT0 + Duration{40 * kDay});
  CHECK(d.acceptance_standing);
  CHECK_FALSE(d.expired);
  CHECK(data.decisions[0].expired);
  CHECK(data.decisions[1].expired);
  CHECK(data.decisions[1].renewal_pending);
  const DecisionItem& r = data.decisions[3];
  CHECK(r.resolution == Resolution::revoked);
  CHECK(r.reason == "access removed");
  CHECK(r.approvers.empty());
  CHECK(r.decided == Stamp{kT0 + Duration{5 * kDay}, kAlice});
  CHECK_FALSE(r.acceptance_standing);
  CHECK_FALSE(r.expired);

  // Summaries carry no reasons: the caller reads the decided records whole.
  const auto summaries = summarize(std::vector<Record>{live, open});
  CHECK(has_reported_decision(summaries[0]));
  CHECK_FALSE(has_reported_decision(summaries[1]));
  CHECK(build_report(summaries, Policy{}, at).decisions.empty());
  CHECK(report_decision(live, Policy{}, at) == d);
}

TEST_CASE("the expiry rule is shared: at or past the expiry, or none readable, is expired") {
  const Policy policy;
  CHECK(acceptance_expired(std::nullopt, kT0));
  CHECK(acceptance_expired(kT0, kT0));
  CHECK_FALSE(acceptance_expired(kT0 + Duration{1}, kT0));
  CHECK(acceptance_expiring_soon(kT0 + Duration{1}, policy, kT0));
  CHECK_FALSE(acceptance_expiring_soon(kT0, policy, kT0));
  CHECK_FALSE(acceptance_expiring_soon(std::nullopt, policy, kT0));
  CHECK_FALSE(acceptance_expiring_soon(kT0 + policy.expiring_soon + Duration{1}, policy, kT0));
}

TEST_CASE("framework coverage counts records per reference, grouped by family, the three families always listed") {
  Record a = make_record("EX-AAAAAAAAAA", State::open, Severity::high, 0);
  a.frameworks = {"OWASP-NHI:NHI5", "NIST-CSF-2.0:PR.AA-05", "NIST-CSF-2.0:ID.RA-07", "OWASP-NHI:NHI5"};
  Record b = make_record("EX-BBBBBBBBBB", State::open, Severity::high, 0);
  b.frameworks = {"OWASP-NHI:NHI5", "ISO-27001:A.5.15"};

  const ReportData data = build_report({a, b}, Policy{}, kT0);
  REQUIRE(data.frameworks.size() == 4);
  CHECK(data.frameworks[0].family == "OWASP-NHI");
  CHECK(data.frameworks[0].records == 2);
  CHECK(data.frameworks[0].by_id.at("OWASP-NHI:NHI5") == 2);  // cited twice by a, counted once
  CHECK(data.frameworks[1].family == "NIST-CSF-2.0");
  CHECK(data.frameworks[1].records == 1);
  CHECK(data.frameworks[1].by_id.size() == 2);
  CHECK(data.frameworks[2].family == "NIST-SP-800-207");
  CHECK(data.frameworks[2].records == 0);
  CHECK(data.frameworks[3].family == "ISO-27001");
}

TEST_CASE("an empty store gives an empty but complete report") {
  const ReportData data = build_report(std::vector<Record>{}, Policy{}, kT0);
  CHECK(data.total == 0);
  CHECK(data.aging.size() == 4);
  CHECK(data.frameworks.size() == 3);
  CHECK_FALSE(data.open_age.median);
}
