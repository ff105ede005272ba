#!/usr/bin/env bash
# docket list's selection (issue 13, "Find"): on a store of ~200 exceptions of mixed owners,
# severities, templates, identities, systems, tools and states, every filter (alone and
# combined), --sort and --limit give exactly the ids this test computes itself from the full
# `list --json`, with and without the record index (DOCKET_INDEX=off), as `-q` (bare ids) and as
# `--json`. `report` and `check` take the same selection; bad values exit 2 naming the value.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example   # admin (founder)
make_user bob bob@acme.example       # approver + responder
make_user carol carol@acme.example   # approver
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }
T0=2027-01-04T00:00:00Z
export DOCKET_NOW=2027-01-01T00:00:00Z

repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role approver >/dev/null

# --- a store of mixed exceptions ------------------------------------------------------------
sevs=(critical high medium low)
templates=(generic leaked-secret excessive-privilege)
kinds=(service-account api-key token)
systems=(gcp/prod aws/prod azure/dev "")
tools=(trivy prowler manual)
owners=("alice@acme.example" "bob@acme.example" "carol@acme.example" "dave@acme.example")
manual=()
for i in $(seq 0 35); do
  args=(--title "manual exception $i for svc-$((i % 7))" --severity "${sevs[i % 4]}" --template "${templates[i % 3]}"
        --identity "${kinds[i % 3]}:svc-$((i % 7))" --tool "${tools[i % 3]}" --owner "${owners[i % 4]}")
  [ -n "${systems[i % 4]}" ] && args+=(--system "${systems[i % 4]}")
  [ $((i % 5)) = 0 ] && args+=(--owner "${owners[(i + 1) % 4]}")
  # Opened an hour apart, from 2027-01-01T01:00:00Z: SLA due dates differ.
  manual+=("$(DOCKET_NOW="2027-01-0$((1 + (i + 1) / 24))T$(printf %02d $(((i + 1) % 24))):00:00Z" A open "${args[@]}")")
done
export DOCKET_NOW=$T0
# Two scanners' SARIF reports: many exceptions in two commits.
python3 - "$WORK" <<'PY'
import json, sys
for name, count, level in (("a", 100, "error"), ("b", 70, "warning")):
    results = [{"ruleId": "rule-%d" % (i % 4), "level": level if i % 3 else "note", "message": {"text": "m"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/%s%d.py" % (name, i)},
                                                    "region": {"startLine": i + 1}}}],
                "partialFingerprints": {"primaryLocationLineHash": "%s%07x" % (name, i * 7919)}} for i in range(count)]
    json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "scanner-" + name}}, "results": results}]},
              open("%s/scan-%s.sarif" % (sys.argv[1], name), "w"))
PY
A ingest sarif "$WORK/scan-a.sarif" --template-map rule-1=leaked-secret >/dev/null
A ingest sarif "$WORK/scan-b.sarif" --tool gitleaks >/dev/null

# Lifecycle: moves, assignments, comments, acceptances (expiring at different times), a closure.
for i in 1 2 3 4 5 6; do B move "${manual[i]}" triaged >/dev/null; done
for i in 2 3; do B move "${manual[i]}" investigating >/dev/null; done
for i in 1 4 7 10; do B assign "${manual[i]}" bob@acme.example >/dev/null; done
for i in 2 8; do A assign "${manual[i]}" carol@acme.example >/dev/null; done
A comment "${manual[9]}" "Key ROTATED on Monday" >/dev/null
B comment "${manual[11]}" "waiting for the rotation window" >/dev/null
finish_checklist() {
  local id=$1 item
  for item in $(A show "$id" --json | python3 -c 'import json,sys; print(" ".join(i["id"]+":"+("e" if i["evidence"]=="required" else "n") for i in json.load(sys.stdin)["exception"]["checklist"]))'); do
    if [ "${item#*:}" = e ]; then echo "$item" >"$WORK/ev-$id-${item%:*}.txt"; B attach "$id" "$WORK/ev-$id-${item%:*}.txt" --item "${item%:*}" >/dev/null
    else B done "$id" "${item%:*}" --note done >/dev/null; fi
  done
}
investigate() { B move "$1" triaged >/dev/null; B move "$1" investigating >/dev/null; }
accept_until() {  # accept_until INDEX EXPIRY
  investigate "${manual[$1]}"
  finish_checklist "${manual[$1]}"
  B request "${manual[$1]}" --resolution accepted --reason "window" --control "recording" --expires "$2" >/dev/null
  C approve "${manual[$1]}" >/dev/null
}
accept_until 13 2027-01-12T00:00:00Z   # expired by NOW
accept_until 14 2027-01-25T00:00:00Z   # expiring within the policy's 14 days of NOW
accept_until 17 2027-02-10T00:00:00Z   # expiring within 30 days of NOW only
investigate "${manual[15]}"
finish_checklist "${manual[15]}"
B request "${manual[15]}" --resolution remediated --reason "rotated" >/dev/null
C approve "${manual[15]}" >/dev/null

