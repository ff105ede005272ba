#pragma once
// `docket sync [REMOTE]`: exchange the docket ref with a git remote (docs/sync.md). Fetch,
// fast-forward when possible, otherwise write a signed merge commit whose tree is the
// deterministic merge of both sides, then push without force; a rejected push (someone pushed
// first) fetches, merges and retries. Signed commits are never rewritten.

#include <cstddef>
#include <string>
#include <vector>

#include "docket/app/session.hpp"

namespace docket::app {

struct SyncOptions {
  std::string remote = "origin";
  // --drop-local: take the remote's store as it is (after verifying it), discarding the local
  // commits it does not have — the way out of a conflict or a fork refusal.
  bool drop_local = false;
  store::RetryPolicy retry{30, std::chrono::milliseconds(20), std::chrono::milliseconds(1000)};
};

struct SyncReport {
  std::string remote;
  std::string tracking_ref;      // where the remote's ref was fetched to
  bool remote_had_store = false;  // the remote had the ref at the last fetch
  bool fast_forwarded = false;    // our ref moved to the remote's commit
  std::size_t dropped = 0;        // local commits discarded by --drop-local
  std::size_t merges = 0;         // merge commits written
  bool pushed = false;
  bool up_to_date = false;        // nothing to do: both sides were the same commit
  bool root_recorded_now = false;  // trust on first use: this sync recorded the trust root
  std::size_t attempts = 0;
  std::size_t commits_in = 0;   // commits received that this store did not have
  std::size_t commits_out = 0;  // commits the remote received
  std::vector<ExceptionId> merged_records;  // records changed on both sides and merged
  std::string tip;                          // our ref afterwards
};

// Throws Error(usage) for a malformed remote name, Error(not_found) for a remote that is not
// configured, Error(conflict) when the two sides cannot be merged (naming record and field; nothing
// is written or pushed) or when the remote holds a different store (another trust root),
// Error(store) when git fails, Error(key) when the actor's key may not sign the merge.
SyncReport sync_store(Session& session, const SyncOptions& options);

// The local ref the remote's copy of `ref` is fetched into: refs/docket-remotes/REMOTE/<name>.
std::string tracking_ref(const std::string& remote, const std::string& ref);

}  // namespace docket::app
