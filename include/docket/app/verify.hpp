#pragma once
// `docket verify`: proves from the repository alone that every change to the store was made
// by an allowed key, by someone whose role allowed it, and by the same core rules the CLI
// enforces (docs/design.md §7).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "docket/app/session.hpp"

namespace docket::app {

struct Violation {
  std::string commit;  // full commit id
  std::string record;  // exception id or path concerned, may be empty
  std::string rule;    // stable rule name (signature, admin-only, replay-mismatch, checklist-complete…)
  std::string message;
};

struct VerifyOptions {
  std::optional<std::string> root;  // --root: the trust root to require (full commit id)
  std::optional<std::string> tip;   // --tip: the commit the ref must be at (full commit id)
};

struct VerifyReport {
  std::string root;
  std::string tip;                 // the commit verified up to
  bool root_recorded_now = false;  // trust on first use: this run recorded the root
  bool tip_recorded_now = false;   // the tip was recorded as verified (git config docket.<ref>.verifiedtip)
  std::size_t commits = 0;
  std::size_t record_changes = 0;  // record versions replayed
  std::size_t records = 0;         // records at the tip
  std::size_t evidence = 0;        // evidence blobs checked
  std::vector<Violation> violations;
  bool ok() const { return violations.empty(); }
};

// Verifies the whole history of the session's ref from its root (docs/verify.md): the trust root
// (options.root, else git config docket.<ref>.root, recorded on first use), no rollback past the
// last verified tip (rule history-rewound), options.tip, and every commit's rules. When clean,
// records the tip as verified. Calls `progress(done, total)` after each commit (may be empty).
// Throws Error(usage) for a root or tip that is not a full commit id, Error(store) when the ref
// is not a docket store.
VerifyReport verify_store(Session& session, const VerifyOptions& options,
                          const std::function<void(std::size_t, std::size_t)>& progress = {});

// Verifies only the commits reachable from `tip` but not from `since` (a commit verified
// before), with exactly the rules verify_store applies to them; with no `since`, the whole
// history of `tip` from its root (for a store not yet held locally). Records nothing.
VerifyReport verify_range(Session& session, const store::ObjectId& tip, const std::optional<store::ObjectId>& since);

// The first few violations of `report`, one per line (each line starts with a newline), for a
// command that refuses to act on an unverified history.
std::string violations_summary(const VerifyReport& report);

// The trust gate every command passes before it reads or writes the store: returns when `tip`
// is the recorded verified tip, or descends from it and the commits after it verify (then it
// becomes the recorded tip); with no recorded tip, verifies the whole history (trust on first
// use). Throws Error(untrusted) naming the commits, rules and both tips when the ref was rewound
// or replaced, or when a commit fails verification.
void require_verified(Session& session, const store::ObjectId& tip);

// The signature status of one commit against the allowed_signers of its parent's tree (its own
// tree for the root), for `docket log`.
std::string signature_status(Session& session, const store::CommitRecord& commit);

}  // namespace docket::app
