// core/scan and the sighting marks: what an ingest run opens, skips and marks, and the rules on
// marking a finding not seen or seen again.

#include <doctest/doctest.h>

#include <functional>

#include "docket/core/error.hpp"
#include "docket/core/lifecycle.hpp"
#include "docket/core/scan.hpp"
#include "docket/core/time.hpp"

using namespace docket;
using namespace docket::core;

namespace {

const Email kCi = *Email::parse("ci@acme.example");
const Email kOutsider = *Email::parse("eve@evil.example");
const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");

Policy policy_with_reporter() {
  Policy p;
  p.members = {Member{kCi, "CI", {Role::reporter}}};
  return p;
}

Record record(const char* id, const char* tool, const char* fingerprint, State state = State::open) {
  Record r;
  r.id = *ExceptionId::parse(id);
  r.title = "t";
  r.state = state;
  r.opened = {kT0, kCi};
  r.source = Source{tool, "rule", fingerprint, "a.py:1"};
  return r;
}

ScanFinding finding(const char* tool, const char* fingerprint) {
  ScanFinding f;
  f.tool = tool;
  f.rule = "rule";
  f.fingerprint = fingerprint;
  return f;
}

ScanReport report_of(std::vector<ScanFinding> findings, std::set<std::string> tools, std::set<std::string> complete) {
  ScanReport r;
  r.findings = std::move(findings);
  r.tools = std::move(tools);
  r.complete_tools = std::move(complete);
  return r;
}

}  // namespace

TEST_CASE("plan: new fingerprints open, known ones are skipped, missing ones of the same tool are marked") {
  const std::vector<Record> records{record("EX-0000000001", "gitleaks", "sha256:a"),
                                    record("EX-0000000002", "gitleaks", "sha256:b"),
                                    record("EX-0000000003", "trivy", "sha256:c")};
  const auto plan = plan_ingest(records, report_of({finding("gitleaks", "sha256:a"), finding("gitleaks", "sha256:new")},
                                                   {"gitleaks"}, {"gitleaks"}));
  CHECK(plan.to_open == std::vector<std::size_t>{1});
  CHECK(plan.known == std::vector<ExceptionId>{records[0].id});
  CHECK(plan.not_seen == std::vector<ExceptionId>{records[1].id});  // trivy's record is not gitleaks' business
  CHECK(plan.seen_again.empty());
}

TEST_CASE("plan: the same scan again changes nothing") {
  const std::vector<Record> records{record("EX-0000000001", "gitleaks", "sha256:a")};
  const auto plan = plan_ingest(records, report_of({finding("gitleaks", "sha256:a")}, {"gitleaks"}, {"gitleaks"}));
  CHECK(plan.changes_nothing());
  CHECK(plan.known.size() == 1);
}

TEST_CASE("plan: an incomplete run marks nothing; an already marked record is not marked twice") {
  Record marked = record("EX-0000000002", "gitleaks", "sha256:b");
  marked.source.missing_since = kT0;
  const std::vector<Record> records{record("EX-0000000001", "gitleaks", "sha256:a"), marked};
  CHECK(plan_ingest(records, report_of({}, {"gitleaks"}, {})).changes_nothing());
  const auto plan = plan_ingest(records, report_of({}, {"gitleaks"}, {"gitleaks"}));
  CHECK(plan.not_seen == std::vector<ExceptionId>{records[0].id});
}

TEST_CASE("plan: a marked finding reported again is seen again") {
  Record marked = record("EX-0000000002", "gitleaks", "sha256:b");
  marked.source.missing_since = kT0;
  const auto plan = plan_ingest({marked}, report_of({finding("gitleaks", "sha256:b")}, {"gitleaks"}, {"gitleaks"}));
  CHECK(plan.seen_again == std::vector<ExceptionId>{marked.id});
  CHECK(plan.to_open.empty());
}

