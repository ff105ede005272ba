#!/usr/bin/env bash
# Forks and merges as a trust boundary (docs/sync.md). Two clones of one bare remote diverge:
# - a member removed, a role taken away or a key replaced on one side cannot act on the other
#   side after the fork (rule fork-revoked);
# - concurrent lifecycle changes that no single history reaches (an approval and a denial in
#   one round, a reopen and a review, a revoke and a renewal) are conflicts for a person.
# For each, `docket sync` refuses and leaves the local ref, the tracking ref and the remote where
# they were; a merge made by hand with plain git and a member's real key is reported by
# `docket verify` (exit 1) on the merge commit, naming the rule. Clean forks still merge and
# verify with no alarm.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example  # admin + approver, works in clone a
make_user bob bob@acme.example      # approver + responder, works in clone b
make_user carol carol@acme.example  # responder, works in both
make_user carol2 carol@acme.example # carol's replacement key
make_user dave dave@acme.example    # approver + responder
make_user erin erin@acme.example    # added on one side only
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }
D() { as dave dave@acme.example "$@"; }
state_of() { "$DOCKET_BIN" show "$1" --json | json_field "['exception']['state']"; }

# ---------------------------------------------------------------------------------------------
# The shared starting point: a remote, clone a (made by init) and clone b (made by git clone).
base="$WORK/base"
git init -q --bare "$base/remote.git"
mkdir -p "$base/a" && cd "$base/a"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder >/dev/null
A member add dave@acme.example --key "$HOME/dave_ed25519.pub" --role approver --role responder >/dev/null
# WORK: open, for comments. PEND: low severity, pending one approval. CLOSED: closed as
# remediated. ACC: accepted until a date. All opened and requested by carol.
WORKREC=$(C open --title "stale deploy key" --severity low)
ready() {
  C move "$1" triaged >/dev/null
  C move "$1" investigating >/dev/null
  C done "$1" triage-notes --note "checked" >/dev/null
}
PEND=$(C open --title "unused service account" --severity low)
ready "$PEND"
C request "$PEND" --resolution rejected --reason "false positive" >/dev/null
CLOSED=$(C open --title "old token" --severity low)
ready "$CLOSED"
C request "$CLOSED" --resolution remediated --reason "rotated" >/dev/null
D approve "$CLOSED" >/dev/null
ACC=$(C open --title "vendor access" --severity low)
ready "$ACC"
C request "$ACC" --resolution accepted --reason "migration" --control "session recording" --expires 30d >/dev/null
D approve "$ACC" >/dev/null
[ "$(state_of "$PEND")/$(state_of "$CLOSED")/$(state_of "$ACC")" = pending-approval/closed/accepted ] &&
  pass "the starting records are pending, closed and accepted" || fail "starting states are wrong"
git remote add origin "$base/remote.git"
A sync >/dev/null
git clone -q "$base/remote.git" "$base/b" 2>/dev/null
(cd "$base/b" && B sync >/dev/null)
expect_status 0 "the starting store verifies" A verify

# scenario NAME: a fresh copy of the starting point in $S, with clones $a and $b.
scenario() {
  S="$WORK/s-$1"
  mkdir -p "$S"
  cp -a "$base/." "$S/"
  a="$S/a"
  b="$S/b"
  git -C "$a" remote set-url origin "$S/remote.git"
  git -C "$b" remote set-url origin "$S/remote.git"
}

