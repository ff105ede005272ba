#!/usr/bin/env bash
# docket policy, docket team and docket template (issue 14, part 1): each change is one signed
# commit an admin makes, with a replay line verify re-applies; values outside their range, a
# responder's change and forged commits are refused by the CLI and flagged by verify; the ref
# never moves on a refusal.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@example.test  # admin (init)
make_user bob bob@example.test      # responder
make_user carol carol@example.test  # approver
A() { as alice alice@example.test "$@"; }
B() { as bob bob@example.test "$@"; }
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
A init >/dev/null
A member add bob@example.test --key "$HOME/bob_ed25519.pub" --role responder >/dev/null
A member add carol@example.test --key "$HOME/carol_ed25519.pub" --role approver >/dev/null
tip() { ref_of "$repo" refs/heads/docket; }
unmoved() { [ "$(tip)" = "$before" ] && pass "$1: ref unmoved" || fail "$1: ref moved"; }
one_commit() {
  [ "$(git -C "$repo" rev-list --count "$before..refs/heads/docket")" = 1 ] && pass "$1: one commit" || fail "$1: not one commit"
  git -C "$repo" show refs/heads/docket:allowed_signers >"$WORK/as"
  git -C "$repo" -c gpg.ssh.allowedSignersFile="$WORK/as" verify-commit refs/heads/docket >/dev/null 2>&1 &&
    pass "$1: stock git verify-commit accepts it" || fail "$1: git verify-commit refuses it"
  expect_contains "$(git -C "$repo" log -1 --format=%B refs/heads/docket)" "\"verb\":\"$2\"" "$1: the commit carries a $2 replay line"
}

# ---- policy show ----
expect_status 0 "policy show" A policy show
expect_contains "$OUT" "sla.critical        1d" "policy show prints each key with its value"
expect_status 0 "policy show --json" A policy show --json
[ "$(json_field "['policy']['sla']['critical']" <<<"$OUT")" = 1d ] && pass "JSON has sla.critical" || fail "JSON: $OUT"
[ "$(json_field "['schema_version']" <<<"$OUT")" = 1 ] && pass "JSON carries schema_version 1" || fail "JSON: $OUT"

# ---- policy set ----
before=$(tip)
expect_status 0 "policy set sla.critical 12h" A policy set sla.critical 12h
expect_contains "$OUT" "sla.critical: 1d -> 12h" "says what changed"
one_commit "policy set" policy-set
expect_contains "$(git -C "$repo" show refs/heads/docket:docket.yaml)" "critical: 12h" "docket.yaml holds the new SLA"
id=$(B open --title "root key in CI" --severity critical)
A show "$id" --json | python3 -c '
import json, sys, datetime
r = json.load(sys.stdin)["exception"]
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
assert (t(r["due"]) - t(r["opened"]["at"])).total_seconds() == 12 * 3600, r' &&
  pass "a critical exception is due 12h after opening" || fail "due: $(A show "$id" --json)"

before=$(tip)
expect_status 0 "the same value again" A policy set sla.critical 12h
expect_contains "$OUT" "nothing to commit" "says nothing changes"
unmoved "the same value"
for bad in "sla.critical 0s" "sla.critical 30s" "sla.critical 3651d" "sla.critical soon" "approvals.critical 0" \
  "approvals.high 101" "approvals.low two" "max_acceptance 30m" "clock_skew 2d" "max_evidence_size 10" \
  "max_evidence_size 2TiB" "fail_on expired,sometimes" "escalation not-an-email"; do
  set -- $bad
  expect_status 3 "policy set $bad is refused" A policy set "$1" "$2"
  expect_contains "$ERR" "policy-value" "policy set $bad names rule policy-value"
