#!/usr/bin/env bash
# docket report for an auditor: every decided exception names its resolution, reason,
# approvers with their times, compensating controls and expiry in HTML, Markdown and JSON;
# acceptances in force and expired are counted apart (moved through time with DOCKET_NOW and
# --at); one identity (kind and name) on two systems is shown as a recurrence naming both
# systems, without any stored link; a hostile reason (`<script>`, `|`, a line break) is escaped.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example   # admin + approver (founder)
make_user bob bob@acme.example       # approver
make_user dan dan@acme.example       # approver
make_user carol carol@acme.example   # responder
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
T0=2025-11-23T10:00:00Z
at() { local when=$1; shift; DOCKET_NOW=$when "$@"; }
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
D() { as dan dan@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }

at $T0 A init >/dev/null
at $T0 A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver >/dev/null
at $T0 A member add dan@acme.example --key "$HOME/dan_ed25519.pub" --role approver >/dev/null
at $T0 A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder >/dev/null

# open_ready TIME TITLE SEVERITY IDENTITY SYSTEM: an exception with its checklist done, ready for a request.
open_ready() {
  local t=$1
  shift
  expect_status 0 "open '$1'" at $t C open --title "$1" --severity "$2" --identity "$3" --system "$4"
  local id=$OUT
  at $t C move "$id" triaged >/dev/null
  at $t C move "$id" investigating >/dev/null
  at $t C done "$id" triage-notes --note "looked at it" >/dev/null
  echo "$id" >"$WORK/last-id"
}

# E1: svc-billing on GCP, critical (two approvals), accepted until 2025-12-01 with a hostile reason.
open_ready $T0 "svc-billing key older than 90 days" critical service-account:svc-billing gcp/acme-prod
e1=$(cat "$WORK/last-id")
reason=$'<script>alert(1)</script> rotation | blocked\nby vendor'
expect_status 0 "request an acceptance with a hostile reason" at 2025-11-23T11:00:00Z C request "$e1" \
  --resolution accepted --reason "$reason" --control "session recording" --control "<b>IP</b> allow-list | office" \
  --expires 2025-12-01T00:00:00Z
expect_status 0 "bob approves first" at 2025-11-23T12:00:00Z B approve "$e1"
expect_status 0 "dan approves second" at 2025-11-23T13:30:00Z D approve "$e1"

# E2: the same identity (kind and name) on AWS: no stored link, accepted until 2026-01-15.
open_ready 2025-11-23T13:40:00Z "svc-billing key older than 90 days (AWS)" medium service-account:svc-billing aws/acme-prod
e2=$(cat "$WORK/last-id")
expect_status 0 "request the AWS acceptance" at 2025-11-23T14:00:00Z C request "$e2" --resolution accepted \
  --reason "migration to workload identity in Q1" --control "key scoped to one bucket" --expires 2026-01-15T00:00:00Z
expect_status 0 "alice approves the AWS acceptance" at 2025-11-24T09:15:00Z A approve "$e2"
got=$(at 2025-11-24T09:15:00Z A show "$e2" --json | json_field "['exception'].get('recurrence_of', [])")
[ "$got" = "[]" ] && pass "open stores no link across systems (identity links include the system)" ||
  fail "recurrence_of of the AWS exception: $got"

# E3: another kind, same name: another identity. Closed as rejected.
open_ready 2025-11-24T09:20:00Z "api key named svc-billing" low api-key:svc-billing azure/acme
e3=$(cat "$WORK/last-id")
at 2025-11-24T10:00:00Z C request "$e3" --resolution rejected --reason "test fixture, not a live key" >/dev/null
expect_status 0 "bob closes the api-key one" at 2025-11-25T10:00:00Z B approve "$e3"

# E4: not decided.
expect_status 0 "open an undecided exception" at 2025-11-25T10:00:00Z C open --title "deploy-bot token" --severity low \
  --identity token:deploy-bot --system github/acme
e4=$OUT

# --- Before any expiry: two in force, none expired ---
expect_status 0 "JSON report before the expiry" A report --format json --at 2025-11-26T00:00:00Z
got=$(json_field "['totals']['acceptances_in_force'], d['totals']['acceptances_expired'], len(d['decisions'])" <<<"$OUT")
[ "$got" = "2 0 3" ] && pass "two in force, none expired, three decisions" || fail "before the expiry: $got"

# --- After E1's expiry: one in force, one expired (check's own rule) ---
when=2025-12-05T00:00:00Z
expect_status 1 "check agrees that E1 expired" A check --at $when
expect_contains "$OUT" "EXPIRED (fails)  $e1" "check names E1 expired"

expect_status 0 "JSON report after the expiry" A report --format json --at $when
json=$OUT
got=$(json_field "['totals']['acceptances_in_force'], d['totals']['acceptances_expired']" <<<"$json")
[ "$got" = "1 1" ] && pass "one in force, one expired" || fail "after the expiry: $got"
got=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
x = [e for e in d["decisions"] if e["id"] == sys.argv[1]][0]
print(x["resolution"], x["expired"], [(a["by"], a["at"]) for a in x["approvers"]], x["controls"], x["expires"], x["reason"] == sys.argv[2])
' "$e1" "$reason" <<<"$json")
[ "$got" = "accepted True [('bob@acme.example', '2025-11-23T12:00:00Z'), ('dan@acme.example', '2025-11-23T13:30:00Z')] ['session recording', '<b>IP</b> allow-list | office'] 2025-12-01T00:00:00Z True" ] &&
  pass "JSON decision of E1" || fail "JSON decision of E1: $got"
