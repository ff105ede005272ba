#pragma once
// `docket verify` on a merge commit (docs/sync.md): a merge adds nothing of its own, so it is
// valid when it is signed by a member allowed on both sides and its tree is exactly the
// deterministic merge of its two parents that `docket sync` computes, and every commit either
// side brings is allowed under the other side's members, roles and keys (the fork rule).

#include <vector>

#include "docket/app/verify.hpp"

namespace docket::app {

// Violations of merge commit `c` (rules: merge-parents, signature, member-required,
// author-is-committer, merge-unrelated, fork-revoked, merge-conflict, merge-tree). Empty when it is valid.
std::vector<Violation> check_merge_commit(Session& session, const store::CommitRecord& c);

}  // namespace docket::app
