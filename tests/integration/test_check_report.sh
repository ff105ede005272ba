#!/usr/bin/env bash
# docket check (the CI gate) and docket report on a store driven through time with DOCKET_NOW:
# an acceptance that expires fails the check until it is revoked, SLA breaches and overdue
# reviews are reported, and the report in every format carries the records — with a hostile
# title escaped.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example   # admin + approver (founder)
make_user bob bob@acme.example       # approver + responder
make_user carol carol@acme.example   # responder
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
T0=2025-11-23T10:00:00Z
at() { local when=$1; shift; DOCKET_NOW=$when "$@"; }
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }

at $T0 A init >/dev/null
at $T0 A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder >/dev/null
at $T0 A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder >/dev/null

# E1: temporary elevated access, accepted until 2025-12-01.
expect_status 0 "open a temporary elevated access" at $T0 C open --template temporary-elevated-access \
  --title "Vendor needs admin for migration" --severity high --identity integration:vendor-migrate --system gcp/acme-prod
e1=$OUT
for step in triaged investigating remediating; do at $T0 C move "$e1" $step >/dev/null; done
for item in $(at $T0 C show "$e1" --json | python3 -c 'import json,sys; print(" ".join(i["id"]+":"+("e" if i["evidence"]=="required" else "n") for i in json.load(sys.stdin)["exception"]["checklist"]))'); do
  name=${item%:*}
  if [ "${item#*:}" = e ]; then
    echo "record for $name" >"$WORK/t-$name.txt"
    at $T0 C attach "$e1" "$WORK/t-$name.txt" --item "$name" >/dev/null
  else
    at $T0 C done "$e1" "$name" --note "done" >/dev/null
  fi
done

# E2: a hostile title, low severity (SLA 30d: due 2025-12-23T10:00:00Z).
hostile='<script>alert(1)</script> & "=cmd"'
expect_status 0 "open an exception with a hostile title" at $T0 C open --title "$hostile" --severity low
e2=$OUT

# E3: a deploy-bot token on GitHub, closed as rejected (review due 30 days after closing).
expect_status 0 "open the deploy-bot finding" at $T0 C open --title "deploy-bot token in build log" --severity low \
  --identity token:deploy-bot --system github/acme --fingerprint fp-deploy-bot
e3=$OUT
at $T0 C move "$e3" triaged >/dev/null
at $T0 C move "$e3" investigating >/dev/null
at $T0 C done "$e3" triage-notes --note "test token" >/dev/null
# Commits go forward in time (rule time-order): E1's request and approval come after the opens.
expect_status 0 "request acceptance until a date" at 2025-11-23T12:00:00Z C request "$e1" --resolution accepted \
  --reason "migration window" --control "session recording" --expires 2025-12-01T00:00:00Z
at 2025-11-24T10:00:00Z C request "$e3" --resolution rejected --reason "false positive" >/dev/null
expect_status 0 "alice approves the acceptance" at 2025-11-24T10:00:00Z A approve "$e1"
expect_status 0 "bob closes the deploy-bot finding" at 2025-11-25T10:00:00Z B approve "$e3"

# E4: the same finding again, on another system: a recurrence.
expect_status 0 "the same fingerprint elsewhere opens a recurrence" at 2025-11-26T10:00:00Z C open \
  --title "deploy-bot token in AWS" --severity low --identity token:deploy-bot --system aws/acme --fingerprint fp-deploy-bot
e4=$OUT
[ "$e4" != "$e3" ] && pass "a new exception, not the closed one" || fail "got the closed exception back"

# --- check ---
expect_status 0 "before the expiry, check passes" at 2025-11-23T12:00:00Z A check
expect_contains "$OUT" "ok: " "check says ok"
expect_status 0 "near the expiry, expiring-soon is reported without failing" A check --at 2025-11-28T00:00:00Z
expect_contains "$OUT" "EXPIRING-SOON  $e1" "expiring-soon names the acceptance"

expect_status 1 "after the expiry, check fails" A check --at 2025-12-02T00:00:00Z
expect_contains "$OUT" "EXPIRED (fails)  $e1" "check names the expired acceptance"
expect_contains "$OUT" "escalate to:" "check lists the escalation owners next to failing findings"
expect_contains "$OUT" "FAILED" "check says FAILED"

expect_status 1 "check --json after the expiry" A check --at 2025-12-02T00:00:00Z --json
json=$OUT
got=$(json_field "['failed'], d['counts']['expired'], d['findings'][0]['kind'], d['findings'][0]['id'], d['findings'][0]['fails_build'], 'escalation' in d, d['at']" <<<"$json")
[ "$got" = "True 1 expired $e1 True True 2025-12-02T00:00:00Z" ] && pass "check --json shape" || fail "check --json: $got"
expect_status 0 "DOCKET_NOW sets check's clock like --at" at 2025-11-23T12:00:00Z A check --json
got=$(json_field "['at'], d['failed'], [f['kind'] for f in d['findings']]" <<<"$OUT")
[ "$got" = "2025-11-23T12:00:00Z False ['expiring-soon']" ] && pass "check --json at DOCKET_NOW" || fail "check --json at DOCKET_NOW: $got"