done
expect_status 3 "an SLA beyond the range" A policy set sla.high 4000d
expect_contains "$ERR" "from 1m to 3650d" "the message gives the allowed range"
expect_status 3 "an unknown key" A policy set sla.critcal 1d
expect_contains "$ERR" "did you mean" "suggests a key"
expect_status 3 "an escalation owner who is not a member" A policy set escalation nobody@example.test
expect_contains "$ERR" "member-known" "names member-known"
unmoved "bad values"
expect_status 0 "fail_on with two findings" A policy set fail_on expired,review-overdue
expect_status 0 "fail_on none" A policy set fail_on none
expect_status 0 "escalation to two members" A policy set escalation carol@example.test,alice@example.test
expect_status 3 "removing a member the escalation list names" A member remove carol@example.test
expect_contains "$ERR" "the escalation list" "says the escalation list holds them"
expect_status 0 "policy show" A policy show
expect_contains "$OUT" "carol@example.test,alice@example.test  who escalate" "policy show keeps a long value apart from its meaning"
expect_status 0 "the evidence limit" A policy set max_evidence_size 512MiB
expect_status 0 "approvals" A policy set approvals.high 2
A policy show --json >"$WORK/p.json"
python3 - "$WORK/p.json" <<'PY' && pass "policy show --json holds every change" || fail "policy JSON: $(cat "$WORK/p.json")"
import json, sys
p = json.load(open(sys.argv[1]))["policy"]
assert p["fail_on"] == [], p
assert p["escalation"] == ["carol@example.test", "alice@example.test"], p
assert p["max_evidence_size"] == 512 * 1024 * 1024, p
assert p["approvals"]["high"] == 2, p
PY

# a responder may not
before=$(tip)
expect_status 3 "a responder's policy set is refused" B policy set sla.critical 6h
expect_contains "$ERR" "admin-only" "names admin-only"
unmoved "responder policy set"

# ---- teams ----
before=$(tip)
expect_status 0 "team add platform bob" A team add platform bob@example.test
one_commit "team add" team-add
expect_status 0 "team list" A team list
expect_contains "$OUT" "platform  alice@example.test, bob@example.test" "team list shows the new member"
expect_contains "$OUT" "templates" "team list names the templates routing to a team"
before=$(tip)
expect_status 3 "a responder's team add" B team add platform carol@example.test
expect_contains "$ERR" "admin-only" "names admin-only"
expect_status 3 "a non-member joins no team" A team add platform mallory@example.test
expect_contains "$ERR" "member-known" "names member-known"
expect_status 3 "a bad team name" A team add "../x" bob@example.test
expect_status 3 "removing from an unknown team" A team remove plaftorm bob@example.test
expect_contains "$ERR" "team-known" "names team-known"
unmoved "team refusals"
expect_status 0 "team remove platform bob" A team remove platform bob@example.test
expect_status 3 "the last member of a team templates route to" A team remove platform alice@example.test
expect_contains "$ERR" "team-required" "names team-required"
expect_status 0 "a new team" A team add oncall carol@example.test
expect_status 0 "an unused team goes with its last member" A team remove oncall carol@example.test
expect_status 0 "team list" A team list
[[ "$OUT" != *oncall* ]] && pass "the emptied team is gone" || fail "team list: $OUT"
# A member still in a team stays a member: templates would route new exceptions to them.
A team add oncall carol@example.test >/dev/null
before=$(tip)
expect_status 3 "removing a member who is in a team" A member remove carol@example.test
expect_contains "$ERR" "member-in-use" "names member-in-use"
expect_contains "$ERR" "docket team remove TEAM carol@example.test" "says to take them out of the team first"
unmoved "member in a team"
A team remove oncall carol@example.test >/dev/null

