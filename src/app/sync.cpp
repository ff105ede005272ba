#include "docket/app/sync.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include "docket/app/fork_check.hpp"
#include "docket/app/merge_stores.hpp"
#include "docket/app/stray_tip.hpp"
#include "docket/app/trust.hpp"
#include "docket/app/verify.hpp"
#include "docket/core/error.hpp"
#include "docket/store/remote.hpp"

namespace docket::app {
namespace {

// Remote names go to git as an argument and into a ref name: refuse anything that could be
// read as an option or escape refs/docket-remotes/.
void require_valid_remote_name(const std::string& remote) {
  if (!valid_remote_name(remote))
    throw Error(ExitCode::usage, "'" + remote + "' is not a usable remote name",
                "name a remote configured in this repository, such as origin (see: git remote -v)");
}

// Jittered exponential backoff, so syncers racing for one remote spread out.
void wait_before_retry(const store::RetryPolicy& retry, std::size_t attempt) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto base = std::chrono::duration_cast<std::chrono::microseconds>(retry.base_delay).count();
  const auto cap = std::chrono::duration_cast<std::chrono::microseconds>(retry.max_delay).count();
  const long long ceiling = std::min<long long>(cap, base << std::min<std::size_t>(attempt, 20));
  if (ceiling > 0) std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<long long>(0, ceiling)(rng)));
}

std::string conflicts_text(const std::vector<core::Conflict>& conflicts) {
  std::string text;
  for (const auto& c : conflicts) text += "\n  " + c.record + " field '" + c.field + "': " + c.message;
  return text;
}

class Syncer {
public:
  Syncer(Session& session, const SyncOptions& options) : session_(session), store_(session.store()), options_(options) {
    report_.remote = options.remote;
    report_.tracking_ref = tracking_ref(options.remote, store_.ref());
  }

  SyncReport run() {
    require_remote();
    const auto ours_at_start = store_.lookup_ref(store_.ref());
    // Our own side must be verified before anything is merged into it or pushed from it.
    if (ours_at_start) require_docket_tip(session_, *ours_at_start);
    std::optional<store::ObjectId> theirs_last;
    const std::size_t attempts = static_cast<std::size_t>(std::max(1, options_.retry.max_attempts));
    for (std::size_t attempt = 0; attempt < attempts; ++attempt) {
      report_.attempts = attempt + 1;
      if (attempt > 0) wait_before_retry(options_.retry, attempt - 1);
      tracking_before_ = store_.lookup_ref(report_.tracking_ref);
      const auto fetched = store::fetch_ref(session_.repository(), options_.remote, store_.ref(), report_.tracking_ref);
      const auto theirs = fetched == store::FetchOutcome::fetched ? store_.lookup_ref(report_.tracking_ref) : std::nullopt;
      report_.remote_had_store = theirs.has_value();
      theirs_last = theirs;
      if (step(theirs)) {
        finish(ours_at_start, theirs_last);
        return report_;
      }
    }
    throw Error(ExitCode::conflict,
                "'" + options_.remote + "' kept moving while docket sync merged and pushed; gave up after " +
                    std::to_string(attempts) + " attempts",
                "run docket sync again");
  }

private:
  void require_remote() {
    require_valid_remote_name(options_.remote);
    if (!session_.repository().config("remote." + options_.remote + ".url"))
      throw Error(ExitCode::not_found, "no remote '" + options_.remote + "' in this repository",
                  "add it with: git remote add " + options_.remote + " URL (git remote -v lists the remotes)");
  }

  // One round: fetch result in, our ref and the remote moved as needed. True when done; false to
  // try again (the remote or our ref moved meanwhile).
  bool step(const std::optional<store::ObjectId>& theirs) {
    const auto ours = store_.lookup_ref(store_.ref());
    if (!theirs) {
      if (!ours)
        throw Error(ExitCode::not_found,
                    "neither this repository nor '" + options_.remote + "' has " + store_.ref(),
                    "create the store with docket init, then run docket sync to publish it");
      return push(*ours);  // the remote has no store yet: publish ours
    }
    require_commit(*theirs);
    check_trust_root(ours, *theirs);
    verify_incoming(ours, *theirs);
    if (!ours) {
      // A fresh clone: take the remote's store as it is.
      if (!store_.try_move({}, *theirs, "docket: sync from " + options_.remote)) return false;
      report_.fast_forwarded = true;
      return true;
    }
    if (*ours == *theirs) {
      report_.up_to_date = report_.merges == 0 && !report_.pushed && !report_.fast_forwarded;
      return true;
    }
    if (options_.drop_local && !store_.descends_from(*theirs, *ours)) {
      // Explicitly asked for: our unpublished commits go, the verified remote state stays. The
      // moved ref is recorded as the verified tip (finish), so this is not a rollback.
      const std::size_t dropped = store_.count_commits(*ours, *theirs);
      if (!store_.try_move(*ours, *theirs, "docket: sync --drop-local from " + options_.remote)) return false;
      report_.dropped = dropped;
      report_.fast_forwarded = true;
      return true;
    }
    const auto base = store_.merge_base(*ours, *theirs);
    if (!base) refuse_unrelated(*ours, *theirs);
    if (*base == *theirs) return push(*ours);  // we are ahead
    if (*base == *ours) {
      if (!store_.try_move(*ours, *theirs, "docket: sync fast-forward from " + options_.remote)) return false;
      report_.fast_forwarded = true;
      return true;
    }
    const auto merged = merge(*base, *ours, *theirs);
    if (!merged) return false;
    return push(*merged);
  }

