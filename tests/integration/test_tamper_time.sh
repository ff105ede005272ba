#!/usr/bin/env bash
# The trail as a trust boundary, part one: time, rollback, unverified history and hostile trees.
# An adversary with push access (and only their own key, or a member's key where that is the
# point) forges history with plain git or with docket under a chosen clock; `docket verify`
# exits 1 naming the commit and the rule, and every other command (list, show, check, comment,
# sync) refuses to act (exit 8) and leaves every ref where it was. The clean store verifies with
# no alarm, and legitimate new commits (another clone's, fetched with plain git) are verified
# incrementally without one either.
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/tamper_lib.sh"

make_user alice alice@acme.example     # admin + approver (founder)
make_user bob bob@acme.example         # approver + responder
make_user carol carol@acme.example     # responder
make_user mallory mallory@evil.example # never a member
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }

clean="$WORK/clean"
mkdir -p "$clean" && cd "$clean"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder --name bob >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder --name carol >/dev/null
OPEN=$(C open --title "stale deploy key on build host" --severity medium --identity ssh-key:deploy --system ci/build)
C comment "$OPEN" "first look" >/dev/null
expect_status 0 "the clean store verifies" A verify
expect_contains "$OUT" "0 violations" "no violation in the clean store"
recorded=$(git -C "$clean" config --local docket.refs/heads/docket.verifiedtip || true)
[ "$recorded" = "$(git -C "$clean" rev-parse refs/heads/docket)" ] && pass "the verified tip is recorded in git config" ||
  fail "recorded verified tip '$recorded'"

epoch_of() { git -C "$T" log -1 --format=%ct "$1"; }


# expect_refused WHAT RULE: read and write commands refuse the store (exit 8) naming the rule,
# and the ref does not move.
expect_refused() {
  local what=$1 rule=$2 before
  before=$(tip)
  for cmd in "list" "check" "show $OPEN"; do
    # shellcheck disable=SC2086
    expect_status 8 "$what: docket $cmd refuses the unverified history" C -C "$T" $cmd
    expect_contains "$ERR" "$rule" "$what: docket $cmd names rule $rule"
  done
  expect_status 8 "$what: docket comment refuses to build on it" C -C "$T" comment "$OPEN" "on top"
  [ "$(tip)" = "$before" ] && pass "$what: the ref did not move" || fail "$what: the ref moved"
}

# ---------------------------------------------------------------------------------------------
# Time.

# 1. A commit dated before its parent (backdating a change to before an expiry, say).
fresh backdated
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
parent_time=$(epoch_of refs/heads/docket~1)
when="@$((parent_time - 86400)) +0000"
GIT_COMMITTER_DATE="$when" GIT_AUTHOR_DATE="$when" gitas carol carol@acme.example carol commit -q --amend --no-edit -S
seen_up_to refs/heads/docket~1
expect_violation "commit dated before its parent" time-order
expect_refused "commit dated before its parent" time-order

# 2. A commit dated in the future (an approval that pretends to come after an expiry), made by
# docket itself under a chosen clock: the signature and replay are genuine, only the time lies.
fresh future
tomorrow=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
DOCKET_NOW=$tomorrow C -C "$T" comment "$OPEN" "written tomorrow" >/dev/null
seen_up_to refs/heads/docket~1
expect_violation "commit dated a day in the future" time-future
expect_contains "$OUT" "plus the allowed skew of 5m" "the explanation names the policy's skew"
expect_refused "commit dated in the future" time-future
# ... which becomes acceptable once the verifier's clock reaches it (DOCKET_NOW is the clock).
expect_status 0 "the same history verifies at a clock a day later" env DOCKET_NOW="$(date -u -d '+1 day 1 minute' +%Y-%m-%dT%H:%M:%SZ)" "$DOCKET_BIN" -C "$T" verify --tip "$(tip)"

# 3. Author date differs from the commit date (authorship backdated, commit date honest).
fresh author-date
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
gitas carol carol@acme.example carol commit -q --amend --no-edit --date="@$(($(epoch_of refs/heads/docket) - 3600)) +0000" -S
expect_violation "author date differs from commit date" author-is-committer
expect_contains "$OUT" "author date" "the explanation is about the date"