# ---- templates ----
expect_status 0 "template list" A template list
expect_contains "$OUT" "leaked-secret" "lists the built-in templates"
A template show generic >"$WORK/generic.yaml"
sed -e 's/^name: generic/name: my-template/' -e 's/^description: .*/description: Our own template/' "$WORK/generic.yaml" >"$WORK/my-template.yaml"
before=$(tip)
expect_status 0 "template add my-template.yaml" A template add "$WORK/my-template.yaml"
one_commit "template add" template-add
expect_status 0 "the template is listed" A template list
expect_contains "$OUT" "my-template" "template list shows it"
before=$(tip)
expect_status 3 "adding it again" A template add "$WORK/my-template.yaml"
expect_contains "$ERR" "template-exists" "names template-exists"
expect_status 3 "a responder's template add" B template add "$WORK/my-template.yaml"
expect_contains "$ERR" "admin-only" "names admin-only"
sed 's/^severity: medium/severity: urgent/' "$WORK/my-template.yaml" >"$WORK/bad.yaml"
expect_status 2 "a malformed template file" A template update "$WORK/bad.yaml"
expect_contains "$ERR" "bad.yaml:3" "names the file and line"
sed 's/^  - security$/  - nobody/' "$WORK/my-template.yaml" >"$WORK/route.yaml"
grep -q -- "- nobody" "$WORK/route.yaml" || fail "the test could not route the template to an unknown team"
expect_status 3 "a template routing to an unknown team" A template update "$WORK/route.yaml"
expect_contains "$ERR" "template-valid" "names template-valid"
expect_status 4 "a missing file" A template add "$WORK/none.yaml"
mkdir "$WORK/folder.yaml" && mkfifo "$WORK/fifo.yaml"
for odd in folder fifo; do
  expect_status 2 "a template $odd" A template add "$WORK/$odd.yaml"
  expect_contains "$ERR" "not a regular file" "the $odd is named as not a regular file"
  expect_contains "$ERR" "docket template show generic" "the hint for a $odd says how to get a template file"
done
expect_status 3 "updating an unknown template" A template remove nope
unmoved "template refusals"
used=$(B open --title "from my template" --template my-template)
sed 's/^description: .*/description: Our own template, revised/' "$WORK/my-template.yaml" >"$WORK/my-template-2.yaml"
before=$(tip)
expect_status 0 "template update" A template update "$WORK/my-template-2.yaml"
one_commit "template update" template-update
before=$(tip)
expect_status 3 "removing a template an open exception uses" A template remove my-template
expect_contains "$ERR" "template-in-use" "names template-in-use"
expect_contains "$ERR" "$used" "names the exception"
unmoved "template in use"
sed -e 's/^name: generic/name: spare/' "$WORK/generic.yaml" >"$WORK/spare.yaml"
A template add "$WORK/spare.yaml" >/dev/null
before=$(tip)
expect_status 0 "removing an unused template" A template remove spare
one_commit "template remove" template-remove

# ---- completion knows keys, teams and templates ----
complete_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _docket; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$SOURCE_DIR/completions/docket.bash" docket "$@"
}
export PATH="$(dirname "$DOCKET_BIN"):$PATH"
grep -qx sla.critical <<<"$(complete_bash policy set sla.c)" && pass "policy set completes keys" || fail "keys: $(complete_bash policy set sla.c)"
grep -qx platform <<<"$(complete_bash team remove pl)" && pass "team remove completes teams" || fail "teams: $(complete_bash team remove pl)"
grep -qx my-template <<<"$(complete_bash template remove my)" && pass "template remove completes templates" || fail "templates: $(complete_bash template remove my)"

# ---- verify re-applies all of it ----
expect_status 0 "docket verify accepts every administration commit" A verify
expect_contains "$OUT" "0 violations" "no violation"
verify_all_with_git "$repo" refs/heads/docket

# ---- forged administration commits: verify flags them ----
clean="$WORK/clean"
cp -a "$repo" "$clean"
source "$SOURCE_DIR/tests/integration/tamper_lib.sh"
# forge NAME EMAIL KEY MESSAGE-FILE FILE=CONTENT...: a commit on the docket ref made with plain git.
forge() {
  local name=$1 email=$2 key=$3 msg=$4
  shift 4
  worktree
  local spec
  for spec in "$@"; do printf '%s' "${spec#*=}" >"$W/${spec%%=*}"; done
  gitas "$name" "$email" "$key" add -A
  gitas "$name" "$email" "$key" commit -q -S -F "$msg"
}
policy_with() { git -C "$clean" show refs/heads/docket:docket.yaml | sed "s/^  critical: 12h$/  critical: $1/"; }

