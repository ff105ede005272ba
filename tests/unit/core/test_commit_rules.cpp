// core/commit_rules and core/time's range: what a commit's own stamps may say.

#include <doctest/doctest.h>

#include "docket/core/commit_rules.hpp"
#include "docket/core/lifecycle.hpp"
#include "docket/core/time.hpp"
#include "rule_checks.hpp"

using namespace docket;
using namespace docket::core;

namespace {
constexpr Timestamp kNow{1795428000};  // 2026-11-23T10:00:00Z
constexpr Duration kSkew{300};
}  // namespace

TEST_CASE("a commit may not be earlier than a parent, and may equal it") {
  CHECK_NOTHROW(check_commit_time(kNow, {kNow}, kNow, kSkew));
  CHECK_NOTHROW(check_commit_time(kNow, {Timestamp{kNow.seconds - 10}, kNow}, kNow, kSkew));
  CHECK_REFUSED_BY(check_commit_time(Timestamp{kNow.seconds - 1}, {kNow}, kNow, kSkew), kTimeOrderRule);
  // Any parent of a merge counts.
  CHECK_REFUSED_BY(check_commit_time(kNow, {Timestamp{kNow.seconds - 99}, Timestamp{kNow.seconds + 1}}, Timestamp{kNow.seconds + 60}, kSkew),
                   kTimeOrderRule);
}

TEST_CASE("a commit may run ahead of the verifier's clock by the skew, not more") {
  CHECK_NOTHROW(check_commit_time(Timestamp{kNow.seconds + 300}, {}, kNow, kSkew));
  CHECK_REFUSED_BY(check_commit_time(Timestamp{kNow.seconds + 301}, {}, kNow, kSkew), kTimeFutureRule);
  CHECK_REFUSED_BY(check_commit_time(Timestamp{kNow.seconds + 1}, {}, kNow, Duration{0}), kTimeFutureRule);
  // A clock at the end of time does not overflow.
  CHECK_NOTHROW(check_commit_time(kLatestTime, {}, kLatestTime, kLongestPolicyDuration));
}

TEST_CASE("a commit outside 1970..9999 is refused as time-range") {
  CHECK_REFUSED_BY(check_commit_time(Timestamp{kLatestTime.seconds + 1}, {}, Timestamp{kLatestTime.seconds + 1}, kSkew), kTimeRangeRule);
  CHECK_REFUSED_BY(check_commit_time(Timestamp{-1}, {}, kNow, kSkew), kTimeRangeRule);
  CHECK_NOTHROW(check_commit_time(kEarliestTime, {}, kNow, kSkew));
}

TEST_CASE("author and committer must be the same person at the same time") {
  const CommitIdentity carol{"Carol", "carol@acme.example", kNow, 60, "Carol <carol@acme.example> 1795428000 +0100"};
  CHECK_NOTHROW(check_author_is_committer(carol, carol));
  CommitIdentity other = carol;
  other.email = "bob@acme.example";
  CHECK_REFUSED_BY(check_author_is_committer(other, carol), kAuthorIsCommitterRule);
  other = carol;
  other.name = "Bob";
  CHECK_REFUSED_BY(check_author_is_committer(other, carol), kAuthorIsCommitterRule);
  other = carol;
  other.time = Timestamp{kNow.seconds - 3600};
  CHECK_REFUSED_BY(check_author_is_committer(other, carol), kAuthorIsCommitterRule);
  other = carol;
  other.offset_minutes = 0;
  CHECK_REFUSED_BY(check_author_is_committer(other, carol), kAuthorIsCommitterRule);
  // An offset the parser normalised still differs in the stored text.
  other = carol;
  other.text = "Carol <carol@acme.example> 1795428000 +9999";
  CHECK_REFUSED_BY(check_author_is_committer(other, carol), kAuthorIsCommitterRule);
  try {
    other = carol;
    other.time = Timestamp{kNow.seconds - 3600};
    check_author_is_committer(other, carol);
  } catch (const RuleViolation& e) {
    CHECK(std::string(e.what()).find("author date") != std::string::npos);
  }
}

TEST_CASE("time arithmetic stays inside the range docket can write") {
  CHECK(in_time_range(kEarliestTime));
  CHECK(in_time_range(kLatestTime));
  CHECK_FALSE(in_time_range(Timestamp{kLatestTime.seconds + 1}));
  CHECK_FALSE(in_time_range(Timestamp{-1}));
  CHECK(format_rfc3339(kLatestTime) == "9999-12-31T23:59:59Z");
  CHECK(add_in_range(kNow, Duration{86400}, "x") == Timestamp{kNow.seconds + 86400});
  CHECK(add_in_range(Timestamp{kLatestTime.seconds - 10}, Duration{10}, "x") == kLatestTime);
  CHECK_REFUSED_BY(add_in_range(Timestamp{kLatestTime.seconds - 10}, Duration{11}, "the SLA due date"), kTimeRangeRule);
  CHECK(add_clamped(Timestamp{kLatestTime.seconds - 10}, Duration{1000}) == kLatestTime);
  CHECK(add_clamped(kNow, Duration{5}) == Timestamp{kNow.seconds + 5});
  // The longest policy duration from the latest sensible clock does not overflow int64.
  CHECK(add_clamped(kLatestTime, kLongestPolicyDuration) == kLatestTime);
}

TEST_CASE("commands are refused with a clock that would write an unreadable time") {
  Policy policy;
  policy.members.push_back(Member{*Email::parse("alice@acme.example"), "Alice", {Role::admin, Role::responder}});
  OpenCommand cmd;
  cmd.id = *ExceptionId::parse("EX-0000000001");
  cmd.title = "far in the future";
  cmd.severity = Severity::low;
  const Email alice = *Email::parse("alice@acme.example");
  // The low SLA (30d) from 9999-12-30 would land in the year 10000.
  CHECK_REFUSED_BY(open_record(cmd, Context{alice, Timestamp{kLatestTime.seconds - 86400}, policy}), kTimeRangeRule);
  CHECK_REFUSED_BY(open_record(cmd, Context{alice, Timestamp{kLatestTime.seconds + 1}, policy}), kTimeRangeRule);
  CHECK_NOTHROW(open_record(cmd, Context{alice, kNow, policy}));
}
