// core/suppressions: which decisions `docket export` writes back to the scanners.

#include <doctest/doctest.h>

#include "docket/core/lifecycle.hpp"
#include "docket/core/suppressions.hpp"
#include "docket/core/time.hpp"

using namespace docket;
using namespace docket::core;

namespace {

constexpr std::int64_t kDay = 86400;
const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");
const Email kAlice = *Email::parse("alice@acme.example");
const Email kBob = *Email::parse("bob@acme.example");
const Email kDan = *Email::parse("dan@acme.example");

Record finding(std::string_view id, State state) {
  Record r;
  r.id = *ExceptionId::parse(id);
  r.title = "secretlint: github in config/app.env:3";
  r.template_name = "leaked-secret";
  r.state = state;
  r.opened = {kT0, kAlice};
  r.source = Source{"secretlint", "github", "sha256:aa", "config/app.env:3"};
  return r;
}

// Accepted in round 1 by bob then dan (the second approval decided it).
Record accepted(std::string_view id, std::optional<Timestamp> expires) {
  Record r = finding(id, State::accepted);
  r.requests.push_back(Request{1, Resolution::accepted, "vendor fix in Q1", expires, {"IP allow-list"}, {kT0, kAlice}});
  r.approvals.push_back(Approval{1, Decision::approve, {kT0 + Duration{60}, kBob}, ""});
  r.approvals.push_back(Approval{1, Decision::approve, {kT0 + Duration{120}, kDan}, ""});
  r.outcome = Outcome{Resolution::accepted, {kT0 + Duration{120}, kDan}, "vendor fix in Q1", expires};
  return r;
}

Record closed_as(std::string_view id, Resolution resolution) {
  Record r = finding(id, State::closed);
  r.requests.push_back(Request{1, resolution, "not a secret: a test fixture", std::nullopt, {}, {kT0, kAlice}});
  r.approvals.push_back(Approval{1, Decision::approve, {kT0 + Duration{60}, kBob}, ""});
  r.outcome = Outcome{resolution, {kT0 + Duration{60}, kBob}, "not a secret: a test fixture", std::nullopt};
  return r;
}

std::vector<std::string> ids(const SuppressionSelection& s) {
  std::vector<std::string> out;
  for (const auto& x : s.suppressions) out.push_back(x.id.str());
  return out;
}

}  // namespace

TEST_CASE("an acceptance in force is exported until its expiry, not at or after it") {
  const Timestamp expiry = kT0 + Duration{30 * kDay};
  const std::vector<Record> records{accepted("EX-AAAAAAAAAA", expiry)};
  const auto now = kT0 + Duration{kDay};
  const auto selection = exported_suppressions(records, now);
  REQUIRE(selection.suppressions.size() == 1);
  const Suppression& s = selection.suppressions.front();
  CHECK(s.id.str() == "EX-AAAAAAAAAA");
  CHECK(s.kind == SuppressionKind::accepted);
  CHECK(s.tool == "secretlint");
  CHECK(s.rule == "github");
  CHECK(s.location == SourceLocation{"config/app.env", 3u});
  CHECK(s.fingerprint == "sha256:aa");
  CHECK(s.template_name == "leaked-secret");
  CHECK(s.reason == "vendor fix in Q1");
  CHECK(s.expires == expiry);
  CHECK(s.approvers == std::vector<Stamp>{{kT0 + Duration{60}, kBob}, {kT0 + Duration{120}, kDan}});

  CHECK(exported_suppressions(records, Timestamp{expiry.seconds - 1}).suppressions.size() == 1);
  CHECK(exported_suppressions(records, expiry).suppressions.empty());  // expires <= now: the scanner flags it again
  CHECK(exported_suppressions(records, expiry + Duration{kDay}).suppressions.empty());
}

TEST_CASE("an acceptance with no readable expiry is never exported (fail-closed, as check counts it expired)") {
  const std::vector<Record> records{accepted("EX-AAAAAAAAAA", std::nullopt)};
  CHECK(exported_suppressions(records, kT0).suppressions.empty());
  CHECK(exported_suppressions(records, kT0).without_source.empty());
}

