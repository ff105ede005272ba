#pragma once
// The one error type docket throws. Every failure a user can see carries an exit status, the
// thing concerned (a record path, a line, a field, a commit, a file) and what would fix it;
// `src/cli/main.cpp` is the single place that turns it into `docket: error: …` and an exit code.

#include <stdexcept>
#include <string>

namespace docket {

// Exit statuses, documented in docket(1) and README. Distinct so CI can tell them apart.
enum class ExitCode : int {
  ok = 0,
  findings = 1,       // `check` / `verify` found something
  usage = 2,          // bad arguments or bad input (malformed YAML, invalid SARIF, bad time)
  refused = 3,        // a lifecycle or policy rule refused the change
  not_found = 4,      // no such exception, file, template, store or key
  conflict = 5,       // ambiguous id, concurrent update that kept losing, sync conflict
  store = 6,          // the repository or ref is unusable (not a docket store, git failure)
  key = 7,            // the signing key is missing, unreadable or not allowed
  untrusted = 8,      // the store's history does not verify (forged, rewound or replaced): nothing was done
  output = 9,         // writing the output failed (disk full, closed descriptor); a change made is committed
  internal = 70,      // a bug in docket
};

class Error : public std::runtime_error {
public:
  // `what` says what is wrong, naming the object; `hint` says what to do about it (may be empty).
  Error(ExitCode code, std::string what, std::string hint = {})
      : std::runtime_error(std::move(what)), code_(code), hint_(std::move(hint)) {}

  ExitCode code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }

private:
  ExitCode code_;
  std::string hint_;
};

// A lifecycle/policy rule refused a change. `rule` is the rule's stable name (e.g.
// `checklist-complete`), printed so users and `verify` reports can name it.
class RuleViolation : public Error {
public:
  RuleViolation(std::string rule, std::string what, std::string hint = {})
      : Error(ExitCode::refused, std::move(what), std::move(hint)), rule_(std::move(rule)) {}
  const std::string& rule() const noexcept { return rule_; }

private:
  std::string rule_;
};

}  // namespace docket