# 4. Author name differs from the committer name.
fresh author-name
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
gitas carol carol@acme.example carol commit -q --amend --no-edit --author="Bob Builder <carol@acme.example>" -S
expect_violation "author name differs from committer name" author-is-committer

# 5. A commit dated after 9999-12-31: a time docket cannot write or read.
fresh year-10000
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
GIT_COMMITTER_DATE="@253402300900 +0000" GIT_AUTHOR_DATE="@253402300900 +0000" gitas carol carol@acme.example carol commit -q --amend --no-edit -S
expect_violation "commit dated in the year 10000" time-range

# 6. The CLI refuses to commit with a clock earlier than the tip (DOCKET_NOW cannot reorder history).
fresh clock-behind
before=$(tip)
expect_status 3 "a comment with DOCKET_NOW before the tip is refused" env DOCKET_NOW=2020-01-01T00:00:00Z \
  DOCKET_ACTOR_EMAIL=carol@acme.example DOCKET_SIGNING_KEY="$HOME/carol_ed25519" "$DOCKET_BIN" -C "$T" comment "$OPEN" "from the past"
expect_contains "$ERR" "time-order" "the refusal names the rule"
expect_contains "$ERR" "earlier than its parent" "the refusal says the clock is earlier than the last commit"
[ "$(tip)" = "$before" ] && pass "the ref did not move" || fail "the ref moved"
expect_status 2 "DOCKET_NOW before 1970 is refused" env DOCKET_NOW=1969-12-31T23:59:59Z "$DOCKET_BIN" -C "$T" list

# 7. A far clock that would put the SLA due date past 9999 is refused before anything is written.
fresh far-clock
before=$(tip)
expect_status 3 "an open whose SLA due date would pass 9999 is refused" env DOCKET_NOW=9999-12-30T00:00:00Z \
  DOCKET_ACTOR_EMAIL=carol@acme.example DOCKET_SIGNING_KEY="$HOME/carol_ed25519" "$DOCKET_BIN" -C "$T" open --title "far" --severity low
expect_contains "$ERR" "time-range" "the refusal names rule time-range"
[ "$(tip)" = "$before" ] && pass "the ref did not move" || fail "the ref moved"
expect_status 0 "the store still lists" C -C "$T" list

# 8. A policy duration so long that its due dates could not be written: the admin's own signed
# edit of docket.yaml leaves an unreadable configuration.
fresh long-sla
worktree
sed -i '/^sla:/,/^[a-z]/ s/^  low: .*/  low: 40000w/' "$W/docket.yaml"
grep -q "low: 40000w" "$W/docket.yaml" && pass "the SLA was edited" || fail "docket.yaml: $(cat "$W/docket.yaml")"
gitas alice alice@acme.example alice commit -q -a -S -m "docket: policy"
expect_violation "a 766-year SLA" config-valid
expect_contains "$OUT" "at most" "the explanation gives the allowed range"

# ---------------------------------------------------------------------------------------------
# No rollback, no freeze.

# 9. The ref rewound to an older commit (hiding an approval or a revocation).
fresh rewound
C -C "$T" comment "$OPEN" "second look" >/dev/null
newest=$(tip)
git -C "$T" update-ref refs/heads/docket refs/heads/docket~2
expect_violation "ref rewound by two commits" history-rewound
expect_contains "$OUT" "$newest" "the report names the last verified tip"
expect_status 8 "docket list refuses a rewound ref" C -C "$T" list
expect_contains "$ERR" "$newest" "the refusal names the last verified tip"
expect_contains "$ERR" "$(tip)" "the refusal names the current tip"
expect_contains "$ERR" "git config docket.refs/heads/docket.verifiedtip" "the refusal says how to accept a deliberate reset"
expect_status 8 "docket check refuses a rewound ref" C -C "$T" check
expect_status 8 "docket comment refuses a rewound ref" C -C "$T" comment "$OPEN" "on the old tip"
# Restoring the ref restores trust.
git -C "$T" update-ref refs/heads/docket "$newest"
expect_status 0 "with the ref restored, list works again" C -C "$T" list