# expect_sync_refused CODE DESC NEEDLE... -- RUNNER: in the current clone, sync (as RUNNER)
# exits CODE with every NEEDLE and the next step on stderr, and moves no ref. The tracking ref
# is fetched first, as sync itself does, so that all three refs can be compared.
expect_sync_refused() {
  local code=$1 what=$2
  shift 2
  local needles=()
  while [ "$1" != -- ]; do needles+=("$1"); shift; done
  shift
  git fetch -q origin +refs/heads/docket:refs/docket-remotes/origin/docket
  local local_before tracking_before remote_before merges_before
  merges_before=$(git rev-list --min-parents=2 --count --all)
  local_before=$(ref_of . refs/heads/docket)
  tracking_before=$(ref_of . refs/docket-remotes/origin/docket)
  remote_before=$(ref_of "$S/remote.git" refs/heads/docket)
  expect_status "$code" "$what: sync refuses" "$@" sync
  [ -z "${DOCKET_TEST_VERBOSE:-}" ] || sed 's/^/#   /' <<<"$ERR"
  local n
  for n in "${needles[@]}"; do expect_contains "$ERR" "$n" "$what: the refusal names '$n'"; done
  expect_contains "$ERR" "nothing was written or pushed" "$what: the refusal says nothing moved"
  expect_contains "$ERR" "docket sync origin --drop-local" "$what: the next step is printed"
  [ "$(ref_of . refs/heads/docket)" = "$local_before" ] && pass "$what: the local ref is unmoved" || fail "$what: the local ref moved"
  [ "$(ref_of . refs/docket-remotes/origin/docket)" = "$tracking_before" ] && pass "$what: the tracking ref is unmoved" ||
    fail "$what: the tracking ref moved"
  [ "$(ref_of "$S/remote.git" refs/heads/docket)" = "$remote_before" ] && pass "$what: the remote is unmoved" ||
    fail "$what: the remote moved"
  [ "$(git rev-list --min-parents=2 --count --all)" = "$merges_before" ] &&
    pass "$what: no merge commit was written" || fail "$what: a merge commit was written"
}

# hand_merge NAME EMAIL: what sync refused, done with plain git in the current clone: merge the
# tracking ref into the docket branch (conflicting files resolved as ours), signed with NAME's
# real key. Leaves the merge commit in $MERGE.
hand_merge() {
  local name=$1 email=$2 wt="$S/wt"
  git worktree add -q -f "$wt" docket
  git -C "$wt" -c user.name="$name" -c user.email="$email" merge -q --no-ff --no-commit refs/docket-remotes/origin/docket \
    >/dev/null 2>&1 || true
  git -C "$wt" checkout -q --ours -- . 2>/dev/null || true
  git -C "$wt" add -A
  git -C "$wt" -c core.hooksPath=/dev/null -c user.name="$name" -c user.email="$email" -c gpg.format=ssh -c user.signingkey="$HOME/${name}_ed25519" \
    commit -q -S -m "docket: sync merge with origin"
  MERGE=$(git rev-parse refs/heads/docket)
  [ "$(git rev-list --parents -n1 "$MERGE" | wc -w)" = 3 ] && pass "hand-made merge $name: two parents" || fail "not a merge"
}

# expect_merge_violation DESC RULE NEEDLE: verify exits 1 and names $MERGE, RULE and NEEDLE.
expect_merge_violation() {
  local what=$1 rule=$2 needle=$3
  expect_status 1 "$what: verify fails on the hand-made merge" "$DOCKET_BIN" verify
  [ -z "${DOCKET_TEST_VERBOSE:-}" ] || sed 's/^/#   /' <<<"$OUT"
  expect_contains "$OUT" "commit ${MERGE:0:12}" "$what: the report names the merge commit"
  expect_contains "$OUT" "rule $rule:" "$what: the report names rule $rule"
  expect_contains "$OUT" "$needle" "$what: the report names '$needle'"
  expect_status 1 "$what: verify --json fails" "$DOCKET_BIN" verify --json
  if python3 -c 'import json,sys
d = json.load(sys.stdin)
assert any(v["rule"] == sys.argv[1] and v["commit"] == sys.argv[2] for v in d["violations"])' "$rule" "$MERGE" <<<"$OUT"; then
    pass "$what: JSON lists $rule on the merge"
  else
    fail "$what: JSON does not list $rule on $MERGE: $OUT"
  fi
}

# ---------------------------------------------------------------------------------------------
# 1. A member removed on one side; their commit on the other side was pushed first.
scenario removed
cd "$b"
C comment "$WORKREC" "carol, offline" >/dev/null
carol_commit=$(git rev-parse refs/heads/docket)
B sync >/dev/null
cd "$a"
A member remove carol@acme.example >/dev/null
removal=$(git rev-parse refs/heads/docket)
expect_sync_refused 3 "removed member" fork-revoked "${carol_commit:0:12}" carol@acme.example "${removal:0:12}" -- A
hand_merge alice alice@acme.example
expect_merge_violation "removed member" fork-revoked "${carol_commit:0:12}"
# The other way round: the removal pushed first, the removed member's commit merged by bob.
scenario removed-first
cd "$a"
A member remove carol@acme.example >/dev/null
A sync >/dev/null
cd "$b"
C comment "$WORKREC" "carol, offline" >/dev/null
carol_commit=$(git rev-parse refs/heads/docket)
expect_sync_refused 3 "removed member, removal pushed first" fork-revoked "${carol_commit:0:12}" "not a member" -- B
hand_merge bob bob@acme.example
expect_merge_violation "removed member, removal pushed first" fork-revoked "${carol_commit:0:12}"

