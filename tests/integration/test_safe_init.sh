#!/usr/bin/env bash
# A safe init (issue 14): after `docket init` the work tree never holds the store, plain git
# there cannot move the store's ref (the reference-transaction guard), git's own maintenance and
# a push from `docket sync` still pass, and a tip docket did not make is named by every command.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example
# Configured as the README sets it up: git signs with the same key docket uses.
git config --global user.email alice@acme.example
git config --global user.name alice
git config --global gpg.format ssh
git config --global user.signingkey "$HOME/alice_ed25519"
D() { "$DOCKET_BIN" "$@"; }

repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
expect_status 0 "init in an empty folder" D init
[ "$(git symbolic-ref HEAD)" != refs/heads/docket ] && pass "HEAD does not name the store's ref" || fail "HEAD names refs/heads/docket"
[ -z "$(git status --porcelain)" ] && pass "git status --porcelain prints nothing" || fail "git status: $(git status --porcelain | head -3)"
hook="$repo/.git/hooks/reference-transaction"
[ -x "$hook" ] && head -1 "$hook" | grep -qx '#!/bin/sh' && pass "the ref guard hook is installed, executable" || fail "no hook at $hook"
[ "$(stat -c %a "$hook")" = 755 ] && pass "the hook's mode is 0755" || fail "hook mode $(stat -c %a "$hook")"
id=$(D open --title "svc-deploy key in CI logs" --severity high)
good=$(ref_of "$repo" refs/heads/docket)
[ -z "$(git status --porcelain)" ] && pass "git status stays clean after a docket command" || fail "git status after open"

# --- plain git in the work tree: its commits start a branch of their own -------------------
echo "notes" >notes.txt
git add -A && git commit -q -m x
git commit -q --allow-empty -m y
git -c commit.gpgsign=true commit -q --allow-empty -m "signed by a member's key"
[ "$(ref_of "$repo" refs/heads/docket)" = "$good" ] && pass "commits in the work tree leave refs/heads/docket where it was" ||
  fail "refs/heads/docket moved"
[ "$(git rev-parse --abbrev-ref HEAD)" = main ] && pass "they went to main" || fail "HEAD is $(git rev-parse --abbrev-ref HEAD)"
trail=$(git log --format=%s docket)
expect_contains "$trail" "docket: init store" "git log docket shows the trail"
expect_contains "$trail" "docket: open $id" "git log docket shows the open"
expect_status 0 "docket verify accepts the store" D verify

# --- the store's branch checked out: the guard refuses plain git's updates -------------------
git checkout -q docket
[ -z "$(git status --porcelain)" ] && pass "checked out, the work tree is the store's tree" || fail "git status after checkout"
expect_status 128 "git commit on the checked-out store branch is refused" git commit --allow-empty -m "stray"
expect_contains "$ERR" "refused to move refs/heads/docket" "the refusal names the ref"
expect_contains "$ERR" "signed docket commands" "the refusal says how the store changes"
expect_contains "$ERR" "git switch -" "the refusal says how to get back"
expect_status 128 "a signed git commit there is refused too" git -c commit.gpgsign=true commit --allow-empty -m "stray signed"
expect_status 128 "git reset there is refused" git reset -q --soft HEAD~1
expect_status 128 "git update-ref there is refused" git update-ref refs/heads/docket HEAD~1
expect_status 128 "git commit --amend there is refused" git commit -q --amend --allow-empty -m "amended"
[ "$(ref_of "$repo" refs/heads/docket)" = "$good" ] && pass "the ref did not move" || fail "the ref moved"
expect_status 0 "git pack-refs --all passes the guard" git pack-refs --all
grep -q " refs/heads/docket$" .git/packed-refs && pass "the ref is in packed-refs" || fail "packed-refs lacks the ref"
expect_status 0 "git gc passes the guard" git gc -q
[ "$(ref_of "$repo" refs/heads/docket)" = "$good" ] && pass "the ref is where it was after gc" || fail "gc moved the ref"
expect_status 0 "docket commands still move the ref while it is checked out" D comment "$id" "from the checkout"
good=$(ref_of "$repo" refs/heads/docket)
git reset -q --hard 2>/dev/null || true
wt="$WORK/wt"
git switch -q main
git worktree add -q "$wt" docket
expect_status 128 "a linked work tree on the store branch is guarded too" git -C "$wt" commit --allow-empty -m "stray"
git worktree remove --force "$wt"
[ "$(ref_of "$repo" refs/heads/docket)" = "$good" ] && pass "the ref did not move" || fail "the ref moved"

# --- a push from docket sync elsewhere passes the guard ------------------------------------
clone="$WORK/clone"
git clone -q "$repo" "$clone" 2>/dev/null
cd "$clone"
expect_status 0 "a clone takes the store with docket sync" D sync
D comment "$id" "from the clone" >/dev/null
expect_status 0 "sync pushes into the non-bare store folder" D sync
[ "$(ref_of "$repo" refs/heads/docket)" = "$(ref_of "$clone" refs/heads/docket)" ] && pass "the push moved the store's ref" ||
  fail "the push did not land: $ERR"