# 10. The ref replaced by a different history that shares the root (a signed fork).
fresh replaced
cp -a "$T" "$WORK/attacker"
C -C "$WORK/attacker" comment "$OPEN" "the attacker's version" >/dev/null
C -C "$T" comment "$OPEN" "the real version" >/dev/null
real=$(tip)
git -C "$T" fetch -q "$WORK/attacker" refs/heads/docket
git -C "$T" update-ref refs/heads/docket "$(git -C "$WORK/attacker" rev-parse refs/heads/docket)"
expect_violation "ref replaced by a sibling history" history-rewound
expect_status 8 "docket show refuses a replaced ref" C -C "$T" show "$OPEN"
expect_contains "$ERR" "$real" "the refusal names the commit it had verified"

# 11. verify --tip pins the expected state: any other tip is a violation.
fresh pinned
pinned=$(tip)
C -C "$T" comment "$OPEN" "after the pin" >/dev/null
expect_status 1 "verify --tip with the older tip fails" "$DOCKET_BIN" -C "$T" verify --tip "$pinned"
expect_contains "$OUT" "rule tip-pinned:" "the report names tip-pinned"
expect_status 0 "verify --tip with the current tip passes" "$DOCKET_BIN" -C "$T" verify --tip "$(tip)"
expect_status 2 "verify --tip with a short id is a usage error" "$DOCKET_BIN" -C "$T" verify --tip "${pinned:0:12}"
root=$(git -C "$T" rev-list --max-parents=0 refs/heads/docket)
expect_status 2 "verify --root with a short id is a usage error" "$DOCKET_BIN" -C "$T" verify --root "${root:0:12}"
expect_contains "$ERR" "full commit id" "the message asks for the full id"
expect_status 0 "verify --root with the full id passes" "$DOCKET_BIN" -C "$T" verify --root "$root"

# 12. An unsigned commit appended with plain git: every command refuses to act on it.
fresh appended
worktree
f=$(record_file "$OPEN")
sed -i 's/^title: .*/title: nothing to see here/' "$W/$f"
gitas carol carol@acme.example carol commit -q -a --no-gpg-sign -m "docket: edit"
expect_violation "unsigned commit appended" signature-missing
expect_refused "unsigned commit appended" signature-missing

# 13. Legitimate commits made elsewhere and fetched with plain git are verified incrementally,
# without an alarm, and become the verified tip.
fresh incremental
cp -a "$T" "$WORK/other"
B -C "$WORK/other" comment "$OPEN" "from bob's clone" >/dev/null
B -C "$WORK/other" assign "$OPEN" carol@acme.example >/dev/null
git -C "$T" fetch -q --update-head-ok "$WORK/other" refs/heads/docket:refs/heads/docket
expect_status 0 "list accepts the new, valid commits" C -C "$T" list
[ "$(git -C "$T" config --local docket.refs/heads/docket.verifiedtip)" = "$(tip)" ] &&
  pass "the verified tip advanced to the fetched commits" || fail "verified tip not advanced"

# ---------------------------------------------------------------------------------------------
# Sync and check act only on verified history.

remote="$WORK/remote.git"
git init -q --bare "$remote"
git -C "$clean" remote add origin "$remote"
A -C "$clean" sync origin >/dev/null
git clone -q --bare "$remote" "$WORK/forger.git"