# 2. A role taken away (approver -> responder) on one side while the member approved on the other.
scenario role
cd "$a"
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role responder >/dev/null
A sync >/dev/null
cd "$b"
B approve "$PEND" --note "fine by me" >/dev/null
approval=$(git rev-parse refs/heads/docket)
expect_sync_refused 3 "role taken away" fork-revoked "${approval:0:12}" "approver role" -- B
hand_merge bob bob@acme.example
expect_merge_violation "role taken away" fork-revoked "approver role"

# 3. A key replaced on one side (remove, add with a new key) while the old key signed on the other.
scenario key
cd "$a"
A member remove carol@acme.example >/dev/null
A member add carol@acme.example --key "$HOME/carol2_ed25519.pub" --role responder >/dev/null
A sync >/dev/null
cd "$b"
C comment "$WORKREC" "signed with carol's old key" >/dev/null
old_key_commit=$(git rev-parse refs/heads/docket)
expect_sync_refused 3 "key replaced" fork-revoked "${old_key_commit:0:12}" "key" -- B
hand_merge bob bob@acme.example
expect_merge_violation "key replaced" fork-revoked "no longer listed"

# 4. An approval and a denial in the same round.
scenario approve-deny
cd "$a"
D approve "$PEND" --note "ok" >/dev/null
A sync >/dev/null
cd "$b"
B deny "$PEND" --reason "not a false positive" >/dev/null
expect_sync_refused 5 "approval and denial in one round" "$PEND" approve-deny-same-round -- B
hand_merge bob bob@acme.example
expect_merge_violation "approval and denial in one round" merge-conflict approve-deny-same-round

# 5. A reopen on one side and a post-closure review on the other.
scenario reopen-review
cd "$a"
C reopen "$CLOSED" --reason "seen again" >/dev/null
A sync >/dev/null
cd "$b"
B review "$CLOSED" --note "no recurrence" >/dev/null
expect_sync_refused 5 "reopen and review" "$CLOSED" reopen-concurrent -- B
hand_merge bob bob@acme.example
expect_merge_violation "reopen and review" merge-conflict reopen-concurrent

# 6. A revoke on one side and a renewal on the other.
scenario revoke-renew
cd "$a"
C revoke "$ACC" --note "vendor gone" >/dev/null
A sync >/dev/null
cd "$b"
B renew "$ACC" --expires 60d --reason "vendor needs more time" >/dev/null
expect_sync_refused 5 "revoke and renew" "$ACC" revoke-concurrent -- B
hand_merge bob bob@acme.example
expect_merge_violation "revoke and renew" merge-conflict revoke-concurrent

# 7. No false alarm: a configuration change on one side (a member added, another's role
# changed) and ordinary work by others on the other side merge and verify cleanly.
scenario clean
cd "$a"
A member add erin@acme.example --key "$HOME/erin_ed25519.pub" --role responder >/dev/null
A member add dave@acme.example --key "$HOME/dave_ed25519.pub" --role responder >/dev/null
C comment "$WORKREC" "carol on a" >/dev/null
A sync >/dev/null
cd "$b"
C comment "$WORKREC" "carol on b" >/dev/null
B approve "$PEND" --note "ok" >/dev/null
C reopen "$CLOSED" --reason "seen again" >/dev/null
expect_status 0 "clean fork: sync merges" B sync
expect_status 0 "clean fork: verify passes" B verify
expect_contains "$OUT" "0 violations" "clean fork: no violation"
cd "$a"
expect_status 0 "clean fork: the other clone fast-forwards" A sync
expect_status 0 "clean fork: verify passes there too" A verify
[ "$(state_of "$PEND")/$(state_of "$CLOSED")" = closed/investigating ] && pass "clean fork: both sides' moves arrived" ||
  fail "clean fork: states $(state_of "$PEND")/$(state_of "$CLOSED")"
finish