cd "$repo"
good=$(ref_of "$repo" refs/heads/docket)
expect_status 0 "the store reads the pushed commit" D show "$id"

# --- a commit forced onto the ref past the guard: every command names it ---------------------
empty_tree=$(git hash-object -t tree /dev/null)
stray=$(git commit-tree "$empty_tree" -p "$good" -m "x")
git update-ref refs/heads/docket "$stray"
for cmd in "list" "show $id" "log $id" "check" "report" "export --format sarif" "member list" "comment $id again"; do
  # shellcheck disable=SC2086
  expect_status 8 "docket $cmd on a tip plain git made" D $cmd
  expect_contains "$ERR" "refs/heads/docket is at ${stray:0:12}, a commit docket did not make" "docket $cmd names the ref and the commit"
  expect_contains "$ERR" "no Docket-Command trailer, unsigned, its tree is not a store: no docket.yaml" "docket $cmd says what it is"
  expect_contains "$ERR" "git update-ref refs/heads/docket $good $stray" "docket $cmd says how to put the ref back"
done
grep -q "no exceptions" <<<"$OUT" && fail "list said no exceptions" || pass "nothing claims the store is empty"
expect_status 1 "docket verify flags the commit" D verify
expect_contains "$OUT" "commit ${stray:0:12} rule signature-missing" "verify names the commit and the rule"
expect_status 1 "docket verify --json flags it" D verify --json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(v["commit"]==sys.argv[1] and v["rule"]=="signature-missing" for v in d["violations"])' \
  "$stray" <<<"$OUT" && pass "verify --json names the commit and rule" || fail "verify --json: $OUT"

# Signed with a member's key, emptying the store (the issue's plain `git commit` on the branch).
git update-ref refs/heads/docket "$good"
signed=$(git commit-tree -S "$empty_tree" -p "$good" -m "x")
git update-ref refs/heads/docket "$signed"
expect_status 8 "list on a signed tip that emptied the store" D list
expect_contains "$ERR" "${signed:0:12}, a commit docket did not make (no Docket-Command trailer, its tree is not a store" \
  "list says what the signed commit lacks"
expect_status 1 "verify flags the signed commit" D verify
expect_contains "$OUT" "commit ${signed:0:12}" "verify names the signed commit"

# With no verified tip recorded (a copy never verified here), the hint is the docket commit below.
git config --unset docket.refs/heads/docket.verifiedtip
expect_status 8 "list with no verified tip recorded" D list
expect_contains "$ERR" "put the ref back on ${good:0:12}, the last commit docket made below it" "the hint finds the last docket commit"
git update-ref refs/heads/docket "$good" "$signed"
expect_status 0 "the hinted update-ref restores the store" D list
expect_contains "$OUT" "$id" "the exception is listed again"

# --- other repositories -----------------------------------------------------------------------
other="$WORK/own-hook"
git init -q "$other"
printf '#!/bin/sh\nexit 0\n' >"$other/.git/hooks/reference-transaction"
chmod +x "$other/.git/hooks/reference-transaction"
expect_status 0 "init where a reference-transaction hook exists" D -C "$other" init
expect_contains "$OUT" "not docket's" "init says the hook is not docket's"
expect_contains "$OUT" ".git/docket/ref-guard" "init names the script to run from it"
[ "$(cat "$other/.git/hooks/reference-transaction")" = "$(printf '#!/bin/sh\nexit 0')" ] && pass "the user's hook is left alone" ||
  fail "the user's hook changed"
[ -x "$other/.git/docket/ref-guard" ] && pass "the guard script is written beside it" || fail "no .git/docket/ref-guard"

hp="$WORK/hooks-path"
git init -q "$hp"
git -C "$hp" config core.hooksPath "$WORK/shared-hooks"
expect_status 0 "init --json where core.hooksPath is set" D -C "$hp" init --json
[ "$(json_field "['ref_guard']['state']" <<<"$OUT")" = hooks-path-set ] && pass "the JSON says hooks-path-set" || fail "json: $OUT"
[ ! -e "$WORK/shared-hooks/reference-transaction" ] && pass "the shared hooks folder is left alone" || fail "wrote into core.hooksPath"

bare="$WORK/bare.git"
git init -q --bare "$bare"
expect_status 0 "init --json in a bare repository" D -C "$bare" init --json
[ "$(json_field "['ref_guard']['state']" <<<"$OUT")" = bare-repository ] && pass "the JSON says bare-repository" || fail "json: $OUT"
[ ! -e "$bare/hooks/reference-transaction" ] && pass "no hook in a bare repository" || fail "a hook in the bare repository"

named="$WORK/named"
git init -q -b docket "$named"
expect_status 0 "init where HEAD names the unborn store ref (git init -b docket)" D -C "$named" init --json
[ "$(git -C "$named" symbolic-ref HEAD)" = refs/heads/main ] && pass "HEAD now names main" || fail "HEAD: $(git -C "$named" symbolic-ref HEAD)"
[ "$(json_field "['head']" <<<"$OUT")" = refs/heads/main ] && pass "the JSON says where HEAD went" || fail "json: $OUT"
[ -z "$(git -C "$named" status --porcelain)" ] && pass "git status is clean there" || fail "git status there"

finish
