#pragma once
// The per-record three-way merge behind `docket sync` and the check `verify` makes on merge
// commits (docs/sync.md). Pure: records in, a record and a list of conflicts out.
//
// Contract: merge_records(base, a, b) and merge_records(base, b, a) give the same result, so
// whichever clone makes the merge commit, the tree is the same and `verify` can recompute it.

#include <string>
#include <vector>

#include <optional>

#include "docket/core/lifecycle.hpp"
#include "docket/core/record.hpp"

namespace docket::core {

// A change on both sides that no rule resolves without breaking a record invariant. `record` is
// the exception id (or path), `field` the record field concerned.
struct Conflict {
  std::string record;
  std::string field;
  std::string message;
};

struct MergeResult {
  Record merged;
  std::vector<Conflict> conflicts;  // when non-empty, `merged` must not be written
};

// Merges the two descendants `ours` and `theirs` of `base` (null when the record did not exist
// at the merge base). Rules, in short:
// - a field changed on one side only takes that side's value;
// - append-only lists (evidence, approvals, comments, events, requests, recurrence_of)
//   keep the base's entries in order, then the entries either side added, deduplicated and
//   sorted by stamp time, actor, then content;
// - a checklist item completed on both sides keeps the earlier completion;
// - the lifecycle (state, outcome, review) changed differently on both sides takes the side
//   further along open < triaged < investigating < remediating < pending-approval < accepted <
//   closed; at equal rank, the side whose newest added event is later; but concurrent
//   lifecycle changes no single history produces are conflicts (field "lifecycle", the
//   message naming approve-deny-same-round, round-decided-twice, reopen-concurrent,
//   revoke-concurrent or review-twice; the table is in docs/sync.md);
// - the assignee changed differently on both sides takes the newer `assigned` event;
// - owners are a set: removed on either side is removed, added on either side is added; the
//   merged assignee is always an owner; no owner left is a conflict (field "owners");
// - fields `edit` changes (title; severity with due; identity kind and name; system) changed
//   differently on both sides take the side whose newest edit event of that field is later;
//   a severity, identity or system edit on one side against a request or decision on the other
//   is a conflict (field "lifecycle", edit-under-approval);
// - fields fixed at open (template, source, opened, frameworks) changed differently on both
//   sides, and results breaking an invariant (two requests in one round, two votes by one
//   approver in one round), are conflicts.
MergeResult merge_records(const Record* base, const Record& ours, const Record& theirs);

// Position of `s` in the lifecycle order the merge rule uses (open = 0 … closed = 6).
int lifecycle_rank(State s);

// Invariants every record written by docket holds; a merge result violating one is a conflict.
std::vector<Conflict> check_record_invariants(const Record& r);

// The fork rule (docs/sync.md, rule fork-revoked): a change made on one side of a fork since the
// merge base must still be allowed under the configuration at the other side's tip, so that a
// member removed, a role taken away or a key replaced on one side cannot act on the other side
// after the fork. `signer` made a change that needed `need`; `key_listed` says whether the other
// side's allowed_signers still lists the signing key for the signer. Returns nullopt when the
// change is allowed, else why not ("bob@x was removed", "… no longer holds the approver role
// needed to approve", "… key … is no longer listed").
std::optional<std::string> fork_refusal(const Email& signer, const RoleNeed& need, bool key_listed, const Policy& other);
// "fork-revoked".
std::string_view fork_rule_name();

}  // namespace docket::core