got=$(python3 -c 'import json,sys; print([(g["identity"], g["systems"], len(g["ids"])) for g in json.load(sys.stdin)["recurrence"]])' <<<"$json")
[ "$got" = "[('service-account:svc-billing', ['aws/acme-prod', 'gcp/acme-prod'], 2)]" ] &&
  pass "JSON recurrence: one identity on two systems, the other kind apart" || fail "JSON recurrence: $got"

# --- HTML ---
expect_status 0 "HTML report" A report --format html --at $when --out "$WORK/report.html"
html=$(cat "$WORK/report.html")
grep -qi '<script' "$WORK/report.html" && fail "HTML report has a live <script" || pass "HTML has no <script"
grep -q '<b>IP' "$WORK/report.html" && fail "HTML report has a live <b> from a control" || pass "HTML escapes the control"
expect_contains "$html" "&lt;script&gt;alert(1)&lt;/script&gt; rotation | blocked" "HTML shows the hostile reason as text"
expect_contains "$html" "<li>bob@acme.example"$'\n'"2025-11-23T12:00:00Z</li><li>dan@acme.example"$'\n'"2025-11-23T13:30:00Z</li>" \
  "HTML names both approvers of E1 with their times"
expect_contains "$html" "<li>alice@acme.example"$'\n'"2025-11-24T09:15:00Z</li>" "HTML names E2's approver with the time"
expect_contains "$html" "<li>session recording</li><li>&lt;b&gt;IP&lt;/b&gt; allow-list | office</li>" "HTML lists E1's controls"
expect_contains "$html" "<li>key scoped to one bucket</li>" "HTML lists E2's control"
expect_contains "$html" "test fixture, not a live key" "HTML gives the rejection's reason"
expect_contains "$html" "accepted, expired" "HTML marks E1 expired"
expect_contains "$html" "accepted, in force" "HTML marks E2 in force"
expect_contains "$html" "<td class=\"people\">2026-01-15"$'\n'"00:00:00Z</td>" "HTML gives E2's expiry in its decision"
expect_contains "$html" '<div class="num">1</div><div class="label">acceptances in force</div>' "HTML card: 1 in force"
expect_contains "$html" '<div class="num">1</div><div class="label">acceptances expired</div>' "HTML card: 1 expired"
expect_contains "$html" "<td class=\"title\">service-account:svc-billing</td>" "HTML recurrence names the identity"
expect_contains "$html" "<li>$e1 (gcp/acme-prod, accepted)</li><li>$e2 (aws/acme-prod, accepted)</li>" \
  "HTML recurrence names each exception's system"
expect_contains "$html" "<td>aws/acme-prod, gcp/acme-prod</td>" "HTML recurrence lists both systems"
grep -q "$e4 (" "$WORK/report.html" && fail "the undecided, unrelated exception is in a recurrence" || pass "E4 recurs nowhere"

# --- Markdown ---
expect_status 0 "Markdown report" A report --at $when
md=$OUT
row=$(grep -F "| $e1 | svc-billing key older than 90 days | accepted, expired |" <<<"$md" || true)
[ -n "$row" ] && pass "Markdown has E1's decision row" || fail "no decision row for E1 in: $md"
expect_contains "$row" '\<script\>alert(1)\</script\> rotation \| blocked by vendor' \
  "Markdown reason: tags and | escaped, the line break kept inside the row"
expect_contains "$row" "bob@acme.example at 2025-11-23T12:00:00Z; dan@acme.example at 2025-11-23T13:30:00Z" \
  "Markdown names the approvers with times"
expect_contains "$row" 'session recording; \<b\>IP\</b\> allow-list \| office' "Markdown lists the controls, escaped"
expect_contains "$row" "| 2025-12-01T00:00:00Z |" "Markdown gives the expiry"
cells=$(python3 -c 'import re,sys; print(len(re.findall(r"(?<!\\)\|", sys.argv[1])))' "$row")
[ "$cells" = 8 ] && pass "the hostile row keeps its 7 columns" || fail "the row has $cells unescaped pipes: $row"
grep -q '[^\\]<script' <<<"$md" && fail "Markdown report has a live <script" || pass "Markdown escapes the reason"
expect_contains "$md" "| acceptances in force | 1 |" "Markdown counts in force"
expect_contains "$md" "| acceptances expired (not revoked or renewed) | 1 |" "Markdown counts expired apart"
expect_contains "$md" "| service-account:svc-billing | $e1 (gcp/acme-prod, accepted), $e2 (aws/acme-prod, accepted) | aws/acme-prod, gcp/acme-prod |" \
  "Markdown recurrence names both systems"

# A revocation is a decision too: it names who revoked it and why.
expect_status 0 "carol revokes the expired acceptance" at $when C revoke "$e1" --note "key rotated"
expect_status 0 "Markdown report after the revocation" A report --at $when
expect_contains "$OUT" "| $e1 | svc-billing key older than 90 days | revoked | key rotated | revoked by carol@acme.example at $when |" \
  "Markdown names the revocation and who made it"
expect_contains "$OUT" "| acceptances expired (not revoked or renewed) | 0 |" "a revoked acceptance is no longer counted expired"

expect_status 0 "docket verify accepts the history" at $when A verify
finish
