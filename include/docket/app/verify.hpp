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
  std::optional<std::string> root;  // --root: the trust root to require
};

struct VerifyReport {
  std::string root;
  bool root_recorded_now = false;  // trust on first use: this run recorded the root
  std::size_t commits = 0;
  std::size_t record_changes = 0;  // record versions replayed
  std::size_t records = 0;         // records at the tip
  std::size_t evidence = 0;        // evidence blobs checked
  std::vector<Violation> violations;
  bool ok() const { return violations.empty(); }
};

// Calls `progress(done, total)` after each commit (may be empty).
VerifyReport verify_store(Session& session, const VerifyOptions& options,
                          const std::function<void(std::size_t, std::size_t)>& progress = {});

// The signature status of one commit against the allowed_signers of its parent's tree (its own
// tree for the root), for `docket log`.
std::string signature_status(Session& session, const store::CommitRecord& commit);

}  // namespace docket::app