expect_status 0 "carol revokes the expired acceptance" at 2025-12-02T00:00:00Z C revoke "$e1" --note "vendor access removed"
expect_status 0 "after the revocation, check passes" at 2025-12-02T00:00:00Z A check
expect_status 0 "--at as RFC 3339 after the revocation" A check --at 2025-12-02T00:00:00Z

expect_status 1 "a month later, SLA breaches fail the check" at 2025-12-02T00:00:00Z A check --at 30d
expect_contains "$OUT" "SLA-BREACH (fails)  $e2" "the hostile-titled exception breached its SLA"
expect_contains "$OUT" "SLA-BREACH (fails)  $e4" "the recurrence breached its SLA"
expect_contains "$OUT" "REVIEW-OVERDUE  $e3" "the closed exception's review is overdue"
got=$(A check --at 2026-01-01T00:00:00Z --json | json_field "['counts'] == {'expired': 0, 'sla-breach': 2, 'review-overdue': 1, 'expiring-soon': 0}" || true)
[ "$got" = True ] && pass "counts per kind" || fail "counts: $got"
expect_status 2 "a bad --at is a usage error" A check --at yesterday
expect_contains "$ERR" "--at 'yesterday'" "the error names the option and value"

# --- report ---
R() { at 2025-12-02T00:00:00Z A report "$@"; }
expect_status 0 "report as Markdown (default)" R
for needle in "# docket report" "$e1" "$e2" "$e3" "$e4" "| total | 4 |" "| closed | 2 |" "NIST-SP-800-207" "aws/acme, github/acme"; do
  expect_contains "$OUT" "$needle" "Markdown report has '$needle'"
done
grep -q '[^\\]<script' <<<"$OUT" && fail "Markdown report has a live <script" || pass "Markdown report escapes the hostile title"

expect_status 0 "report as JSON" R --format json
got=$(json_field "['at'], d['totals'], d['by_state']['closed'], d['time_to_close']['count'], d['recurrence'][0]['systems'], d['frameworks'][0]['family'], d['frameworks'][0]['records'], len(d['exceptions'])" <<<"$OUT")
[ "$got" = "2025-12-02T00:00:00Z {'acceptances_expired': 0, 'acceptances_in_force': 0, 'closed': 2, 'open': 2, 'overdue': 0, 'total': 4} 2 2 ['aws/acme', 'github/acme'] OWASP-NHI 1 4" ] &&
  pass "JSON report figures" || fail "JSON report: $got"
got=$(python3 -c 'import json,sys; print([e["title"] for e in json.load(sys.stdin)["exceptions"] if e["id"] == sys.argv[1]][0])' "$e2" <<<"$OUT")
[ "$got" = "$hostile" ] && pass "JSON keeps the title as data" || fail "JSON title: $got"

expect_status 0 "report as CSV" R --format csv
rows=$(printf '%s\n' "$OUT" | python3 -c 'import csv,sys; r=list(csv.reader(sys.stdin)); print(len(r), r[0][0], r[0][1], sorted(x[0] for x in r[1:]))')
want=$(python3 -c 'import sys; print(5, "id", "title", sorted(sys.argv[1:]))' "$e1" "$e2" "$e3" "$e4")
[ "$rows" = "$want" ] && pass "CSV has a header and one row per exception" || fail "CSV rows: $rows"
expect_contains "$OUT" '"<script>alert(1)</script> & ""=cmd"""' "CSV quotes the title per RFC 4180"

mkdir -p "$WORK/reports"
expect_status 0 "report as HTML to a file" R --format html --out "$WORK/reports/report.html"
[ -z "$OUT" ] && pass "--out prints nothing" || fail "--out printed: $OUT"
html=$(cat "$WORK/reports/report.html")
expect_contains "$html" "<svg" "HTML report has inline SVG charts"
expect_contains "$html" "&lt;script&gt;alert(1)&lt;/script&gt;" "HTML report shows the hostile title escaped"
for id in "$e1" "$e2" "$e3" "$e4"; do expect_contains "$html" "$id" "HTML report lists $id"; done
grep -qi '<script' <<<"$html" && fail "HTML report has a <script" || pass "HTML report has no <script"
grep -Eqi '(src|href)="(https?:)?//' <<<"$html" && fail "HTML report loads an external resource" || pass "HTML report is self-contained"
[ "$(ls -A "$WORK/reports")" = report.html ] && pass "--out leaves no temporary file" || fail "out folder: $(ls -A "$WORK/reports")"
expect_status 0 "--out replaces an existing report" R --format csv --out "$WORK/reports/report.html"
head -c 9 "$WORK/reports/report.html" | grep -q '^id,title' && pass "the file was replaced" || fail "the file was not replaced"
expect_status 2 "an unknown format is a usage error" R --format pdf
expect_contains "$ERR" "md, json, csv, html" "the error lists the formats"
expect_status 2 "--out into a missing folder is refused" R --out "$WORK/missing/report.md"

expect_status 0 "docket verify accepts the history" at 2025-12-02T00:00:00Z A verify
finish
