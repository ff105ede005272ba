#!/usr/bin/env bash
# Three people with their own keys take a leaked-secret exception from open to closed with
# evidence on every item; refusals name their rule and leave the ref unmoved; a temporary
# elevated access is accepted until a date, then revoked.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example   # admin + approver (founder)
make_user bob bob@acme.example       # second approver
make_user carol carol@acme.example   # responder
make_user ci ci@acme.example         # reporter (CI)
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }
CI() { as ci ci@acme.example "$@"; }

A init >/dev/null
expect_status 0 "admin adds an approver" A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder --name Bob
expect_status 0 "admin adds a responder" A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder
expect_status 0 "admin adds a reporter" A member add ci@acme.example --key "$HOME/ci_ed25519.pub" --role reporter
expect_status 3 "a responder cannot add members" C member add x@acme.example --key "$HOME/ci_ed25519.pub" --role admin
expect_contains "$ERR" "admin-only" "member change names the admin-only rule"

expect_status 0 "CI opens a leaked-secret exception" CI open --template leaked-secret --title "GitHub token in build log" \
  --identity token:deploy-bot --system github/acme
id=$OUT
expect_status 3 "a reporter cannot move" CI move "$id" triaged
expect_contains "$ERR" "role-required" "reporter refusal names role-required"
expect_status 0 "assign to carol" A assign "$id" carol@acme.example
expect_status 3 "skipping a lifecycle step is refused" C move "$id" remediating
expect_contains "$ERR" "lifecycle-transition" "skip names lifecycle-transition"
C move "$id" triaged >/dev/null
C move "$id" investigating >/dev/null
C move "$id" remediating --note "rotating now" >/dev/null

before=$(ref_of "$repo" refs/heads/docket)
expect_status 3 "request with an unfinished checklist" C request "$id" --resolution remediated --reason "rotated"
expect_contains "$ERR" "checklist-complete" "names checklist-complete"
[ "$(ref_of "$repo" refs/heads/docket)" = "$before" ] && pass "ref unmoved after refusal" || fail "ref moved after refusal"

items=$(C show "$id" --json | python3 -c 'import json,sys; print(" ".join(i["id"] for i in json.load(sys.stdin)["exception"]["checklist"]))')
n=0
for item in $items; do
  n=$((n + 1))
  echo "evidence for $item: ticket OPS-$n, rotation log line $n" >"$WORK/evidence-$item.txt"
  expect_status 0 "evidence completes $item" C attach "$id" "$WORK/evidence-$item.txt" --item "$item" --note "proof for $item"
done

# Not AWS's documentation example (AKIA…EXAMPLE), which scanners and docket allow.
printf 'aws_access_key_id = %s\n' "AKIA""Z7Q2RANDOM4W9KDX" >"$WORK/leak.txt"
expect_status 3 "a file holding a live secret is refused" C attach "$id" "$WORK/leak.txt"
expect_contains "$ERR" "AWS access key" "secret refusal names the kind"
expect_status 0 "--allow-secret stores it on purpose" C attach "$id" "$WORK/leak.txt" --allow-secret --note "revoked key, kept as evidence"

expect_status 0 "carol requests closure" C request "$id" --resolution remediated --reason "token revoked and rotated"
expect_status 3 "a responder cannot approve" C approve "$id"
expect_contains "$ERR" "approver-role" "names approver-role"
sev=$(A show "$id" --json | json_field "['exception']['severity']")
[ "$sev" = critical ] && pass "leaked-secret defaults to critical" || fail "severity $sev"
expect_status 0 "alice approves (1 of 2 for critical)" A approve "$id" --note "rotation confirmed in the issuer's log"
state=$(A show "$id" --json | json_field "['exception']['state']")
[ "$state" = pending-approval ] && pass "one approval is not enough for critical" || fail "state is $state"
expect_status 3 "approving twice in a round is refused" A approve "$id"
expect_status 0 "bob approves" B approve "$id" --note "verified rotation"
state=$(A show "$id" --json | json_field "['exception']['state']")
[ "$state" = closed ] && pass "two approvals close a critical exception" || fail "state is $state"
expect_status 0 "post-closure review" C review "$id" --note "no recurrence in 30 days"
expect_status 0 "show tells the whole story" A show "$id"
for word in "evidence:" "round 1" "approved" "closed" "post-closure review: recorded" "assigned" "moved"; do
  expect_contains "$OUT" "$word" "show includes '$word'"
done

# Temporary elevated access: accepted until a date, then revoked explicitly.
expect_status 0 "open temporary-elevated-access" C open --template temporary-elevated-access --title "Vendor needs admin for migration" --severity high
tid=$OUT
C move "$tid" triaged >/dev/null; C move "$tid" investigating >/dev/null; C move "$tid" remediating >/dev/null
for item in $(C show "$tid" --json | python3 -c 'import json,sys; print(" ".join(i["id"]+":"+("e" if i["evidence"]=="required" else "n") for i in json.load(sys.stdin)["exception"]["checklist"]))'); do
  name=${item%:*}
  if [ "${item#*:}" = e ]; then
    echo "record for $name" >"$WORK/t-$name.txt"
    C attach "$tid" "$WORK/t-$name.txt" --item "$name" >/dev/null
  else
    C done "$tid" "$name" --note "done" >/dev/null
  fi
done
expect_status 3 "accepting without an expiry" C request "$tid" --resolution accepted --reason "migration" --control "session recording"
expect_contains "$ERR" "acceptance-expiry" "names acceptance-expiry"
expect_status 3 "accepting beyond the maximum" C request "$tid" --resolution accepted --reason "migration" --control "session recording" --expires 400d
expect_contains "$ERR" "acceptance-max-duration" "names acceptance-max-duration"
expect_status 3 "accepting without a control" C request "$tid" --resolution accepted --reason "migration" --expires 7d
expect_contains "$ERR" "acceptance-controls" "names acceptance-controls"
expect_status 0 "bob requests acceptance until a date" B request "$tid" --resolution accepted --reason "migration window" --control "session recording" --expires 7d
expect_status 3 "the requester cannot approve their own request" B approve "$tid"
expect_contains "$ERR" "separation-of-duties" "self-approval names separation-of-duties"
expect_status 0 "alice approves the acceptance" A approve "$tid"
state=$(A show "$tid" --json | json_field "['exception']['state']")
[ "$state" = accepted ] && pass "acceptance in force" || fail "state is $state"
expect_status 0 "revoke after the window" C revoke "$tid" --note "vendor access removed"
res=$(A show "$tid" --json | json_field "['exception']['outcome']['resolution']")
[ "$res" = revoked ] && pass "closed as revoked" || fail "outcome $res"

# Approving an exception you opened is refused too.
expect_status 0 "alice opens one herself" A open --title "alice's own finding" --severity low
own=$OUT
C move "$own" triaged >/dev/null; C move "$own" investigating >/dev/null
C done "$own" triage-notes --note "false positive" >/dev/null
expect_status 0 "request rejection" C request "$own" --resolution rejected --reason "false positive"
expect_status 3 "the opener cannot approve" A approve "$own"
expect_contains "$ERR" "separation-of-duties" "opener approval names separation-of-duties"

verify_all_with_git "$repo" refs/heads/docket
expect_status 0 "docket verify accepts the whole lifecycle" A verify
expect_contains "$OUT" "0 violations" "verify reports no violation"
finish