TEST_CASE("plan: closed exceptions are never touched; their finding seen again opens a new one") {
  const std::vector<Record> records{record("EX-0000000001", "gitleaks", "sha256:a", State::closed),
                                    record("EX-0000000002", "gitleaks", "sha256:b", State::closed)};
  const auto plan = plan_ingest(records, report_of({finding("gitleaks", "sha256:a")}, {"gitleaks"}, {"gitleaks"}));
  CHECK(plan.to_open == std::vector<std::size_t>{0});
  CHECK(plan.not_seen.empty());
}

TEST_CASE("plan: an exception opened under a finding's former identity is that finding, once") {
  Record marked = record("EX-0000000002", "trufflehog", "sha256:old-b");
  marked.source.missing_since = kT0;
  const std::vector<Record> records{record("EX-0000000001", "trufflehog", "sha256:old-a"), marked};
  ScanFinding a = finding("trufflehog", "sha256:new-a");
  a.former_fingerprints = {"sha256:old-a"};
  ScanFinding b = finding("trufflehog", "sha256:new-b");
  b.former_fingerprints = {"sha256:old-b"};
  // A former identity that was coarser than today's: two findings had it; the second opens.
  ScanFinding a2 = finding("trufflehog", "sha256:new-a2");
  a2.former_fingerprints = {"sha256:old-a"};
  const auto plan = plan_ingest(records, report_of({a, b, a2}, {"trufflehog"}, {"trufflehog"}));
  CHECK(plan.to_open == std::vector<std::size_t>{2});
  CHECK(plan.known == std::vector<ExceptionId>{*ExceptionId::parse("EX-0000000001"), *ExceptionId::parse("EX-0000000002")});
  // Both are given today's identity (which clears the mark too); neither is also seen again.
  CHECK(plan.reidentify == std::vector<std::pair<ExceptionId, std::size_t>>{{*ExceptionId::parse("EX-0000000001"), 0},
                                                                           {*ExceptionId::parse("EX-0000000002"), 1}});
  CHECK(plan.seen_again.empty());
  CHECK(plan.not_seen.empty());  // matched under the former identity: not gone
  CHECK_FALSE(plan.changes_nothing());
}

TEST_CASE("plan: a finding the report lists as dismissed or archived is not marked not seen") {
  const std::vector<Record> records{record("EX-0000000001", "gh", "sha256:dismissed"), record("EX-0000000002", "gh", "sha256:gone")};
  ScanReport report = report_of({}, {"gh"}, {"gh"});
  report.suppressed_fingerprints = {"sha256:dismissed"};
  const auto plan = plan_ingest(records, report);
  CHECK(plan.not_seen == std::vector<ExceptionId>{*ExceptionId::parse("EX-0000000002")});
}

TEST_CASE("reidentify gives a finding's exception today's identity, and only that") {
  Record r = record("EX-0000000001", "semgrep", "sha256:old");
  r.source.missing_since = kT0;
  const Context ctx{kCi, kT0 + Duration{60}, policy_with_reporter()};
  const std::string now_id = "sha256:" + std::string(64, 'a');
  const Record after = apply(r, Reidentify{now_id, "src/a.py:3", "reported again"}, ctx);
  CHECK(after.source.fingerprint == now_id);
  CHECK(after.source.location == "src/a.py:3");
  CHECK(after.source.tool == "semgrep");
  CHECK(after.source.rule == "rule");
  CHECK_FALSE(after.source.missing_since);
  CHECK(after.state == r.state);
  REQUIRE_FALSE(after.events.empty());
  CHECK(after.events.back().action == "reidentify");
  // Refused: the same identity again, something that is not a digest, a closed record, an outsider.
  CHECK_THROWS_AS((void)apply(after, Reidentify{now_id, "", ""}, ctx), RuleViolation);
  CHECK_THROWS_AS((void)apply(r, Reidentify{"sha256:nothex", "", ""}, ctx), RuleViolation);
  CHECK_THROWS_AS((void)apply(record("EX-0000000002", "semgrep", "sha256:o", State::closed), Reidentify{now_id, "", ""}, ctx), RuleViolation);
  CHECK_THROWS_AS((void)apply(record("EX-0000000003", "semgrep", ""), Reidentify{now_id, "", ""}, ctx), RuleViolation);
  const Context outsider{kOutsider, kT0, policy_with_reporter()};
  CHECK_THROWS_AS((void)apply(r, Reidentify{now_id, "", ""}, outsider), RuleViolation);
}