# Judged later: the SLA of most open exceptions has run out.
export DOCKET_NOW=2027-01-19T00:00:00Z
A list --json >"$WORK/all.json"
total=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["exceptions"]))' "$WORK/all.json")
[ "$total" -ge 200 ] && pass "the store holds $total exceptions" || fail "only $total exceptions"

# expected ARGS...: the ids `list ARGS` must print, computed here from the full JSON.
expected() {
  python3 - "$WORK/all.json" "$DOCKET_NOW" "$@" <<'PY'
import json, sys
from datetime import datetime, timedelta
records = json.load(open(sys.argv[1]))["exceptions"]
now = datetime.fromisoformat(sys.argv[2].replace("Z", "+00:00"))
args = sys.argv[3:]
def t(text): return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
def dur(text):
    units = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
    total, num = 0, ""
    for c in text:
        if c.isdigit(): num += c
        else: total, num = total + int(num) * units[c], ""
    return timedelta(seconds=total)
def in_force(r):
    o = r["outcome"]
    return r["state"] == "accepted" or (r["state"] == "pending-approval" and o and o["resolution"] == "accepted")
def expiry(r):
    o = r["outcome"]
    return t(o["expires"]) if o and o["resolution"] == "accepted" and o["expires"] else None
def overdue(r): return r["state"] != "closed" and not in_force(r) and r["due"] and t(r["due"]) < now
def expired(r): return in_force(r) and (expiry(r) is None or expiry(r) <= now)
def expiring(r, window): return in_force(r) and expiry(r) is not None and now < expiry(r) <= now + window
def has(text, needle): return needle.lower() in text.lower()
keep = [lambda r: True]
states, sevs = [], []
sort, limit, i = "opened", None, 0
while i < len(args):
    a = args[i]; v = args[i + 1] if i + 1 < len(args) else None
    if a == "--state": states.append(v); i += 1
    elif a == "--severity": sevs.append(v); i += 1
    elif a == "--owner": keep.append(lambda r, v=v: v.lower() in [o.lower() for o in r["owners"]]); i += 1
    elif a == "--assignee": keep.append(lambda r, v=v: (r["assignee"] or "").lower() == v.lower()); i += 1
    elif a == "--mine": keep.append(lambda r: "bob@acme.example" in r["owners"] or r["assignee"] == "bob@acme.example")
    elif a == "--template": keep.append(lambda r, v=v: r["template"] == v); i += 1
    elif a == "--identity":
        k, n = v.split(":", 1); keep.append(lambda r, k=k, n=n: r["identity"]["kind"] == k and r["identity"]["name"] == n); i += 1
    elif a == "--system": keep.append(lambda r, v=v: r["identity"]["system"] == v); i += 1
    elif a == "--tool": keep.append(lambda r, v=v: r["source"]["tool"] == v); i += 1
    elif a == "--overdue": keep.append(overdue)
    elif a == "--expired": keep.append(expired)
    elif a == "--expiring":
        if v and not v.startswith("-"): w = dur(v); i += 1
        else: w = timedelta(days=14)
        keep.append(lambda r, w=w: expiring(r, w))
    elif a == "--grep":
        keep.append(lambda r, v=v: has(r["title"], v) or any(has(r["identity"][f], v) for f in ("kind", "name", "system"))
                    or any(has(c["text"], v) for c in r["comments"])); i += 1
    elif a == "--sort": sort = v; i += 1
    elif a == "--limit": limit = int(v); i += 1
    else: raise SystemExit("unknown test argument " + a)
    i += 1
if states: keep.append(lambda r: r["state"] in states)
if sevs: keep.append(lambda r: r["severity"] in sevs)
out = [r for r in records if all(k(r) for k in keep)]
out.sort(key=lambda r: (r["opened"]["at"], r["id"]))  # the default order; the sorts below are stable
order = {"severity": ["critical", "high", "medium", "low"],
         "state": ["open", "triaged", "investigating", "remediating", "pending-approval", "accepted", "closed"]}
# The DUE / EXPIRES column's time: an acceptance in force's expiry, else the SLA due date.
def shown(r): return (r["outcome"] or {}).get("expires") if in_force(r) else r["due"]
if sort == "due": out.sort(key=lambda r: (shown(r) is None, shown(r) or ""))
elif sort in order: out.sort(key=lambda r: order[sort].index(r[sort]))
print("\n".join(r["id"] for r in out[:limit]))
PY
}
json_ids() { python3 -c 'import json,sys; print("\n".join(r["id"] for r in json.load(sys.stdin)["exceptions"]))'; }