# 14. The remote carries an unsigned commit: sync refuses, moves no ref, pushes nothing.
fresh sync-forged
worktree
f=$(record_file "$OPEN")
sed -i 's/^title: .*/title: forged on the remote/' "$W/$f"
gitas carol carol@acme.example carol commit -q -a --no-gpg-sign -m "docket: edit"
git -C "$T" push -q "$remote" refs/heads/docket:refs/heads/docket
cp -a "$clean" "$WORK/victim"
victim_tip=$(git -C "$WORK/victim" rev-parse refs/heads/docket)
tracking_before=$(git -C "$WORK/victim" rev-parse --verify -q refs/docket-remotes/origin/docket || echo none)
remote_tip=$(git -C "$remote" rev-parse refs/heads/docket)
C -C "$WORK/victim" comment "$OPEN" "unpushed local work" >/dev/null
local_tip=$(git -C "$WORK/victim" rev-parse refs/heads/docket)
expect_status 8 "sync refuses a remote with an unsigned commit" C -C "$WORK/victim" sync origin
expect_contains "$ERR" "signature-missing" "sync names the rule"
expect_contains "$ERR" "${remote_tip:0:12}" "sync names the remote commit"
[ "$(git -C "$WORK/victim" rev-parse refs/heads/docket)" = "$local_tip" ] && pass "sync: the local ref did not move" || fail "sync moved the local ref"
[ "$(git -C "$WORK/victim" rev-parse --verify -q refs/docket-remotes/origin/docket || echo none)" = "$tracking_before" ] &&
  pass "sync: the tracking ref is where it was" || fail "sync moved the tracking ref"
[ "$(git -C "$remote" rev-parse refs/heads/docket)" = "$remote_tip" ] && pass "sync: nothing was pushed" || fail "sync pushed"
expect_status 0 "the victim's own store still verifies" C -C "$WORK/victim" verify

# 15. A fresh clone refuses to take a forged history at all.
mkdir -p "$WORK/newcomer" && git -C "$WORK/newcomer" init -q && git -C "$WORK/newcomer" remote add origin "$remote"
expect_status 8 "a first sync refuses a forged remote history" C -C "$WORK/newcomer" sync origin
git -C "$WORK/newcomer" rev-parse --verify -q refs/heads/docket >/dev/null && fail "the forged store was taken" ||
  pass "no local store was created from the forged history"

# 16. The remote carries a commit dated in the future (within a member's real signature).
git -C "$remote" update-ref refs/heads/docket "$(git -C "$clean" rev-parse refs/heads/docket)"
fresh sync-future
C -C "$T" comment "$OPEN" "from the future" >/dev/null
worktree
when="@$(($(date +%s) + 7200)) +0000"
GIT_COMMITTER_DATE="$when" GIT_AUTHOR_DATE="$when" gitas carol carol@acme.example carol commit -q --amend --no-edit -S
git -C "$T" push -q -f "$remote" refs/heads/docket:refs/heads/docket
cp -a "$clean" "$WORK/victim2"
before=$(git -C "$WORK/victim2" rev-parse refs/heads/docket)
expect_status 8 "sync refuses a commit dated two hours ahead" C -C "$WORK/victim2" sync origin
expect_contains "$ERR" "time-future" "sync names time-future"
[ "$(git -C "$WORK/victim2" rev-parse refs/heads/docket)" = "$before" ] && pass "the local ref did not move" || fail "the local ref moved"

# ---------------------------------------------------------------------------------------------
# Merges made by hand: the signer, the name and the message are held to what sync writes.

# forge COMMIT KEYNAME PYTHON-REGEX REPLACEMENT: COMMIT's raw object with the regex applied to its
# header, re-signed (ssh-keygen -Y sign, as git does) with KEYNAME's key; prints the new id.
forge() {
  python3 - "$T" "$1" "$HOME/${2}_ed25519" "$3" "$4" <<'PY'
import re, subprocess, sys
repo, commit, key, pattern, repl = sys.argv[1:]
raw = subprocess.run(["git", "-C", repo, "cat-file", "commit", commit], check=True, capture_output=True).stdout.decode()
head, _, msg = raw.partition("\n\n")
lines, skip = [], False
for line in head.split("\n"):
    if line.startswith("gpgsig "): skip = True; continue
    if skip and line.startswith(" "): continue
    skip = False; lines.append(line)
head = re.sub(pattern, repl, "\n".join(lines), flags=re.M)
payload = head + "\n\n" + msg
sig = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "git", "-f", key], input=payload.encode(), check=True, capture_output=True).stdout.decode()
sig = sig.rstrip("\n").replace("\n", "\n ")
obj = head + "\ngpgsig " + sig + "\n\n" + msg
print(subprocess.run(["git", "-C", repo, "hash-object", "-t", "commit", "-w", "--stdin", "--literally"], input=obj.encode(), check=True, capture_output=True).stdout.decode().strip())
PY
}
# merge_as KEYNAME EMAIL NAME MESSAGE PARENT1 PARENT2: a signed merge commit made with plain git.
merge_as() {
  git -C "$T" -c user.name="$3" -c user.email="$2" -c gpg.format=ssh -c user.signingkey="$HOME/${1}_ed25519" \
    commit-tree -S "$5^{tree}" -p "$5" -p "$6" -m "$4"
}
sync_msg="docket: sync merge with origin