TEST_CASE("revoked, pending, open and remediated exceptions are not exported; a rejected closure is, with no expiry") {
  // As apply_revoke leaves it: closed, outcome revoked, the expiry kept.
  Record revoked = accepted("EX-BBBBBBBBBB", kT0 + Duration{30 * kDay});
  revoked.state = State::closed;
  revoked.outcome = Outcome{Resolution::revoked, {kT0 + Duration{2 * kDay}, kAlice}, "window over", revoked.outcome->expires};

  Record pending = finding("EX-CCCCCCCCCC", State::pending_approval);
  pending.requests.push_back(Request{1, Resolution::accepted, "r", kT0 + Duration{30 * kDay}, {"c"}, {kT0, kAlice}});
  const Record open = finding("EX-DDDDDDDDDD", State::open);
  const Record remediated = closed_as("EX-EEEEEEEEEE", Resolution::remediated);
  const Record rejected = closed_as("EX-FFFFFFFFFF", Resolution::rejected);

  const auto selection = exported_suppressions({revoked, pending, open, remediated, rejected}, kT0 + Duration{3 * kDay});
  CHECK(ids(selection) == std::vector<std::string>{"EX-FFFFFFFFFF"});
  const Suppression& fp = selection.suppressions.front();
  CHECK(fp.kind == SuppressionKind::false_positive);
  CHECK_FALSE(fp.expires);
  CHECK(fp.reason == "not a secret: a test fixture");
  CHECK(fp.approvers == std::vector<Stamp>{{kT0 + Duration{60}, kBob}});
  // A rejected closure stays exported however late it is.
  CHECK(exported_suppressions({rejected}, kT0 + Duration{3650 * kDay}).suppressions.size() == 1);
}

TEST_CASE("an acceptance with a renewal pending is still in force with its own expiry and its own approvers") {
  const Timestamp expiry = kT0 + Duration{30 * kDay};
  Record r = accepted("EX-AAAAAAAAAA", expiry);
  r.requests.push_back(Request{2, Resolution::accepted, "more time", expiry + Duration{30 * kDay}, {"c"}, {kT0, kAlice}});
  r.approvals.push_back(Approval{2, Decision::approve, {kT0 + Duration{kDay}, kBob}, "renewal, first of two"});
  r.state = State::pending_approval;
  const auto selection = exported_suppressions({r}, kT0 + Duration{2 * kDay});
  REQUIRE(selection.suppressions.size() == 1);
  CHECK(selection.suppressions.front().kind == SuppressionKind::accepted);
  CHECK(selection.suppressions.front().expires == expiry);
  // Round 2's approval has not decided anything yet: the approvers are round 1's.
  CHECK(selection.suppressions.front().approvers ==
        std::vector<Stamp>{{kT0 + Duration{60}, kBob}, {kT0 + Duration{120}, kDan}});
  CHECK(exported_suppressions({r}, expiry).suppressions.empty());
}

TEST_CASE("the approvers are the deciding round's approvals only, never a denial or another round") {
  Record r = accepted("EX-AAAAAAAAAA", kT0 + Duration{30 * kDay});
  // Round 1 was denied once before round 2 was approved.
  r.approvals.insert(r.approvals.begin(), Approval{0, Decision::approve, {kT0, kAlice}, "an earlier round"});
  r.approvals.push_back(Approval{1, Decision::deny, {kT0 + Duration{90}, kAlice}, "no"});
  CHECK(deciding_approvals(r) == std::vector<Stamp>{{kT0 + Duration{60}, kBob}, {kT0 + Duration{120}, kDan}});
  // The deciding request is that round's, even once a renewal round has been asked for.
  r.requests.push_back(Request{2, Resolution::accepted, "renewal", std::nullopt, {"other control"}, {kT0 + Duration{500}, kAlice}});
  REQUIRE(deciding_request(r) != nullptr);
  CHECK(deciding_request(r)->round == 1);
  r.outcome->decided = {kT0 + Duration{999}, kAlice};  // decided by no approval (a revocation, say)
  CHECK(deciding_approvals(r).empty());
  CHECK(deciding_request(r) == nullptr);
  r.outcome.reset();
  CHECK(deciding_approvals(r).empty());
  CHECK(deciding_request(r) == nullptr);
}