  bool push(const store::ObjectId& commit) {
    if (store::push_commit(session_.repository(), options_.remote, commit, store_.ref()) == store::PushOutcome::rejected)
      return false;
    report_.pushed = true;
    pushed_ = commit;
    return true;
  }

  // A ref the host pointed at a tag or a tree is no store: refused before anything reads it.
  void require_commit(const store::ObjectId& theirs) {
    try {
      (void)store_.read_commit(theirs);
    } catch (const Error& e) {
      store_.restore_ref(report_.tracking_ref, tracking_before_);
      throw Error(ExitCode::untrusted,
                  "refusing to sync: " + store_.ref() + " on '" + options_.remote + "' does not point at a commit (" +
                      e.what() + "); no ref was moved and nothing was pushed",
                  "tell the remote's admins: the ref was written by hand on the host");
    }
  }

  // What the remote brings (every commit it has that we do not) must verify with the same rules
  // as verify, before it is fast-forwarded to or merged; otherwise no ref moves (the tracking
  // ref goes back to where it was) and nothing is pushed.
  void verify_incoming(const std::optional<store::ObjectId>& ours, const store::ObjectId& theirs) {
    if (ours && store_.descends_from(*ours, theirs)) return;  // nothing new
    const VerifyReport incoming = verify_range(session_, theirs, ours);
    if (incoming.ok()) return;
    store_.restore_ref(report_.tracking_ref, tracking_before_);
    throw Error(ExitCode::untrusted,
                "refusing to sync: the docket history on '" + options_.remote + "' (" + theirs.hex.substr(0, 12) +
                    ") does not verify; no ref was moved and nothing was pushed:" + violations_summary(incoming),
                "tell the remote's admins; inspect it with: git fetch " + options_.remote + " " + store_.ref() +
                    ":refs/docket-inspect && docket verify --ref refs/docket-inspect");
  }

  // The remote must continue the history this store trusts: no root commit of its own.
  void check_trust_root(const std::optional<store::ObjectId>& ours, const store::ObjectId& theirs) {
    const auto recorded = recorded_trust_root(session_.repository(), store_.ref());
    if (ours) {
      const auto foreign = store_.roots(theirs, ours);
      if (!foreign.empty()) refuse_unrelated(*ours, theirs);
      if (!recorded) record_single_root(*ours);
      return;
    }
    const auto roots = store_.roots(theirs);
    if (roots.size() != 1)
      throw Error(ExitCode::conflict,
                  "refusing to sync: the docket history on '" + options_.remote + "' has " + std::to_string(roots.size()) +
                      " root commits; a docket store has exactly one",
                  "check the remote; run docket verify on a clone made from it");
    if (recorded && recorded->hex != roots.front().hex)
      throw Error(ExitCode::conflict,
                  "refusing to sync: the docket history on '" + options_.remote + "' starts at " + roots.front().hex +
                      " but this repository trusts root " + recorded->hex + " (git config " + trust_root_key(store_.ref()) + ")",
                  "the remote holds another store or a rewritten history; check the remote URL");
    if (!recorded) {
      record_trust_root(session_.repository(), store_.ref(), roots.front());
      report_.root_recorded_now = true;
    }
  }

  void record_single_root(const store::ObjectId& ours) {
    const auto roots = store_.roots(ours);
    if (roots.size() != 1) return;  // verify reports it
    record_trust_root(session_.repository(), store_.ref(), roots.front());
    report_.root_recorded_now = true;
  }

  [[noreturn]] void refuse_unrelated(const store::ObjectId& ours, const store::ObjectId& theirs) {
    throw Error(ExitCode::conflict,
                "refusing to sync: " + store_.ref() + " here (" + ours.hex.substr(0, 12) + ") and on '" + options_.remote +
                    "' (" + theirs.hex.substr(0, 12) + ") do not share this store's trust root",
                "the remote holds another docket store (a separate docket init?); check the remote URL, or use "
                "another --ref for one of them");
  }

