// core/exception_filter: which records `list`, `report` and `check` select, and list's orders.

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "docket/core/exception_filter.hpp"
#include "docket/core/findings.hpp"
#include "docket/core/time.hpp"

using namespace docket;
using namespace docket::core;

namespace {

constexpr std::int64_t kDay = 86400;
const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");
const Email kAlice = *Email::parse("alice@acme.example");
const Email kBob = *Email::parse("bob@acme.example");

Record make_record(std::string_view id, State state) {
  Record r;
  r.id = *ExceptionId::parse(id);
  r.title = "svc-billing holds roles/owner";
  r.template_name = "generic";
  r.state = state;
  r.severity = Severity::high;
  r.identity = {"service-account", "svc-billing", "gcp/prod"};
  r.owners = {kAlice};
  r.opened = {kT0, kAlice};
  r.due = kT0 + Duration{3 * kDay};
  r.source.tool = "gitleaks";
  return r;
}

Record accepted_until(std::string_view id, std::optional<Timestamp> expires) {
  Record r = make_record(id, State::accepted);
  r.outcome = Outcome{Resolution::accepted, {kT0 + Duration{kDay}, kAlice}, "window", expires};
  return r;
}

bool keeps(const ExceptionFilter& f, const Record& r, Timestamp at = kT0) { return matches(f, r, at); }

}  // namespace

TEST_CASE("an empty filter keeps every record and needs no summary") {
  const ExceptionFilter f;
  CHECK(is_empty(f));
  CHECK_FALSE(needs_summary(f));
  CHECK(keeps(f, make_record("EX-AAAAAAAAAA", State::closed)));
}

TEST_CASE("states and severities: any of the values given, both criteria at once") {
  const Record r = make_record("EX-AAAAAAAAAA", State::triaged);
  ExceptionFilter f;
  f.states = {State::open, State::triaged};
  CHECK(keeps(f, r));
  f.severities = {Severity::critical};
  CHECK_FALSE(keeps(f, r));  // AND between criteria
  f.severities.push_back(Severity::high);
  CHECK(keeps(f, r));  // OR within one
  f.states = {State::closed};
  CHECK_FALSE(keeps(f, r));
  CHECK_FALSE(needs_summary(f));
}

TEST_CASE("owner, assignee and mine compare e-mails ignoring ASCII case") {
  Record r = make_record("EX-AAAAAAAAAA", State::open);
  ExceptionFilter f;
  f.owner = *Email::parse("Alice@ACME.example");
  CHECK(keeps(f, r));
  CHECK(needs_summary(f));
  f.owner = kBob;
  CHECK_FALSE(keeps(f, r));

  ExceptionFilter a;
  a.assignee = kBob;
  CHECK_FALSE(needs_summary(a));  // the table holds the assignee
  CHECK_FALSE(keeps(a, r));
  r.assignee = *Email::parse("BOB@acme.example");
  CHECK(keeps(a, r));

  ExceptionFilter mine;
  mine.mine = kBob;  // the assignee, not an owner
  CHECK(keeps(mine, r));
  mine.mine = kAlice;  // an owner, not the assignee
  CHECK(keeps(mine, r));
  mine.mine = *Email::parse("carol@acme.example");
  CHECK_FALSE(keeps(mine, r));
}

TEST_CASE("template, identity (kind and name), system and tool match exactly") {
  const Record r = make_record("EX-AAAAAAAAAA", State::open);
  ExceptionFilter f;
  f.template_name = "generic";
  f.identity = Identity{"service-account", "svc-billing", ""};  // the system is its own criterion
  f.system = "gcp/prod";
  f.tool = "gitleaks";
  CHECK(keeps(f, r));
  for (auto change : std::vector<std::function<void(ExceptionFilter&)>>{
           [](ExceptionFilter& x) { x.template_name = "Generic"; },
           [](ExceptionFilter& x) { x.identity->kind = "api-key"; },
           [](ExceptionFilter& x) { x.identity->name = "svc-billin"; },
           [](ExceptionFilter& x) { x.system = "gcp/pro"; },
           [](ExceptionFilter& x) { x.tool = "trivy"; },
       }) {
    ExceptionFilter g = f;
    change(g);
    CHECK_FALSE(keeps(g, r));
  }
}

