#include "docket/core/commit_rules.hpp"

#include "docket/core/error.hpp"
#include "docket/core/time.hpp"

namespace docket::core {

void check_commit_time(Timestamp commit_time, const std::vector<Timestamp>& parent_times, Timestamp clock, Duration skew) {
  if (!in_time_range(commit_time))
    throw RuleViolation(std::string(kTimeRangeRule),
                        "the commit time (" + std::to_string(commit_time.seconds) +
                            " s since 1970) is outside 1970-01-01 .. 9999-12-31, the times docket can read",
                        "the commit was made by hand with a forged date");
  for (const Timestamp parent : parent_times)
    if (commit_time < parent)
      throw RuleViolation(std::string(kTimeOrderRule),
                          "the commit time " + format_rfc3339(commit_time) + " is earlier than its parent's, " +
                              format_rfc3339(parent) + "; history only moves forward in time",
                          "check the clock (the system's, or DOCKET_NOW): it must not be earlier than the store's last commit");
  const Timestamp latest = add_clamped(clock, skew);
  if (commit_time > latest)
    throw RuleViolation(std::string(kTimeFutureRule),
                        "the commit time " + format_rfc3339(commit_time) + " is later than the verifier's clock " +
                            format_rfc3339(clock) + " plus the allowed skew of " + format_duration(skew),
                        "a commit dated in the future would decide expiries and SLAs ahead of time; check the clocks "
                        "of the machine that made it and of this one");
}

void check_author_is_committer(const CommitIdentity& author, const CommitIdentity& committer) {
  if (author == committer) return;
  std::string what;
  if (author.email != committer.email) what = "author " + author.email + " differs from the signing committer " + committer.email;
  else if (author.name != committer.name) what = "author name '" + author.name + "' differs from the committer name '" + committer.name + "'";
  else if (author.time == committer.time && author.offset_minutes == committer.offset_minutes)
    what = "the author line '" + author.text + "' differs from the committer line '" + committer.text + "'";
  else what = "the author date (" + format_rfc3339(author.time) + ", offset " + std::to_string(author.offset_minutes) +
              " min) differs from the commit date (" + format_rfc3339(committer.time) + ", offset " +
              std::to_string(committer.offset_minutes) + " min)";
  throw RuleViolation(std::string(kAuthorIsCommitterRule), what,
                      "docket writes author and committer as the same person at the same time; the commit was made by hand");
}

}  // namespace docket::core
