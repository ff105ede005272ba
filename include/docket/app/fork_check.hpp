#pragma once
// The fork rule (docs/sync.md, rule fork-revoked), shared by `docket sync` before it merges and
// by `verify` on every merge commit: the commits each side of a merge brings must also be
// allowed under the other side's members, roles and keys. The decision for one change is
// core::fork_refusal; this walks the commits and reads the configurations.

#include <string>
#include <vector>

#include "docket/store/store.hpp"

namespace docket::app {

struct ForkViolation {
  std::string commit;      // the commit on one side that the other side no longer allows
  std::string revoked_at;  // the commit on the other side that took the permission away, when found
  std::string message;     // names both commits, the signer and what was taken away
};

// Checks the commits on `first` not reachable from `second` against the configuration at
// `second`'s tip, and the other way round. A side whose docket.yaml and allowed_signers are
// still those of the merge base `base` took nothing away, so the other side's commits are not
// re-checked against it (cheap in the common case). Merge commits on a side add nothing of
// their own and are skipped; commits that cannot be read as docket commits (unsigned, bad
// signature, no replay line) are left to verify's other rules. Throws Error(usage) when a
// side's configuration cannot be read.
std::vector<ForkViolation> check_fork(const store::Store& store, const store::ObjectId& base, const store::ObjectId& first,
                                      const store::ObjectId& second);

}  // namespace docket::app