TEST_CASE("records without a scanner source are named, not exported; --tool filters by source.tool") {
  Record manual = accepted("EX-GGGGGGGGGG", kT0 + Duration{30 * kDay});
  manual.source = Source{"", "", "sha256:bb", ""};  // opened by hand with --fingerprint
  Record gitleaks = accepted("EX-HHHHHHHHHH", kT0 + Duration{30 * kDay});
  gitleaks.source = Source{"gitleaks", "aws-access-token", "sha256:cc", "src/main.go:7"};
  gitleaks.source.tool_fingerprint = "0123abcd:src/main.go:aws-access-token:7";
  const Record secretlint = accepted("EX-AAAAAAAAAA", kT0 + Duration{30 * kDay});
  const Record not_decided = finding("EX-JJJJJJJJJJ", State::open);
  const std::vector<Record> records{manual, gitleaks, secretlint, not_decided};

  const auto all = exported_suppressions(records, kT0);
  CHECK(ids(all) == std::vector<std::string>{"EX-HHHHHHHHHH", "EX-AAAAAAAAAA"});
  REQUIRE(all.without_source.size() == 1);
  CHECK(all.without_source.front().str() == "EX-GGGGGGGGGG");
  CHECK(all.suppressions.front().tool_fingerprint == "0123abcd:src/main.go:aws-access-token:7");

  const auto only_gitleaks = exported_suppressions(records, kT0, "gitleaks");
  CHECK(ids(only_gitleaks) == std::vector<std::string>{"EX-HHHHHHHHHH"});
  CHECK(only_gitleaks.without_source.size() == 1);  // still named: it matches no tool
  CHECK(exported_suppressions(records, kT0, "GitLeaks").suppressions.empty());  // exact: callers lower-case
}

TEST_CASE("summaries and records agree on what suppresses") {
  const Timestamp expiry = kT0 + Duration{30 * kDay};
  Record revoked = accepted("EX-BBBBBBBBBB", expiry);
  revoked.state = State::closed;
  revoked.outcome->resolution = Resolution::revoked;
  const std::vector<Record> records{accepted("EX-AAAAAAAAAA", expiry), accepted("EX-CCCCCCCCCC", std::nullopt),
                                    closed_as("EX-DDDDDDDDDD", Resolution::rejected),
                                    closed_as("EX-EEEEEEEEEE", Resolution::remediated), revoked,
                                    finding("EX-FFFFFFFFFF", State::pending_approval)};
  for (const Timestamp at : {kT0, expiry, expiry + Duration{1}})
    for (const Record& r : records) CHECK(suppresses(summarize(r), at) == suppresses(r, at));
}

TEST_CASE("a location splits into path and line only when it ends in a line number") {
  CHECK(split_location("config/app.env:3") == SourceLocation{"config/app.env", 3u});
  CHECK(split_location("config/app.env") == SourceLocation{"config/app.env", std::nullopt});
  CHECK(split_location("") == SourceLocation{"", std::nullopt});
  // Locations that name no file of the scanned tree are never exported as paths.
  for (const char* not_a_file : {"[changed] line", "[withheld: looks like a secret, GitHub token]", "ns::*::f",
                                 "arn:aws:iam::111122223333:role/R1", "https://github.com/o/r/keys:4"})
    CHECK(split_location(not_a_file) == SourceLocation{"", std::nullopt});
  CHECK(split_location("C:\\src\\a.js:12") == SourceLocation{"C:\\src\\a.js", 12u});
  CHECK(split_location("a.txt:0") == SourceLocation{"a.txt", std::nullopt});
  CHECK(split_location("a.txt:2147483647") == SourceLocation{"a.txt", 2147483647u});
  CHECK(split_location("a.txt:2147483648") == SourceLocation{"a.txt:2147483648", std::nullopt});
  CHECK(split_location("a.txt:99999999999") == SourceLocation{"a.txt:99999999999", std::nullopt});
  CHECK(split_location("a.txt:") == SourceLocation{"a.txt:", std::nullopt});
  CHECK(split_location(":7") == SourceLocation{":7", std::nullopt});
  CHECK(split_location("a.txt:1x") == SourceLocation{"a.txt:1x", std::nullopt});
}

TEST_CASE("suppression kinds have one name each") {
  CHECK(to_string(SuppressionKind::accepted) == "accepted");
  CHECK(to_string(SuppressionKind::false_positive) == "false-positive");
}
