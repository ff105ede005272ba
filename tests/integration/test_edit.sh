#!/usr/bin/env bash
# docket edit: title, severity (with its SLA due date), identity, system and owners in one signed
# commit with its replay line; refusals name their rule and leave the ref unmoved; a no-op makes
# no commit; verify replays edits and flags forged ones by rule; sync merges edits made on two
# clones. Stock git is the referee for signatures and commit counts.
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/tamper_lib.sh"

make_user alice alice@acme.example   # admin + approver (founder)
make_user bob bob@acme.example       # approver + responder
make_user carol carol@acme.example   # responder
make_user ci ci@acme.example         # reporter
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }
CI() { as ci ci@acme.example "$@"; }
count() { git -C "$repo" rev-list --count refs/heads/docket; }
field() { A show "$1" --json | json_field "['exception']$2"; }
# unmoved DESC: the ref is where it was when `before` was taken.
unmoved() { [ "$(ref_of "$repo" refs/heads/docket)" = "$before" ] && pass "$1: ref unmoved" || fail "$1: ref moved"; }

repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder --name Bob >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder --name Carol >/dev/null
A member add ci@acme.example --key "$HOME/ci_ed25519.pub" --role reporter --name CI >/dev/null

id=$(CI open --title "stale deploy key on build host" --severity medium --identity ssh-key:deploy --system ci/build \
  --owner carol@acme.example --owner platform@acme.example)
opened=$(field "$id" "['opened']['at']")

# --- one edit, several fields, one signed commit --------------------------------------------
n=$(count)
expect_status 0 "carol edits title, raises the severity and adds an owner" \
  C edit "$id" --title "deploy key with write access on build host" --severity critical --add-owner dave@acme.example --json
[ "$(json_field "['exception']['severity']" <<<"$OUT")" = critical ] && pass "--json prints the edited record" || fail "json: $OUT"
[ "$(count)" -eq $((n + 1)) ] && pass "the edit is one commit" || fail "commits: $n -> $(count)"
msg=$(git -C "$repo" log -1 --format=%B refs/heads/docket)
expect_contains "$msg" "docket: edit $id: title 'stale deploy key on build host' -> " "the subject says what the edit did"
expect_contains "$msg" "Docket-Command: edit" "the Docket-Command trailer is edit"
expect_contains "$msg" 'Docket-Replay: {"add_owners":["dave@acme.example"],"id":"'"$id"'"' "the replay line is an edit"
git -C "$repo" show refs/heads/docket:allowed_signers >"$WORK/signers"
git -C "$repo" -c gpg.ssh.allowedSignersFile="$WORK/signers" verify-commit refs/heads/docket >/dev/null 2>&1 &&
  pass "git verify-commit accepts the edit commit" || fail "git verify-commit refused the edit commit"
