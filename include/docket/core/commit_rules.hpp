#pragma once
// Rules about a commit itself rather than the records it changes: who stamped it and when.
// Shared by the CLI (which refuses to write such a commit), `sync` (which refuses to take one
// in) and `verify` (which reports it). Pure: the times and names are given, nothing is read.
//
// Commit time decides expiry, maximum durations, SLAs, key validity windows and merge order, so
// it may not be chosen freely (docs/verify.md, "Time"):
//   - never earlier than any parent's committer time (git's own commit dates are free text, so
//     this is docket's rule, in the spirit of gittuf's reference state log ordering);
//   - never later than the verifier's clock plus the policy's `clock_skew`;
//   - within kEarliestTime .. kLatestTime (core/time.hpp).

#include <string>
#include <string_view>
#include <vector>

#include "docket/core/types.hpp"

namespace docket::core {

inline constexpr std::string_view kTimeOrderRule = "time-order";
inline constexpr std::string_view kTimeFutureRule = "time-future";
inline constexpr std::string_view kAuthorIsCommitterRule = "author-is-committer";

// One identity line of a commit (git's `author` / `committer` header): name, e-mail, seconds
// since the epoch and the UTC offset in minutes, as git-commit-tree(1) writes them.
struct CommitIdentity {
  std::string name;
  std::string email;
  Timestamp time;
  int offset_minutes = 0;
  // The header's text after `author ` / `committer ` as stored (`Name <e-mail> 1700000000 +0000`):
  // compared too, since a parser may normalise an offset it cannot read (`+9999`).
  std::string text;
  bool operator==(const CommitIdentity&) const = default;
};

// Throws RuleViolation(kTimeRangeRule) when `commit_time` is outside the range docket reads,
// RuleViolation(kTimeOrderRule) when it is earlier than any of `parent_times`, and
// RuleViolation(kTimeFutureRule) when it is later than `clock + skew`.
void check_commit_time(Timestamp commit_time, const std::vector<Timestamp>& parent_times, Timestamp clock, Duration skew);

// Throws RuleViolation(kAuthorIsCommitterRule) unless author and committer are the same person
// at the same time: name, e-mail, time and offset all equal. docket writes them equal; a
// difference presents one person's signed change as another's, or backdates its authorship.
void check_author_is_committer(const CommitIdentity& author, const CommitIdentity& committer);

}  // namespace docket::core
