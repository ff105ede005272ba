#!/usr/bin/env bash
# A store with several hundred legitimate commits, made by four people through the real binary
# (opens, assignments, moves, comments, evidence, requests, approvals, reviews), verifies with
# no false alarm. Prints how fast verify went, in commits per second.
# DOCKET_LARGE_ROUNDS (default 30) sets the number of exceptions; each adds about 12 commits.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example # admin + approver
make_user bob bob@acme.example     # approver + responder
make_user carol carol@acme.example # responder
make_user ci ci@acme.example       # reporter
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }
CI() { as ci ci@acme.example "$@"; }

repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder --name Bob >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder --name Carol >/dev/null
A member add ci@acme.example --key "$HOME/ci_ed25519.pub" --role reporter --name CI >/dev/null

rounds=${DOCKET_LARGE_ROUNDS:-30}
started=$(date +%s)
for i in $(seq 1 "$rounds"); do
  id=$(CI open --title "finding $i from the nightly scan" --severity low --identity "service-account:svc-$i" --system "gcp/project-$((i % 7))")
  A assign "$id" carol@acme.example >/dev/null
  C comment "$id" "looking at finding $i" >/dev/null
  C move "$id" triaged >/dev/null
  C move "$id" investigating >/dev/null
  echo "evidence for finding $i: query output $RANDOM" >"$WORK/ev-$i.txt"
  C attach "$id" "$WORK/ev-$i.txt" --note "query output" >/dev/null
  C done "$id" triage-notes --note "unused for 90 days" >/dev/null
  B comment "$id" "agreed, nothing uses it" >/dev/null
  if [ $((i % 3)) -eq 0 ]; then
    # left open at investigating: a live store has work in progress
    C comment "$id" "waiting for the owner's answer" >/dev/null
    continue
  fi
  C request "$id" --resolution rejected --reason "false positive $i" >/dev/null
  if [ $((i % 2)) -eq 0 ]; then A approve "$id" --note "ok" >/dev/null; else B approve "$id" --note "ok" >/dev/null; fi
  C review "$id" --note "no recurrence" >/dev/null
done
commits=$(git -C "$repo" rev-list --count refs/heads/docket)
echo "# built $commits commits in $(($(date +%s) - started)) s"
[ "$commits" -ge 300 ] && pass "the store has $commits commits" || fail "only $commits commits (raise DOCKET_LARGE_ROUNDS)"

t0=$(date +%s.%N)
expect_status 0 "verify accepts every legitimate commit" A verify
t1=$(date +%s.%N)
expect_contains "$OUT" "0 violations" "no false alarm"
expect_contains "$OUT" "$commits commits" "every commit was checked"
echo "# verify: $commits commits in $(python3 -c "print(f'{$t1 - $t0:.2f}')") s, $(python3 -c "print(int($commits / ($t1 - $t0)))") commits/s"
expect_status 0 "verify --json accepts it too" A verify --json
[ "$(json_field "['violations']" <<<"$OUT")" = "[]" ] && pass "JSON lists no violation" || fail "violations: $OUT"
finish
