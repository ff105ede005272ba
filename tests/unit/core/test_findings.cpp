// core/findings: what `docket check` reports and when it fails the build.

#include <doctest/doctest.h>

#include "docket/core/findings.hpp"
#include "docket/core/time.hpp"

using namespace docket;
using namespace docket::core;

namespace {

constexpr std::int64_t kDay = 86400;
const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");
const Email kAlice = *Email::parse("alice@acme.example");

Record make_record(std::string_view id, State state) {
  Record r;
  r.id = *ExceptionId::parse(id);
  r.title = "t";
  r.state = state;
  r.opened = {kT0, kAlice};
  r.due = kT0 + Duration{3 * kDay};
  return r;
}

Record accepted_until(std::string_view id, std::optional<Timestamp> expires) {
  Record r = make_record(id, State::accepted);
  r.outcome = Outcome{Resolution::accepted, {kT0 + Duration{kDay}, kAlice}, "window", expires};
  return r;
}

Record closed_with_review(std::string_view id, Timestamp review_due, bool reviewed) {
  Record r = make_record(id, State::closed);
  r.outcome = Outcome{Resolution::remediated, {kT0 + Duration{kDay}, kAlice}, "fixed", std::nullopt};
  r.review.due = review_due;
  if (reviewed) r.review.done = Stamp{review_due, kAlice};
  return r;
}

}  // namespace

TEST_CASE("finding kinds have one name each, the ones fail_on uses") {
  CHECK(to_string(FindingKind::expired) == "expired");
  CHECK(to_string(FindingKind::sla_breach) == "sla-breach");
  CHECK(to_string(FindingKind::review_overdue) == "review-overdue");
  CHECK(to_string(FindingKind::expiring_soon) == "expiring-soon");
  for (const auto kind : kFindingKinds) CHECK(parse_finding_kind(to_string(kind)) == kind);
  CHECK_FALSE(parse_finding_kind("sla_breach"));
  CHECK(finding_kind_names() == "expired, sla-breach, review-overdue, expiring-soon");
  // The policy's default fail_on names only known kinds.
  for (const auto& name : Policy{}.fail_on) CHECK(parse_finding_kind(name));
}

TEST_CASE("an acceptance past its expiry is expired; before it, expiring soon within the policy's window") {
  Policy policy;  // expiring_soon 14d
  const Timestamp expiry = kT0 + Duration{30 * kDay};
  const std::vector<Record> records{accepted_until("EX-AAAAAAAAAA", expiry)};

  CHECK(find_findings(records, policy, kT0).empty());  // 30 days out: nothing to say

  auto soon = find_findings(records, policy, expiry + Duration{-10 * kDay});
  REQUIRE(soon.size() == 1);
  CHECK(soon[0].kind == FindingKind::expiring_soon);
  CHECK(soon[0].at == expiry);
  CHECK(soon[0].detail.find("in 10d") != std::string::npos);

  for (const Timestamp at : {expiry, expiry + Duration{3 * kDay}}) {
    auto expired = find_findings(records, policy, at);
    REQUIRE(expired.size() == 1);
    CHECK(expired[0].kind == FindingKind::expired);
    CHECK(expired[0].id.str() == "EX-AAAAAAAAAA");
  }
  CHECK(find_findings(records, policy, expiry + Duration{3 * kDay})[0].detail.find("3d ago") != std::string::npos);
}

TEST_CASE("fail-closed: an accepted record with no readable expiry counts as expired") {
  Record no_expiry = accepted_until("EX-AAAAAAAAAA", std::nullopt);
  Record no_outcome = make_record("EX-BBBBBBBBBB", State::accepted);
  const auto findings = find_findings({no_expiry, no_outcome}, Policy{}, kT0);
  REQUIRE(findings.size() == 2);
  for (const auto& f : findings) {
    CHECK(f.kind == FindingKind::expired);
    CHECK_FALSE(f.at);
  }
}

TEST_CASE("an acceptance whose renewal waits for approval still expires when it did") {
  Record r = accepted_until("EX-AAAAAAAAAA", kT0 + Duration{5 * kDay});
  r.state = State::pending_approval;  // renewal requested
  const auto findings = find_findings({r}, Policy{}, kT0 + Duration{6 * kDay});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].kind == FindingKind::expired);  // not an SLA breach: the acceptance is what matters
}

TEST_CASE("a revoked acceptance is closed and no longer reported as expired") {
  Record r = accepted_until("EX-AAAAAAAAAA", kT0 + Duration{5 * kDay});
  r.state = State::closed;
  r.outcome->resolution = Resolution::revoked;
  r.review.due = kT0 + Duration{100 * kDay};
  CHECK(find_findings({r}, Policy{}, kT0 + Duration{6 * kDay}).empty());
}

