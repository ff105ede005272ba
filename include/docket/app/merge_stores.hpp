#pragma once
// The whole-store three-way merge behind `docket sync` and the check `verify` makes on merge
// commits: the same code computes the tree in both places (docs/sync.md).

#include <cstddef>
#include <vector>

#include "docket/core/merge.hpp"
#include "docket/store/store.hpp"

namespace docket::app {

struct StoreMerge {
  // Applied to `ours`, these give the merged tree (empty when ours already is the merge).
  std::vector<store::Change> changes;
  std::vector<core::Conflict> conflicts;  // when non-empty, nothing may be written
  std::vector<ExceptionId> merged_records;  // records changed on both sides and merged field by field
  std::size_t taken_from_theirs = 0;        // paths only the other side changed
};

// Merges `ours` and `theirs` path by path against `base` (their merge base; an empty snapshot
// when there is none): a path changed on one side takes that side; a record changed on both
// is merged with core::merge_records; evidence is content-addressed, so both sides' blobs are
// kept; configuration (docket.yaml, allowed_signers, templates) changed differently on both
// sides is a conflict for an admin to reconcile. Symmetric: the merged tree of (ours, theirs)
// equals that of (theirs, ours).
StoreMerge merge_snapshots(const store::Snapshot& base, const store::Snapshot& ours, const store::Snapshot& theirs);

// The message of the merge commit `docket sync` writes (docs/sync.md): the subject
// `docket: sync merge with REMOTE`, a blank line, `Docket-Command: sync` and one
// `Docket-Record: ID` per record merged field by field, in `merged_records` order. verify
// requires exactly this text of every merge (rule message-mismatch), so a merge can carry no
// replay line, no other subject and no other trailer.
std::string merge_commit_message(std::string_view remote, const std::vector<ExceptionId>& merged_records);

// A remote name sync accepts, and so the only names a merge subject may carry: letters, digits,
// `.`, `_`, `-` and `/`, not starting with `-` or `/`, not ending with `/`, without `..` or `//`.
bool valid_remote_name(std::string_view remote);

}  // namespace docket::app
