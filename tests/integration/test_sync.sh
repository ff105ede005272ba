#!/usr/bin/env bash
# Two clones work offline on the same exception and on different ones, then sync through a bare
# remote: both sides' comments and evidence survive in one signed merge commit that docket
# verify and stock git accept. Then: a configuration conflict is reported and nothing is
# pushed, a remote holding another store is refused, bad remote names are refused, and the
# same exchange works over git:// (git daemon on 127.0.0.1).
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example  # admin, works in clone a
make_user bob bob@acme.example      # responder + approver, works in clone b
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
comments_of() { python3 -c 'import json,sys; print("\n".join(c["text"] for c in json.load(sys.stdin)["exception"]["comments"]))'; }
evidence_of() { python3 -c 'import json,sys; print("\n".join(e["name"] for e in json.load(sys.stdin)["exception"]["evidence"]))'; }

remote="$WORK/remote.git"
git init -q --bare "$remote"

# --- clone a creates the store and publishes it ---------------------------------------------
a="$WORK/a"
mkdir -p "$a" && cd "$a"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role responder --role approver >/dev/null
git remote add origin "$remote"
expect_status 0 "sync publishes the store to an empty remote" A sync
expect_contains "$OUT" "published" "the summary says the store was published"
[ "$(ref_of "$remote" refs/heads/docket)" = "$(ref_of "$a" refs/heads/docket)" ] && pass "remote ref equals ours" || fail "remote ref differs"
shared=$(A open --title "svc-deploy key in CI variables")
A comment "$shared" "before the split" >/dev/null
expect_status 0 "sync pushes new work" A sync --json
[ "$(json_field "['pushed']" <<<"$OUT")" = True ] && pass "--json says pushed" || fail "json: $OUT"

# --- clone b is made with stock git and takes the store with sync ----------------------------
b="$WORK/b"
git clone -q "$remote" "$b" 2>/dev/null
cd "$b"
[ -z "$(ref_of "$b" refs/heads/docket)" ] && pass "a fresh clone has no local docket ref" || fail "clone made the ref"
expect_status 0 "first sync in a fresh clone fast-forwards" B sync
expect_contains "$OUT" "fast-forwarded" "summary says fast-forwarded"
expect_contains "$OUT" "trust root recorded" "the trust root is recorded on first sync"
[ "$(git config docket.refs/heads/docket.root)" = "$(git rev-list --max-parents=0 refs/heads/docket)" ] &&
  pass "recorded root is the store's first commit" || fail "root not recorded"
expect_status 0 "sync again is up to date" B sync
expect_contains "$OUT" "up to date" "summary says up to date"

# --- both work offline -----------------------------------------------------------------------
cd "$a"
echo "rotation log from alice" >"$WORK/rotation-alice.txt"
A comment "$shared" "alice: rotating the key" >/dev/null
A attach "$shared" "$WORK/rotation-alice.txt" --note "alice's evidence" >/dev/null
A move "$shared" triaged >/dev/null
only_a=$(A open --title "alice's own exception")
cd "$b"
echo "pipeline audit from bob" >"$WORK/pipeline-bob.txt"
B comment "$shared" "bob: pipeline reviewed" >/dev/null
B attach "$shared" "$WORK/pipeline-bob.txt" --note "bob's evidence" >/dev/null
B move "$shared" triaged >/dev/null
B move "$shared" investigating >/dev/null
only_b=$(B open --title "bob's own exception")

# --- sync: a pushes first, b merges, a fast-forwards -----------------------------------------
cd "$a"
expect_status 0 "a syncs first (push)" A sync
cd "$b"
expect_status 0 "b syncs: both moved, so it merges and pushes" B sync --json
[ "$(json_field "['merges']" <<<"$OUT")" = 1 ] && pass "one merge commit" || fail "json: $OUT"
expect_contains "$OUT" "$shared" "the shared exception is named as merged"
cd "$a"
expect_status 0 "a syncs again: fast-forward" A sync
expect_contains "$OUT" "fast-forwarded" "a fast-forwarded to the merge"
[ "$(ref_of "$a" refs/heads/docket)" = "$(ref_of "$b" refs/heads/docket)" ] && pass "both clones at the same commit" || fail "clones differ"
[ "$(ref_of "$remote" refs/heads/docket)" = "$(ref_of "$a" refs/heads/docket)" ] && pass "remote at the same commit" || fail "remote differs"