TEST_CASE("an SLA breach is an exception neither closed nor accepted past its due time") {
  const Timestamp after_due = kT0 + Duration{4 * kDay};
  for (const State s : {State::open, State::triaged, State::investigating, State::remediating, State::pending_approval}) {
    const auto findings = find_findings({make_record("EX-AAAAAAAAAA", s)}, Policy{}, after_due);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].kind == FindingKind::sla_breach);
    CHECK(findings[0].at == kT0 + Duration{3 * kDay});
  }
  CHECK(find_findings({make_record("EX-AAAAAAAAAA", State::open)}, Policy{}, kT0 + Duration{3 * kDay}).empty());
  Record no_due = make_record("EX-AAAAAAAAAA", State::open);
  no_due.due.reset();
  CHECK(find_findings({no_due}, Policy{}, after_due).empty());
  // Closed records are past their SLA by design: only their review matters.
  CHECK(find_findings({closed_with_review("EX-AAAAAAAAAA", kT0 + Duration{90 * kDay}, false)}, Policy{}, after_due).empty());
}

TEST_CASE("a post-closure review is overdue when its due time passed and it was not recorded") {
  const Timestamp review_due = kT0 + Duration{31 * kDay};
  const std::vector<Record> records{closed_with_review("EX-AAAAAAAAAA", review_due, false),
                                    closed_with_review("EX-BBBBBBBBBB", review_due, true)};
  CHECK(find_findings(records, Policy{}, review_due).empty());
  const auto findings = find_findings(records, Policy{}, review_due + Duration{1});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].kind == FindingKind::review_overdue);
  CHECK(findings[0].id.str() == "EX-AAAAAAAAAA");
}

TEST_CASE("findings are ordered by kind, then deadline, then id") {
  const Timestamp at = kT0 + Duration{60 * kDay};
  Record late = make_record("EX-CCCCCCCCCC", State::open);
  Record later = make_record("EX-BBBBBBBBBB", State::open);
  later.due = kT0 + Duration{10 * kDay};
  const std::vector<Record> records{later, late, accepted_until("EX-DDDDDDDDDD", kT0 + Duration{59 * kDay}),
                                    accepted_until("EX-EEEEEEEEEE", at + Duration{kDay}),
                                    closed_with_review("EX-FFFFFFFFFF", kT0 + Duration{40 * kDay}, false)};
  const auto findings = find_findings(records, Policy{}, at);
  std::vector<std::string> order;
  for (const auto& f : findings) order.push_back(std::string(to_string(f.kind)) + " " + f.id.str());
  CHECK(order == std::vector<std::string>{"expired EX-DDDDDDDDDD", "sla-breach EX-CCCCCCCCCC", "sla-breach EX-BBBBBBBBBB",
                                          "review-overdue EX-FFFFFFFFFF", "expiring-soon EX-EEEEEEEEEE"});
}

TEST_CASE("the build fails only on the kinds the policy's fail_on names") {
  Policy policy;
  policy.fail_on = {"expired"};
  const std::vector<Finding> sla{{FindingKind::sla_breach, *ExceptionId::parse("EX-AAAAAAAAAA"), "", std::nullopt}};
  const std::vector<Finding> expired{{FindingKind::expired, *ExceptionId::parse("EX-AAAAAAAAAA"), "", std::nullopt}};
  CHECK_FALSE(fails_build(sla, policy));
  CHECK(fails_build(expired, policy));
  CHECK_FALSE(fails_build(std::vector<Finding>{}, policy));
  policy.fail_on = {"sla-breach", "expiring-soon"};
  CHECK(fails_build(sla, policy));
  policy.fail_on.clear();
  CHECK_FALSE(fails_build(expired, policy));
}

TEST_CASE("an unreadable record fails the build whatever fail_on says") {
  Policy policy;
  policy.fail_on.clear();
  CHECK(fails_build(std::vector<Finding>{}, policy, 1));
  CHECK_FALSE(fails_build(std::vector<Finding>{}, policy, 0));
  policy.fail_on = {"expired"};
  const std::vector<Finding> expired{{FindingKind::expired, *ExceptionId::parse("EX-AAAAAAAAAA"), "", std::nullopt}};
  CHECK(fails_build(expired, policy, 0));
}

TEST_CASE("rough durations keep the largest unit") {
  CHECK(format_rough_duration(Duration{3 * kDay + 5 * 3600}) == "3d");
  CHECK(format_rough_duration(Duration{5 * 3600 + 59 * 60}) == "5h");
  CHECK(format_rough_duration(Duration{12 * 60 + 5}) == "12m");
  CHECK(format_rough_duration(Duration{40}) == "40s");
  CHECK(format_rough_duration(Duration{-2 * kDay}) == "-2d");
}
