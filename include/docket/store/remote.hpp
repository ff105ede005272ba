#pragma once
// Talking to git remotes for `docket sync` (docs/sync.md). docket runs stock `git fetch` and
// `git push` rather than libgit2's transports, so the repository's remote configuration (file
// paths, git://, ssh, https, insteadOf, push URLs) and the user's usual credentials (ssh-agent,
// credential helpers) work exactly as they do for git. No shell is involved: arguments go to
// git as an argv vector.

#include <string>
#include <vector>

#include "docket/store/store.hpp"

namespace docket::store {

struct GitRun {
  int status = -1;  // exit status; -1 when git died from a signal
  std::string out;  // stdout, capped at 1 MiB
  std::string err;  // stderr, capped at 1 MiB
};

// Runs `git --git-dir=<repo's git dir> args…` and waits for it. stdin is inherited from a
// terminal (so ssh can ask for a passphrase), else /dev/null with GIT_TERMINAL_PROMPT=0 so a job
// without a terminal fails instead of hanging. Throws Error(ExitCode::store) when git cannot be
// started at all.
GitRun run_git(const Repository& repo, const std::vector<std::string>& args);

// Keeps the object database packed as git does: when loose objects pass git's `gc.auto`
// threshold (estimated from objects/17 as `git gc --auto` estimates it; gc.auto=0 turns this
// off), runs `git gc --auto --quiet`, which detaches into the background (gc.autoDetach) so no
// writer waits, never prunes an object reachable from a ref, and here keeps every reflog entry
// (gc.reflogExpire=never for this run). Returns whether git was started. Best effort: never
// throws (a missing git only leaves objects loose).
bool pack_if_needed(const Repository& repo);

enum class FetchOutcome { fetched, remote_ref_absent };

// Fetches `remote_ref` of `remote` into the local `tracking_ref` (forced: the tracking ref
// mirrors the remote, it is never signed-over history of ours). Throws Error(ExitCode::store)
// with git's message when the fetch fails for any reason other than the ref being absent.
FetchOutcome fetch_ref(const Repository& repo, const std::string& remote, const std::string& remote_ref,
                       const std::string& tracking_ref);

enum class PushOutcome { pushed, rejected };

// Pushes `commit` to `remote_ref` of `remote` without force. `rejected` means the remote ref
// moved meanwhile (someone pushed first, or held its lock): fetch, merge and try again. Other
// failures throw Error(ExitCode::store) with git's message.
PushOutcome push_commit(const Repository& repo, const std::string& remote, const ObjectId& commit,
                        const std::string& remote_ref);

}  // namespace docket::store