# same_selection DESCRIPTION ARGS...: -q with and without the index, and --json, give the ids
# wanted (test_index.sh compares --json with and without the index byte for byte).
same_selection() {
  local what=$1 want got mode
  shift
  want=$(expected "$@")
  local count
  count=$(grep -c . <<<"$want" || true)
  for mode in on off; do
    got=$(DOCKET_INDEX=$mode B list -q "$@")
    [ "$got" = "$want" ] || { fail "$what: list -q (index $mode) gave $(grep -c . <<<"$got" || true) ids, wanted $count: $(diff <(echo "$want") <(echo "$got") | head -4 | tr '\n' ' ')"; return; }
  done
  got=$(B list --json "$@" | json_ids)
  [ "$got" = "$want" ] || { fail "$what: list --json differs: $(diff <(echo "$want") <(echo "$got") | head -4 | tr '\n' ' ')"; return; }
  pass "$what: $count ids, the same from -q with and without the index and from --json"
}

same_selection "no filter"
same_selection "--state triaged" --state triaged
same_selection "--state repeated" --state triaged --state investigating
same_selection "--severity high" --severity high
same_selection "--severity repeated (any of)" --severity critical --severity low
same_selection "--owner" --owner carol@acme.example
same_selection "--owner ignores case" --owner Dave@ACME.example
same_selection "--assignee" --assignee bob@acme.example
same_selection "--mine (bob: owner or assignee)" --mine
same_selection "--template" --template leaked-secret
same_selection "--identity" --identity api-key:svc-4
same_selection "--system" --system aws/prod
same_selection "--tool" --tool gitleaks
same_selection "--tool scanner's own name" --tool scanner-a
same_selection "--overdue" --overdue
same_selection "--expired" --expired
same_selection "--expiring (the policy's window)" --expiring
same_selection "--expiring 30d" --expiring 30d
same_selection "--grep title" --grep "MANUAL exception 1"
same_selection "--grep identity" --grep svc-5
same_selection "--grep comment" --grep rotated
same_selection "--grep nothing" --grep "no such text anywhere"
same_selection "AND between criteria" --severity high --state open --owner alice@acme.example
same_selection "AND of table and summary criteria" --overdue --tool trivy --severity critical --severity medium
same_selection "--sort due" --sort due
same_selection "--sort severity" --sort severity
same_selection "--sort state" --sort state
same_selection "--sort opened" --sort opened
same_selection "--limit" --limit 7
same_selection "--sort due --limit" --sort due --limit 5
same_selection "--sort severity --limit with a filter" --sort severity --limit 3 --tool manual
same_selection "--limit larger than the selection" --limit 100000 --template excessive-privilege