TEST_CASE("merge_reports: duplicates across files, completeness needs every run complete") {
  ScanReport all;
  merge_reports(all, report_of({finding("gitleaks", "sha256:a")}, {"gitleaks"}, {"gitleaks"}));
  merge_reports(all, report_of({finding("gitleaks", "sha256:a"), finding("trivy", "sha256:t")}, {"gitleaks", "trivy"},
                               {"trivy"}));
  CHECK(all.findings.size() == 2);
  CHECK(all.duplicates == 1);
  CHECK(all.tools == std::set<std::string>{"gitleaks", "trivy"});
  CHECK(all.complete_tools == std::set<std::string>{"trivy"});
}

TEST_CASE("marking not seen sets missing_since and an event, never the state") {
  const Policy policy = policy_with_reporter();
  const Context ctx{kCi, kT0 + Duration{3600}, policy};
  const Record before = record("EX-0000000001", "gitleaks", "sha256:a", State::remediating);
  const Record after = apply(before, MarkNotSeen{"not reported by a complete gitleaks scan"}, ctx);
  CHECK(after.state == State::remediating);
  CHECK(after.source.missing_since == ctx.now);
  REQUIRE(after.events.size() == 1);
  CHECK(after.events[0].action == "not-seen");
  CHECK(after.events[0].detail == "not reported by a complete gitleaks scan");

  const Record again = apply(after, MarkSeen{"reported again"}, ctx);
  CHECK_FALSE(again.source.missing_since.has_value());
  CHECK(again.events.back().action == "seen-again");
}

TEST_CASE("sighting marks are refused when they would change nothing, on closed records, or for outsiders") {
  const Policy policy = policy_with_reporter();
  const Context ctx{kCi, kT0, policy};
  Record marked = record("EX-0000000001", "gitleaks", "sha256:a");
  marked.source.missing_since = kT0;
  const auto refused_by = [](const std::function<void()>& run) {
    try {
      run();
    } catch (const RuleViolation& v) {
      return v.rule();
    }
    return std::string("allowed");
  };
  CHECK(refused_by([&] { (void)apply(marked, MarkNotSeen{""}, ctx); }) == "sighting-change");
  CHECK(refused_by([&] { (void)apply(record("EX-0000000002", "t", "sha256:b"), MarkSeen{""}, ctx); }) == "sighting-change");
  CHECK(refused_by([&] { (void)apply(record("EX-0000000003", "t", ""), MarkNotSeen{""}, ctx); }) == "sighting-change");
  CHECK(refused_by([&] { (void)apply(record("EX-0000000004", "t", "sha256:c", State::closed), MarkNotSeen{""}, ctx); }) ==
        "closed-is-final");
  CHECK(refused_by([&] { (void)apply(record("EX-0000000005", "t", "sha256:d"), MarkNotSeen{""}, Context{kOutsider, kT0, policy}); }) ==
        "member-required");
}

TEST_CASE("open clears missing_since: a finding being opened was just seen") {
  const Policy policy = policy_with_reporter();
  OpenCommand cmd;
  cmd.id = *ExceptionId::parse("EX-0000000009");
  cmd.title = "gitleaks: aws in a.py:1";
  cmd.source = Source{"gitleaks", "aws", "sha256:a", "a.py:1", kT0};
  CHECK_FALSE(open_record(cmd, Context{kCi, kT0, policy}).source.missing_since.has_value());
}