Docket-Command: sync"

# 19. A merge signed with the key of a member removed on one side (her key is in that side's
# revoked_keys): a removed member cannot get a signed commit into the trail through a merge.
fresh merge-revoked
cp -a "$T" "$WORK/admin-side"
C -C "$T" comment "$OPEN" "carol's side" >/dev/null
side=$(tip)
A -C "$WORK/admin-side" member remove carol@acme.example >/dev/null
git -C "$T" fetch -q "$WORK/admin-side" refs/heads/docket
removal=$(git -C "$WORK/admin-side" rev-parse refs/heads/docket)
merge=$(merge_as carol carol@acme.example carol "$sync_msg" "$removal" "$side")
git -C "$T" update-ref refs/heads/docket "$merge"
expect_violation "a merge signed with a revoked key" key-revoked
expect_status 8 "docket list refuses the merge" C -C "$T" list

# 20. A merge whose message lies: a subject and a replay line claiming an approval.
fresh merge-message
cp -a "$T" "$WORK/bob-side"
C -C "$T" comment "$OPEN" "carol's side" >/dev/null
side=$(tip)
B -C "$WORK/bob-side" comment "$OPEN" "bob's side" >/dev/null
git -C "$T" fetch -q "$WORK/bob-side" refs/heads/docket
other=$(git -C "$WORK/bob-side" rev-parse refs/heads/docket)
merge=$(merge_as carol carol@acme.example carol "docket: approve $OPEN

Docket-Command: approve
Docket-Replay: {\"id\":\"$OPEN\",\"note\":\"fine\",\"verb\":\"approve\"}" "$side" "$other")
git -C "$T" update-ref refs/heads/docket "$merge"
expect_violation "a merge whose message claims an approval" message-mismatch

# 21. A "merge" of a commit with its own ancestor, only to carry a message and a signer.
fresh merge-ancestor
C -C "$T" comment "$OPEN" "looking" >/dev/null
merge=$(merge_as carol carol@acme.example carol "$sync_msg" "$(tip)" "$(git -C "$T" rev-parse refs/heads/docket~1)")
git -C "$T" update-ref refs/heads/docket "$merge"
expect_violation "a merge of a commit with its ancestor" merge-parents

# 22. A merge under another name than the merger's recorded one.
fresh merge-name
cp -a "$T" "$WORK/bob-side2"
C -C "$T" comment "$OPEN" "carol's side" >/dev/null
side=$(tip)
B -C "$WORK/bob-side2" comment "$OPEN" "bob's side" >/dev/null
git -C "$T" fetch -q "$WORK/bob-side2" refs/heads/docket
merge=$(merge_as carol carol@acme.example "Alice Admin" "$sync_msg" "$side" "$(git -C "$WORK/bob-side2" rev-parse refs/heads/docket)")
git -C "$T" update-ref refs/heads/docket "$merge"
expect_violation "a merge under another member's name" committer-name

# 23. An author offset libgit2 cannot read (+9999), re-signed by the member: the stored author
# line differs from the committer line.
fresh offset
C -C "$T" comment "$OPEN" "looking" >/dev/null
forged=$(forge "$(tip)" carol '^(author .* [0-9]+) \+0000$' '\1 +9999')
git -C "$T" update-ref refs/heads/docket "$forged"
seen_up_to refs/heads/docket~1
expect_violation "an author offset of +9999" author-is-committer

# 24. The remote's ref written by hand on the host to point at a tag object: sync refuses and no
# ref moves.
git -C "$remote" update-ref refs/heads/docket "$(git -C "$clean" rev-parse refs/heads/docket)"
cp -a "$clean" "$WORK/victim3"
printf 'object %s\ntype commit\ntag trap\ntagger Mallory <mallory@evil.example> 1700000000 +0000\n\nnot a commit\n' \
  "$(git -C "$remote" rev-parse refs/heads/docket)" >"$WORK/tag.txt"
tag=$(git -C "$remote" mktag <"$WORK/tag.txt")
printf '%s\n' "$tag" >"$remote/refs/heads/docket"
before=$(git -C "$WORK/victim3" rev-parse refs/heads/docket)
tracking=$(git -C "$WORK/victim3" rev-parse --verify -q refs/docket-remotes/origin/docket || echo none)
expect_status 8 "sync refuses a remote ref that points at a tag" C -C "$WORK/victim3" sync origin
expect_contains "$ERR" "does not point at a commit" "the refusal says why"
[ "$(git -C "$WORK/victim3" rev-parse refs/heads/docket)" = "$before" ] && pass "the local ref did not move" || fail "the local ref moved"
[ "$(git -C "$WORK/victim3" rev-parse --verify -q refs/docket-remotes/origin/docket || echo none)" = "$tracking" ] && pass "the tracking ref is where it was" || fail "the tracking ref moved"

# ---------------------------------------------------------------------------------------------
# Hostile trees cannot crash verify.

# deep_tree DEPTH: a tree id of DEPTH nested folders with one file at the bottom.
deep_tree() {
  local depth=$1 blob tree i
  blob=$(echo "deep" | git -C "$T" hash-object -w --stdin)
  tree=$(printf '100644 blob %s\tf\n' "$blob" | git -C "$T" mktree)
  for ((i = 0; i < depth; i++)); do tree=$(printf '040000 tree %s\td\n' "$tree" | git -C "$T" mktree); done
  echo "$tree"
}
# with_subtree TREE: the tip's tree with exceptions/zz/ holding TREE as folder `d`.
with_subtree() {
  local sub=$1 zz exc
  zz=$(printf '040000 tree %s\td\n' "$sub" | git -C "$T" mktree)
  exc=$( (git -C "$T" ls-tree refs/heads/docket:exceptions; printf '040000 tree %s\tzz\n' "$zz") | git -C "$T" mktree)
  (git -C "$T" ls-tree refs/heads/docket | grep -v "	exceptions$"; printf '040000 tree %s\texceptions\n' "$exc") | git -C "$T" mktree
}

# 17. A signed commit (by the admin) whose tree nests 2,000 folders deep.
fresh deep-signed
deep=$(deep_tree 2000)
tree=$(with_subtree "$deep")
commit=$(git -C "$T" -c user.name=alice -c user.email=alice@acme.example -c gpg.format=ssh -c user.signingkey="$HOME/alice_ed25519" \
  commit-tree -S "$tree" -p refs/heads/docket -m "docket: deep")
git -C "$T" update-ref refs/heads/docket "$commit"
expect_violation "a signed commit with a 2,000-deep tree" file-mode
expect_contains "$OUT" "nested deeper than the store's layout" "the explanation names the nesting"

# 18. The same tree in an unsigned commit: verify stops at the signature, never walks the tree.
fresh deep-unsigned
deep=$(deep_tree 2000)
tree=$(with_subtree "$deep")
commit=$(git -C "$T" -c user.name=carol -c user.email=carol@acme.example commit-tree "$tree" -p refs/heads/docket -m "docket: deep")
git -C "$T" update-ref refs/heads/docket "$commit"
expect_violation "an unsigned commit with a 2,000-deep tree" signature-missing
grep -q "rule file-mode" <<<"$OUT" && fail "the unsigned commit's tree was judged" || pass "the unsigned commit's tree was not walked"

finish