# -q prints bare ids only, one a line.
out=$(B list -q --severity low)
if [ -n "$out" ] && ! grep -qvE '^EX-[0-9A-Z]{10}$' <<<"$out"; then pass "-q prints only ids, one a line"; else fail "-q printed: $(head -3 <<<"$out")"; fi
[ "$(B list -q --grep "no such text anywhere")" = "" ] && pass "-q with nothing selected prints nothing" || fail "-q printed something for an empty selection"
expect_contains "$(B list --grep "no such text anywhere")" "no exceptions match" "the table says when nothing matches"
expect_status 0 "the table with filters" B list --severity high --sort due --limit 4
[ "$(grep -c . <<<"$OUT")" = 5 ] && pass "the table shows a header and 4 lines" || fail "table: $OUT"
id=$(B list -q --identity api-key:svc-4 | head -1)
expect_status 0 "list -q | xargs docket show" sh -c "B() { DOCKET_ACTOR_EMAIL=bob@acme.example DOCKET_SIGNING_KEY=$HOME/bob_ed25519 \"$DOCKET_BIN\" \"\$@\"; }; \"$DOCKET_BIN\" list -q --identity api-key:svc-4 | xargs -n1 \"$DOCKET_BIN\" show"
expect_contains "$OUT" "$id" "xargs fed the ids to show"

# report: the figures cover the selection only.
for mode in on off; do
  got=$(DOCKET_INDEX=$mode B report --format json --severity high --tool trivy | python3 -c 'import json,sys; print("\n".join(sorted(e["id"] for e in json.load(sys.stdin)["exceptions"])))')
  [ "$got" = "$(expected --severity high --tool trivy | sort)" ] && pass "report --severity --tool lists the selection (index $mode)" || fail "report selection (index $mode): $got"
done
total_in_report=$(B report --format json --overdue | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"] if "total" in d else len(d["exceptions"]))')
[ "$total_in_report" = "$(expected --overdue | grep -c .)" ] && pass "report --overdue counts the overdue ones" || fail "report --overdue total $total_in_report"

# check: findings of the selected records only, judged as without the selection.
findings_of() { python3 -c 'import json,sys; print("\n".join(sorted(set(f["id"] for f in json.load(sys.stdin)["findings"]))))'; }
all_findings=$(B check --json | findings_of || true)
for args in "--owner carol@acme.example" "--tool manual" "--severity critical --severity high" "--expired" "--grep rotated"; do
  for mode in on off; do
    # shellcheck disable=SC2086
    got=$(DOCKET_INDEX=$mode B check --json $args | findings_of || true)
    # shellcheck disable=SC2086
    want=$(comm -12 <(echo "$all_findings") <(expected $args | sort))
    [ "$got" = "$want" ] && pass "check $args (index $mode): the selection's findings" || fail "check $args (index $mode): $got, wanted $want"
  done
done
expect_status 1 "check --expired fails on the expired acceptance" B check --expired
expect_contains "$OUT" "${manual[13]}" "check --expired names it"
expect_status 0 "check --severity low --tool manual: nothing failing in that selection" B check --severity low --state closed

# Bad values: exit 2, naming the value and what is allowed; nothing is read.
expect_status 2 "--severity urgent" B list --severity urgent
expect_contains "$ERR" "'urgent'" "the bad severity is named" && expect_contains "$ERR" "critical, high, medium, low" "the severities are listed"
expect_status 2 "--state nope" B list --state nope
expect_contains "$ERR" "pending-approval" "the states are listed"
expect_status 2 "--sort title" B list --sort title
expect_contains "$ERR" "'title'" "the bad sort key is named" && expect_contains "$ERR" "due, opened, severity, state" "the sort keys are listed"
expect_status 2 "--expiring 3x" B list --expiring 3x
expect_contains "$ERR" "'3x'" "the bad duration is named"
expect_status 2 "--identity without a colon" B list --identity svc-billing
expect_contains "$ERR" "KIND:NAME" "the identity form is named"
for n in 0 -3 abc 1.5; do
  expect_status 2 "--limit $n" B list --limit="$n"
  expect_contains "$ERR" "'$n'" "--limit $n is named"
done
expect_status 2 "--owner not an e-mail" B list --owner bob
expect_status 2 "-q with --json" B list -q --json
expect_status 2 "report --severity urgent" B report --severity urgent
expect_status 2 "check --expiring 0d" B check --expiring 0d
expect_status 2 "--mine with no e-mail configured" env -u DOCKET_ACTOR_EMAIL GIT_CONFIG_GLOBAL=/dev/null "$DOCKET_BIN" list --mine
expect_contains "$ERR" "--mine" "the message names --mine" && expect_contains "$ERR" "user.email" "and what to set"

finish