# 1. bob (responder) signs a policy-set commit docket would write for an admin.
fresh responder
printf 'docket: policy set sla.critical 6h\n\nDocket-Command: policy-set\nDocket-Replay: {"key":"sla.critical","value":"6h","verb":"policy-set"}\n' >"$WORK/m1"
forge bob bob@example.test bob "$WORK/m1" "docket.yaml=$(policy_with 6h)
"
expect_violation "a responder's policy change" admin-only

# 2. alice (admin) says 6h in the replay line but writes 1h into docket.yaml.
fresh mismatch
forge alice alice@example.test alice "$WORK/m1" "docket.yaml=$(policy_with 1h)
"
expect_violation "docket.yaml that is not what the replay line makes" replay
expect_contains "$OUT" "docket.yaml is not what policy-set makes" "the report says which file disagrees"

# 3. alice's replay line sets a value outside the range.
fresh range
printf 'docket: policy set sla.critical 10s\n\nDocket-Command: policy-set\nDocket-Replay: {"key":"sla.critical","value":"10s","verb":"policy-set"}\n' >"$WORK/m3"
forge alice alice@example.test alice "$WORK/m3" "docket.yaml=$(policy_with 10s)
"
expect_violation "a value outside its range" policy-value

# 4. alice removes a template an open exception uses, with a genuine-looking replay line.
fresh in-use
printf 'docket: template remove my-template\n\nDocket-Command: template-remove\nDocket-Replay: {"template":"my-template","verb":"template-remove"}\n' >"$WORK/m4"
worktree
gitas alice alice@example.test alice rm -q templates/my-template.yaml
gitas alice alice@example.test alice commit -q -S -F "$WORK/m4"
expect_violation "removing a template in use" template-in-use

# 5. a team-add commit that also changes allowed_signers.
fresh smuggle
printf 'docket: team add platform carol@example.test\n\nDocket-Command: team-add\nDocket-Replay: {"member":"carol@example.test","team":"platform","verb":"team-add"}\n' >"$WORK/m5"
worktree
python3 - "$W/docket.yaml" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read().replace("  platform:\n    - alice@example.test\n", "  platform:\n    - alice@example.test\n    - carol@example.test\n")
open(p, "w").write(t)
PY
echo "# smuggled" >>"$W/allowed_signers"
gitas alice alice@example.test alice commit -q -a -S -F "$WORK/m5"
expect_violation "an administration commit that changes more than its command" replay

# 6. bob (responder) edits his exception by hand (severity down, due date far away) and adds an
# administration replay line to the message: no configuration changes, so only the replay of
# that line can refuse him, and the record change must not slip through unchecked.
fresh admin-line-cover
worktree
record=$(git -C "$W" ls-files "exceptions/*/$id.yaml")
sed -i -e 's/^due: .*/due: 2099-01-01T00:00:00Z/' -e 's/^severity: critical/severity: low/' "$W/$record"
gitas bob bob@example.test bob commit -q -a -S -F "$WORK/m1"
expect_violation "a hand-edited record under an administration line" admin-only

# 7. the same line on an empty commit: git log would show a policy change nobody made.
fresh admin-line-empty
worktree
gitas bob bob@example.test bob commit -q --allow-empty -S -F "$WORK/m1"
expect_violation "an empty commit with a responder's administration line" admin-only

# 8. alice (admin) changes docket.yaml by hand, without a replay line, under a message that reads
# like docket's policy-set: accepted without the line as before, but not under a docket message
# that says another change than the tree holds.
fresh admin-message-lie
worktree
sed -i 's/^  critical: 2$/  critical: 1/' "$W/docket.yaml"  # approvals.critical, not the SLA
printf 'docket: policy set sla.critical 6h\n\nDocket-Command: policy-set\n' >"$WORK/m8"
gitas alice alice@example.test alice commit -q -a -S -F "$WORK/m8"
expect_violation "a hand-made policy change under a policy-set message" message-mismatch
fresh admin-hand
worktree
sed -i 's/^  critical: 2$/  critical: 1/' "$W/docket.yaml"  # approvals.critical, not the SLA
gitas alice alice@example.test alice commit -q -a -S -m "one approval is enough for critical"
expect_status 0 "an admin's hand-made policy change under her own words is accepted as before" "$DOCKET_BIN" -C "$T" verify

finish