for clone in "$a" "$b"; do
  cd "$clone"
  comments=$(A show "$shared" --json | comments_of)
  for c in "before the split" "alice: rotating the key" "bob: pipeline reviewed"; do
    expect_contains "$comments" "$c" "$(basename "$clone") keeps comment '$c'"
  done
  evidence=$(A show "$shared" --json | evidence_of)
  expect_contains "$evidence" "rotation-alice.txt" "$(basename "$clone") keeps alice's evidence"
  expect_contains "$evidence" "pipeline-bob.txt" "$(basename "$clone") keeps bob's evidence"
  state=$(A show "$shared" --json | json_field "['exception']['state']")
  [ "$state" = investigating ] && pass "state further along wins ($state)" || fail "state is $state"
  A show "$only_a" >/dev/null && A show "$only_b" >/dev/null && pass "both new exceptions are there" || fail "an exception is missing"
  git cat-file -e "refs/heads/docket:evidence/$(sha256sum "$WORK/rotation-alice.txt" | cut -c1-2)/$(sha256sum "$WORK/rotation-alice.txt" | cut -d' ' -f1)" &&
    pass "alice's evidence blob is in the tree" || fail "evidence blob missing"
  expect_status 0 "docket verify passes in $(basename "$clone")" A verify
done
merge=$(git -C "$a" rev-list --min-parents=2 refs/heads/docket | head -1)
[ -n "$merge" ] && pass "the history has a merge commit" || fail "no merge commit"
expect_contains "$(git -C "$a" log -1 --format=%B "$merge")" "Docket-Command: sync" "the merge carries Docket-Command: sync"
verify_all_with_git "$a" refs/heads/docket

# --- a tampered merge is caught ----------------------------------------------------------------
cd "$a"
git -C "$a" cat-file commit "$merge" >"$WORK/merge.raw"
tree=$(git -C "$a" mktree </dev/null)
forged=$(sed "s/^tree .*/tree $tree/" "$WORK/merge.raw" | git -C "$a" hash-object -t commit -w --stdin)
git -C "$a" update-ref refs/heads/forged "$forged"
expect_status 1 "verify refuses a merge whose tree is not the merge" A --ref refs/heads/forged verify
expect_contains "$OUT" "signature" "the forged merge's signature no longer matches"
# Validly signed by a member, but the tree drops the second parent's side: not the merge.
first_tree=$(git -C "$a" rev-parse "$merge^1^{tree}")
signed_wrong=$(GIT_AUTHOR_NAME=alice GIT_AUTHOR_EMAIL=alice@acme.example GIT_COMMITTER_NAME=alice GIT_COMMITTER_EMAIL=alice@acme.example \
  git -C "$a" -c gpg.format=ssh -c user.signingkey="$HOME/alice_ed25519" commit-tree -S "$first_tree" -p "$merge^1" -p "$merge^2" -m "docket: sync merge with origin")
git -C "$a" update-ref refs/heads/wrong-tree "$signed_wrong"
expect_status 1 "verify refuses a signed merge whose tree drops one side" A --ref refs/heads/wrong-tree verify
expect_contains "$OUT" "merge-tree" "the violation names merge-tree"

# The merge is symmetric: the same tree with the parents swapped is the merge of (theirs, ours).
swapped=$(GIT_AUTHOR_NAME=alice GIT_AUTHOR_EMAIL=alice@acme.example GIT_COMMITTER_NAME=alice GIT_COMMITTER_EMAIL=alice@acme.example \
  git -C "$a" -c gpg.format=ssh -c user.signingkey="$HOME/alice_ed25519" commit-tree -S "$merge^{tree}" -p "$merge^2" -p "$merge^1" -m "$(git -C "$a" log -1 --format=%B "$merge")")
