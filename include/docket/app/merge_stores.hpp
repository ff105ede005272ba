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

}  // namespace docket::app