  // What verify checks on a merge: a key our side (the first parent) allows, and membership on
  // both sides, so a member removed on one side may not bring its offline work back in.
  void check_merger(const StoreConfig& ours, const StoreConfig& theirs) {
    const Email& actor = session_.actor().email;
    for (const StoreConfig* config : {&ours, &theirs})
      if (!config->policy.find_member(actor))
        throw Error(ExitCode::refused,
                    actor.str() + " is not a member on both sides of the sync, so may not sign the merge",
                    "ask another member to run docket sync, or an admin to add " + actor.str());
    session_.check_signer_allowed(ours);
  }

  // The fork rule: what either side brings must be allowed by the other's members, roles and keys.
  void refuse_fork_violations(const std::vector<ForkViolation>& forks) {
    if (forks.empty()) return;
    std::string text;
    for (const auto& f : forks) text += "\n  " + f.commit + " " + std::string(core::fork_rule_name()) + ": " + f.message;
    throw Error(ExitCode::refused,
                "cannot merge " + store_.ref() + " with '" + options_.remote + "': " + std::to_string(forks.size()) +
                    " commit" + (forks.size() == 1 ? "" : "s") + " on one side " + (forks.size() == 1 ? "is" : "are") +
                    " not allowed on the other (rule " + std::string(core::fork_rule_name()) +
                    "); nothing was written or pushed" + text,
                "see docs/sync.md: whichever of the two changes is unpushed here (the refused commits, or the removal, role "
                "change or key replacement) must go: docket sync " + options_.remote +
                    " --drop-local drops your unpushed commits; then an allowed member redoes the work on top");
  }

  std::optional<store::ObjectId> merge(const store::ObjectId& base, const store::ObjectId& ours, const store::ObjectId& theirs) {
    const store::Snapshot base_snap = store_.at(base);
    const store::Snapshot ours_snap = store_.at(ours);
    const store::Snapshot theirs_snap = store_.at(theirs);
    StoreMerge merged = merge_snapshots(base_snap, ours_snap, theirs_snap);
    if (!merged.conflicts.empty())
      throw Error(ExitCode::conflict,
                  "cannot merge " + store_.ref() + " with '" + options_.remote + "': " + std::to_string(merged.conflicts.size()) +
                      " conflict" + (merged.conflicts.size() == 1 ? "" : "s") + "; nothing was written or pushed" +
                      conflicts_text(merged.conflicts),
                  "see docs/sync.md: redo the conflicting change on top of the remote's version (docket sync " +
                      options_.remote + " --drop-local drops your unpushed commits)");
    refuse_fork_violations(check_fork(store_, base, ours, theirs));
    check_merger(load_config(ours_snap), load_config(theirs_snap));
    const std::string message = merge_commit_message(options_.remote, merged.merged_records);
    const Actor& who = session_.actor();
    // Never earlier than either parent (rule time-order); both were verified not to be in the
    // future beyond the clock skew, so neither is this.
    const Timestamp when = std::max({session_.now(), store_.read_commit(ours).committer_time, store_.read_commit(theirs).committer_time});
    const auto commit = store_.try_commit_merge(ours_snap, merged.changes, {ours, theirs}, ours,
                                                store::CommitInfo{message, session_.commit_name(ours_snap), who.email, when},
                                                session_.signer());
    if (!commit) return std::nullopt;  // a local command moved our ref meanwhile: merge again
    ++report_.merges;
    for (const auto& id : merged.merged_records)
      if (std::find(report_.merged_records.begin(), report_.merged_records.end(), id) == report_.merged_records.end())
        report_.merged_records.push_back(id);
    return commit;
  }

  void finish(const std::optional<store::ObjectId>& ours_at_start, const std::optional<store::ObjectId>& theirs_last) {
    const auto tip = store_.lookup_ref(store_.ref());
    report_.tip = tip ? tip->hex : std::string{};
    // Everything under the tip is verified now: ours was, theirs was just checked, and a merge
    // is our own commit.
    if (tip) record_verified_tip(session_.repository(), store_.ref(), *tip);
    if (theirs_last) report_.commits_in = store_.count_commits(*theirs_last, ours_at_start);
    if (pushed_) report_.commits_out = store_.count_commits(*pushed_, theirs_last);
  }

  Session& session_;
  store::Store& store_;
  const SyncOptions& options_;
  SyncReport report_;
  std::optional<store::ObjectId> pushed_;
  std::optional<store::ObjectId> tracking_before_;  // the tracking ref before this attempt's fetch
};

}  // namespace

std::string tracking_ref(const std::string& remote, const std::string& ref) {
  const std::string_view name = ref.starts_with("refs/heads/") ? std::string_view(ref).substr(11) : std::string_view(ref).substr(5);
  return "refs/docket-remotes/" + remote + "/" + std::string(name);
}

SyncReport sync_store(Session& session, const SyncOptions& options) { return Syncer(session, options).run(); }

}  // namespace docket::app