TEST_CASE("overdue, expired and expiring are check's sla-breach, expired and expiring-soon") {
  Policy policy;  // expiring_soon 14d
  const Timestamp expiry = kT0 + Duration{30 * kDay};
  const std::vector<Record> records{
      make_record("EX-AAAAAAAAAA", State::investigating),      // due kT0+3d
      make_record("EX-BBBBBBBBBB", State::closed),             // never overdue
      accepted_until("EX-CCCCCCCCCC", expiry),                 // SLA no longer runs
      accepted_until("EX-DDDDDDDDDD", std::nullopt),           // fail-closed: expired
      accepted_until("EX-EEEEEEEEEE", kT0 + Duration{60 * kDay}),
  };
  ExceptionFilter overdue, expired, expiring;
  overdue.overdue = true;
  expired.expired = true;
  expiring.expiring = policy.expiring_soon;
  for (const std::int64_t days : {0, 5, 20, 29, 30, 31, 59, 61}) {
    const Timestamp at = kT0 + Duration{days * kDay};
    const auto findings = find_findings(records, policy, at);
    for (const Record& r : records) {
      const auto has = [&](FindingKind kind) {
        return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == r.id && f.kind == kind; });
      };
      CAPTURE(days);
      CAPTURE(r.id.str());
      CHECK(keeps(overdue, r, at) == has(FindingKind::sla_breach));
      CHECK(keeps(expired, r, at) == has(FindingKind::expired));
      CHECK(keeps(expiring, r, at) == has(FindingKind::expiring_soon));
      // The table's fields judge them the same way.
      CHECK(matches_row(overdue, filter_row(summarize(r)), at) == has(FindingKind::sla_breach));
    }
  }
  // A longer window than the policy's reaches further.
  ExceptionFilter wide;
  wide.expiring = Duration{40 * kDay};
  CHECK(keeps(wide, records[2], kT0));
  CHECK_FALSE(keeps(expiring, records[2], kT0));
}

TEST_CASE("grep: title, identity or comments, ignoring ASCII case") {
  Record r = make_record("EX-AAAAAAAAAA", State::open);
  ExceptionFilter f;
  f.grep = "ROLES/owner";
  CHECK(needs_summary(f));
  CHECK(matches(f, summarize(r), kT0) == FilterMatch::yes);
  f.grep = "GCP/";  // the identity's system
  CHECK(matches(f, summarize(r), kT0) == FilterMatch::yes);
  f.grep = "rotated";
  CHECK(matches(f, summarize(r), kT0) == FilterMatch::if_comments_match);
  CHECK_FALSE(keeps(f, r));
  r.comments.push_back({{kT0, kBob}, "Key ROTATED on Monday"});
  CHECK(comments_match(f, r.comments));
  CHECK(keeps(f, r));
  f.severities = {Severity::low};  // other criteria still apply
  CHECK(matches(f, summarize(r), kT0) == FilterMatch::no);
  CHECK_FALSE(keeps(f, r));

  CHECK(contains_ignoring_case("Ünïcode Title", "ünïcode TITLE") == false);  // non-ASCII bytes compare exactly
  CHECK(contains_ignoring_case("Ünïcode Title", "Ünïcode TITLE"));
  CHECK_FALSE(contains_ignoring_case("ÜNÏCODE", "ünïcode"));
  CHECK(contains_ignoring_case("abc", ""));
}

TEST_CASE("list sorts: due soonest first and none last, severity, state; ties by opening time then id") {
  CHECK(list_sort_names() == "due, opened, severity, state");
  for (const auto sort : kListSorts) CHECK(parse_list_sort(to_string(sort)) == sort);
  CHECK_FALSE(parse_list_sort("title"));

  const Timestamp t1 = kT0 + Duration{kDay};
  SortFields a{kT0, "EX-BBBBBBBBBB", t1, Severity::low, State::closed};
  SortFields b{kT0, "EX-AAAAAAAAAA", std::nullopt, Severity::critical, State::open};
  SortFields c{t1, "EX-CCCCCCCCCC", kT0, Severity::low, State::open};
  CHECK(sorts_before(ListSort::opened, b, a));  // same time: by id
  CHECK(sorts_before(ListSort::opened, a, c));
  CHECK(sorts_before(ListSort::due, c, a));
  CHECK(sorts_before(ListSort::due, a, b));  // none last
  CHECK_FALSE(sorts_before(ListSort::due, b, a));
  CHECK(sorts_before(ListSort::severity, b, a));
  CHECK(sorts_before(ListSort::severity, a, c));  // same severity: opened
  CHECK(sorts_before(ListSort::state, b, c));     // same state: opened
  CHECK(sorts_before(ListSort::state, c, a));
}