git -C "$a" update-ref refs/heads/swapped "$swapped"
expect_status 0 "a merge of the same parents in the other order has the same tree" A --ref refs/heads/swapped verify

# --- a configuration conflict is reported, nothing pushed -----------------------------------
make_user carol carol@acme.example
make_user dave dave@acme.example
cd "$a"
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role reporter >/dev/null
A sync >/dev/null
cd "$b"
A member add dave@acme.example --key "$HOME/dave_ed25519.pub" --role reporter >/dev/null
before_b=$(ref_of "$b" refs/heads/docket)
before_remote=$(ref_of "$remote" refs/heads/docket)
expect_status 5 "both sides changed docket.yaml: conflict" B sync
expect_contains "$ERR" "docket.yaml" "the conflict names the file"
expect_contains "$ERR" "configuration" "the conflict names the field"
echo "$ERR" | head -4 | sed 's/^/  | /'
[ "$(ref_of "$b" refs/heads/docket)" = "$before_b" ] && pass "our ref is untouched" || fail "our ref moved"
[ "$(ref_of "$remote" refs/heads/docket)" = "$before_remote" ] && pass "nothing was pushed" || fail "the remote moved"
expect_contains "$ERR" "docket sync origin --drop-local" "the conflict says how to drop the unpushed change"
expect_status 0 "sync --drop-local drops the unpushed change" B sync --drop-local
[ "$(ref_of "$b" refs/heads/docket)" = "$(ref_of "$remote" refs/heads/docket)" ] && pass "our ref is the remote's" || fail "our ref is not the remote's"
expect_status 0 "after dropping the unpushed change, sync is clean" B sync

# --- another store on a remote is refused --------------------------------------------------
other="$WORK/other"
mkdir -p "$other" && (cd "$other" && B init >/dev/null)
git init -q --bare "$WORK/other.git"
git -C "$other" push -q "$WORK/other.git" refs/heads/docket:refs/heads/docket
cd "$a"
git remote add other "$WORK/other.git"
expect_status 5 "a remote with another trust root is refused" A sync other
expect_contains "$ERR" "trust root" "the refusal names the trust root"
expect_status 4 "an unknown remote is named" A sync nosuch
expect_contains "$ERR" "git remote add" "the hint says how to add it"
expect_status 2 "a remote name that is not one is refused" A sync "bad..name"
expect_status 2 "a remote name like an option is refused" A sync -- "-oProxyCommand=touch$WORK/pwned"
[ ! -e "$WORK/pwned" ] && pass "nothing ran" || fail "an option got through"

# --- the same over git:// ---------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
git daemon --reuseaddr --base-path="$WORK" --export-all --enable=receive-pack --listen=127.0.0.1 --port="$port" "$WORK" \
  >"$WORK/daemon.log" 2>&1 &
daemon=$!
trap 'st=$?; kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; (exit $st); cleanup' EXIT
for _ in $(seq 50); do git ls-remote "git://127.0.0.1:$port/remote.git" >/dev/null 2>&1 && break; sleep 0.1; done
d="$WORK/d"
git clone -q "git://127.0.0.1:$port/remote.git" "$d" 2>/dev/null
cd "$d"
expect_status 0 "a git:// clone takes the store" B sync
B comment "$shared" "bob over git://" >/dev/null
cd "$a"
A comment "$shared" "alice on the file remote" >/dev/null
expect_status 0 "a pushes through the path remote" A sync
cd "$d"
expect_status 0 "d merges and pushes over git://" B sync
cd "$a"
A sync >/dev/null
comments=$(A show "$shared" --json | comments_of)
expect_contains "$comments" "bob over git://" "the git:// side's comment arrived"
expect_contains "$comments" "alice on the file remote" "the path side's comment is kept"
expect_status 0 "verify passes after the git:// round" A verify
finish