[ "$(field "$id" "['title']")" = "deploy key with write access on build host" ] && pass "title changed" || fail "title"
due=$(field "$id" "['due']")
want=$(python3 -c 'import sys,datetime as d; t=d.datetime.strptime(sys.argv[1],"%Y-%m-%dT%H:%M:%SZ")+d.timedelta(hours=24); print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$opened")
[ "$due" = "$want" ] && pass "due is the opening time plus the critical SLA (24h)" || fail "due $due, wanted $want"
events=$(A show "$id" --json | python3 -c 'import json,sys; print("\n".join(e["action"]+" "+e["by"]+" "+e["detail"] for e in json.load(sys.stdin)["exception"]["events"]))')
expect_contains "$events" "severity-changed carol@acme.example severity medium -> critical, due " "the severity change is recorded with old and new value and who"
expect_contains "$events" "owner-added carol@acme.example owner dave@acme.example added" "the added owner is recorded"
expect_status 0 "show lists the edit" A show "$id"
expect_contains "$OUT" "severity-changed" "show tells the severity change"

# --- no-op and usage ----------------------------------------------------------------------------
before=$(ref_of "$repo" refs/heads/docket)
expect_status 2 "edit without anything to change is a usage error" C edit "$id"
expect_contains "$ERR" "docket edit --help" "the usage error names the command's help"
expect_status 0 "an edit giving the current values is a no-op" C edit "$id" --severity critical --add-owner dave@acme.example
expect_contains "$ERR" "nothing was committed" "the no-op says nothing was committed"
unmoved "no-op edit"
expect_status 2 "an owner that is not an e-mail is refused" C edit "$id" --add-owner "not an address"
expect_status 2 "a bad severity is refused" C edit "$id" --severity urgent
expect_status 2 "an identity without a kind is refused" C edit "$id" --identity deploy
expect_status 2 "adding and removing one owner at once is refused" C edit "$id" --add-owner x@acme.example --remove-owner x@acme.example

# --- refusals name their rule -------------------------------------------------------------------
expect_status 3 "a reporter cannot edit" CI edit "$id" --title "x"
expect_contains "$ERR" "role-required" "names role-required"
expect_status 3 "a responder cannot lower the severity" C edit "$id" --severity low
expect_contains "$ERR" "severity-lowering" "names severity-lowering"
expect_status 3 "removing someone who is not an owner" C edit "$id" --remove-owner bob@acme.example
expect_contains "$ERR" "owner-known" "names owner-known"
expect_status 3 "a title with a line break" C edit "$id" --title $'two\nlines'
expect_contains "$ERR" "title-required" "names title-required"
expect_status 3 "a title holding a live secret" C edit "$id" --title "key AKIA""Z7Q2RANDOM4W9KDX leaked"
expect_contains "$ERR" "live secret" "the secret scan refuses the title"
owners=$(A show "$id" --json | python3 -c 'import json,sys; print(" ".join("--remove-owner "+o for o in json.load(sys.stdin)["exception"]["owners"]))')
# shellcheck disable=SC2086
expect_status 3 "removing every owner" C edit "$id" $owners
expect_contains "$ERR" "owner-required" "names owner-required"
unmoved "refused edits"

expect_status 0 "an approver lowers the severity" B edit "$id" --severity high --remove-owner platform@acme.example --system ''
[ "$(field "$id" "['severity']")" = high ] && pass "severity lowered by the approver" || fail "severity"
before=$(ref_of "$repo" refs/heads/docket)
expect_status 3 "a system with a line break" C edit "$id" --system $'aws/prod\n      forged history line'
expect_contains "$ERR" "text-required" "names text-required"
expect_status 3 "an identity name with a control character" C edit "$id" --identity $'ssh-key:a\x1bb'
expect_contains "$ERR" "text-required" "names text-required"
[ "$(ref_of "$repo" refs/heads/docket)" = "$before" ] && pass "the ref did not move" || fail "the ref moved on a refused edit"
[ "$(field "$id" "['identity']['system']")" = "" ] && pass "--system '' clears the system" || fail "system"
expect_status 0 "a new identity" C edit "$id" --identity service-account:svc-build
[ "$(field "$id" "['identity']['kind']"):$(field "$id" "['identity']['name']")" = service-account:svc-build ] &&
  pass "identity changed" || fail "identity"

# --- pending approval, accepted and closed ----------------------------------------------------
C move "$id" triaged >/dev/null
C move "$id" investigating >/dev/null
for item in $(C show "$id" --json | python3 -c 'import json,sys; print(" ".join(i["id"]+":"+("e" if i["evidence"]=="required" else "n") for i in json.load(sys.stdin)["exception"]["checklist"]))'); do
  name=${item%:*}
  if [ "${item#*:}" = e ]; then echo "record for $name" >"$WORK/e-$name.txt"; C attach "$id" "$WORK/e-$name.txt" --item "$name" >/dev/null
  else C done "$id" "$name" --note "done" >/dev/null; fi
done
C request "$id" --resolution accepted --reason "migration window" --control "key is read-only meanwhile" --expires 7d >/dev/null
before=$(ref_of "$repo" refs/heads/docket)
expect_status 3 "pending approval: the severity is fixed" B edit "$id" --severity critical
expect_contains "$ERR" "edit-under-approval" "names edit-under-approval"
unmoved "edit under approval"
expect_status 0 "pending approval: the title may still be corrected" C edit "$id" --title "deploy key, read-only until rotation"
expect_status 3 "the approver who lowered the severity may not approve" B approve "$id"
expect_contains "$ERR" "separation-of-duties" "names separation-of-duties"
expect_contains "$ERR" "changed the severity" "and says why"
A approve "$id" >/dev/null
[ "$(field "$id" "['state']")" = accepted ] && pass "accepted" || fail "state $(field "$id" "['state']")"
expect_status 3 "accepted: the identity is fixed" C edit "$id" --identity ssh-key:other
expect_contains "$ERR" "edit-under-approval" "names edit-under-approval"
expect_contains "$ERR" "revoke" "the hint says how to change it"
C revoke "$id" --note "rotated" >/dev/null
expect_status 3 "closed: nothing is edited" C edit "$id" --title "again"
expect_contains "$ERR" "closed-is-final" "names closed-is-final"

verify_all_with_git "$repo" refs/heads/docket
expect_status 0 "docket verify replays every edit" A verify
expect_contains "$OUT" "0 violations" "verify reports no violation"
expect_status 0 "docket log describes an edit" A log "$id"
expect_contains "$OUT" "edit title" "log shows what the edit's replay line did"

# --- forged edits: verify names the rule --------------------------------------------------------
clean="$WORK/clean"
cp -a "$repo" "$clean"
open2=$(cd "$clean" && CI open --title "token in pipeline log" --severity medium --identity token:pipeline)
acc=$(cd "$clean" && C open --title "vendor admin" --severity low)
(cd "$clean" && C move "$acc" triaged && C move "$acc" investigating && C done "$acc" triage-notes --note n &&
  C request "$acc" --resolution accepted --reason "vendor" --control "recorded sessions" --expires 7d && A approve "$acc") >/dev/null
(cd "$clean" && A verify >/dev/null) && pass "the clean copy verifies" || fail "the clean copy does not verify"

# 1. A responder's genuine title edit whose replay line also claims a severity lowering.
fresh lowering
C -C "$T" edit "$open2" --title "token in pipeline log (rotated)" >/dev/null
worktree
git -C "$T" log -1 --format=%B refs/heads/docket | sed 's/"severity":null/"severity":"low"/' >"$WORK/msg"
grep -q '"severity":"low"' "$WORK/msg" && pass "the forged replay line lowers the severity" || fail "msg: $(cat "$WORK/msg")"
gitas Carol carol@acme.example carol commit -q --amend -F "$WORK/msg" -S
seen_up_to refs/heads/docket~1
expect_violation "a responder's forged severity lowering" severity-lowering

# 2. An approver's edit of an accepted exception, forged to change the severity decided on.
fresh under-approval
B -C "$T" edit "$acc" --title "vendor admin (migration)" >/dev/null
worktree
git -C "$T" log -1 --format=%B refs/heads/docket | sed 's/"severity":null/"severity":"critical"/' >"$WORK/msg"
gitas Bob bob@acme.example bob commit -q --amend -F "$WORK/msg" -S
seen_up_to refs/heads/docket~1
expect_violation "a forged severity change of an accepted exception" edit-under-approval

# 3. A genuine severity raise whose record keeps the old due date (the SLA not recomputed).
fresh due-kept
old_due=$(cd "$T" && A show "$open2" --json | json_field "['exception']['due']")
C -C "$T" edit "$open2" --severity high >/dev/null
worktree
f=$(record_file "$open2")
sed -i "s/^due: .*/due: $old_due/" "$W/$f"
gitas Carol carol@acme.example carol commit -q -a --amend --no-edit -S
seen_up_to refs/heads/docket~1
expect_violation "a severity raise without its due date" replay-mismatch

# 4. An edit replay line that changes nothing (the title it claims is the current one).
fresh empty-edit
C -C "$T" comment "$open2" "looking" >/dev/null
worktree
printf 'docket: edit %s\n\nDocket-Command: edit\nDocket-Record: %s\nDocket-Replay: {"add_owners":[],"id":"%s","identity":null,"remove_owners":[],"severity":null,"system":null,"title":"token in pipeline log","verb":"edit"}\n' \
  "$open2" "$open2" "$open2" >"$WORK/msg"
gitas Carol carol@acme.example carol commit -q --amend -F "$WORK/msg" -S
seen_up_to refs/heads/docket~1
expect_violation "an edit that changes nothing" edit-changes-nothing

# --- sync: edits on two clones --------------------------------------------------------------------
remote="$WORK/remote.git"
git init -q --bare "$remote"
cd "$repo"
git remote add origin "$remote"
s=$(C open --title "shared finding" --severity medium --owner carol@acme.example --owner platform@acme.example)
A sync >/dev/null
b="$WORK/b"
git clone -q "$remote" "$b" 2>/dev/null
(cd "$b" && B sync >/dev/null)
C edit "$s" --title "shared finding, narrowed" --remove-owner platform@acme.example >/dev/null
(cd "$b" && B edit "$s" --severity critical --add-owner bob@acme.example >/dev/null && B sync >/dev/null)
expect_status 0 "sync merges edits made on both clones" C sync
[ "$(field "$s" "['title']")" = "shared finding, narrowed" ] && pass "merged: one side's title" || fail "title"
[ "$(field "$s" "['severity']")" = critical ] && pass "merged: the other side's severity" || fail "severity"
owners=$(A show "$s" --json | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["exception"]["owners"]))')
[[ " $owners " == *" bob@acme.example "* && " $owners " != *" platform@acme.example "* && " $owners " == *" carol@acme.example "* ]] &&
  pass "merged owners: one side's removal and the other side's addition" || fail "owners: $owners"
expect_status 0 "the merge verifies" A verify
expect_contains "$OUT" "0 violations" "verify reports no violation after the merge"
finish
