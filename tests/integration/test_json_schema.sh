#!/usr/bin/env bash
# Every command's JSON output validates against its JSON Schema in docs/schema/ (checked with
# python3-jsonschema, tests/tools/validate_json.py), a record is the same object wherever it is
# printed (show, list, check, report, ingest, lifecycle commands), every document carries
# schema_version 1, every command with --json is covered here, and wrong shapes fail validation.
source "$(dirname "$0")/lib.sh" "$@"
python3 -c 'import jsonschema' || { echo "python3-jsonschema is needed: run bash scripts/install-deps.sh" >&2; exit 1; }

SCHEMAS="$SOURCE_DIR/docs/schema"
validate() { python3 "$SOURCE_DIR/tests/tools/validate_json.py" "$SCHEMAS" "$@"; }
# valid NAME WHAT: the last command's stdout ($OUT) is a valid NAME document.
valid() {
  if validate "$1" <<<"$OUT" 2>"$WORK/v.err"; then pass "$2 validates against $1.schema.json"
  else fail "$2 does not validate against $1.schema.json: $(head -c 1500 "$WORK/v.err")"; fi
}
covered=()
# run_json SCHEMA COMMAND-WORDS -- ARGS...: runs `docket WORDS ARGS` expecting exit 0 and validates.
run_json() {
  local schema=$1 words=$2
  shift 2
  covered+=("$words")
  expect_status 0 "$words --json" "$@"
  valid "$schema" "$words"
}

make_user alice alice@acme.example  # admin + approver
make_user bob bob@acme.example      # approver + responder
make_user ci ci@acme.example        # reporter (CI)
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
CI() { as ci ci@acme.example "$@"; }
at() { local when=$1; shift; DOCKET_NOW=$when "$@"; }
T0=2026-01-05T10:00:00Z
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"

# ---- every document kind ----
run_json init "init" at $T0 A init --json
run_json members "member add" at $T0 A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder --json
run_json members "member add" at $T0 A member add ci@acme.example --key "$HOME/ci_ed25519.pub" --role reporter --json
run_json members "member list" A member list --json
run_json policy "policy show" A policy show --json
policy_out=$OUT
at $T0 A policy set fail_on none >/dev/null  # an empty list validates too
run_json policy "policy show" A policy show --json
at $T0 A policy set fail_on expired,sla-breach >/dev/null
run_json list "list" A list --json
[ "$(json_field "['exceptions']" <<<"$OUT")" = "[]" ] && pass "an empty list is an empty exceptions array" || fail "empty list: $OUT"

run_json exception "open" at $T0 B open --title "svc-billing key in CI" --severity high --identity service-account:svc-billing \
  --system gcp/acme-prod --owner bob@acme.example --json
e1=$(json_field "['exception']['id']" <<<"$OUT")
run_json exception "open" at $T0 B open --title "deploy token" --severity low --json
e2=$(json_field "['exception']['id']" <<<"$OUT")
run_json exception "comment" at $T0 B comment "$e1" "looking" --json
run_json exception "assign" at $T0 B assign "$e1" bob@acme.example --json
for step in triaged investigating remediating; do run_json exception "move" at $T0 B move "$e1" $step --json; done
for item in $(B show "$e1" --json | python3 -c 'import json,sys; print(" ".join(i["id"]+":"+i["evidence"] for i in json.load(sys.stdin)["exception"]["checklist"]))'); do
  name=${item%:*}
  if [ "${item#*:}" = required ]; then
    echo "evidence for $name" >"$WORK/ev-$name.txt"
    run_json exception "attach" at $T0 B attach "$e1" "$WORK/ev-$name.txt" --item "$name" --json
  else
    run_json exception "done" at $T0 B done "$e1" "$name" --note done --json
  fi
done
echo "session log" >"$WORK/session.txt"
run_json exception "attach" at $T0 B attach "$e1" "$WORK/session.txt" --json
run_json exception "request" at 2026-01-05T11:00:00Z B request "$e1" --resolution accepted --reason "migration window" \
  --control "session recording" --expires 2026-02-01T00:00:00Z --json
run_json exception "approve" at 2026-01-05T12:00:00Z A approve "$e1" --json
run_json exception "show" A show "$e1" --json
show_e1=$OUT
run_json log "log" A log "$e1" --json

CI_REPORT="$SOURCE_DIR/tests/data/gitleaks-baseline.json"
run_json ingest "ingest gitleaks" at 2026-01-06T10:00:00Z CI ingest gitleaks "$CI_REPORT" --json
ingest_out=$OUT
leak=$(json_field "['opened'][0]['id']" <<<"$ingest_out")

run_json list "list" A list --json
list_out=$OUT
# After the expiry: the acceptance is a finding, and the low-severity exception breaches its SLA.
expect_status 1 "check --json after the expiry fails" A check --json --at 2026-03-01T00:00:00Z
covered+=("check")
valid check "check"
check_out=$OUT
run_json report "report" A report --format json --at 2026-03-01T00:00:00Z
report_out=$OUT
run_json verify "verify" A verify --json

remote="$WORK/remote.git"
git init -q --bare "$remote"
git remote add origin "$remote"
run_json sync "sync" A sync --json

# ---- one shape per concept: the same record object everywhere ----
export show_e1 list_out check_out report_out ingest_out
python3 - "$e1" "$leak" "$WORK" <<'EOF' && pass "a record is the same object in show, list, check, report and ingest" || fail "record shapes differ"
import json, os, sys
e1, leak, work = sys.argv[1], sys.argv[2], sys.argv[3]
load = lambda name: json.loads(os.environ[name])
show, lst, check, report, ingest = (load(n) for n in ("show_e1", "list_out", "check_out", "report_out", "ingest_out"))
for d in (show, lst, check, report, ingest):
    assert d["schema_version"] == 1, d
by_id = lambda records: {r["id"]: r for r in records}
record = show["exception"]
assert by_id(lst["exceptions"])[e1] == record, "list"
assert by_id(check["exceptions"])[e1] == record, "check"
assert by_id(report["exceptions"])[e1] == record, "report"
assert {f["id"] for f in check["findings"]} == set(by_id(check["exceptions"])), "check names each finding's record once"
assert by_id(ingest["opened"])[leak] == by_id(lst["exceptions"])[leak], "ingest"
assert [r["id"] for r in report["exceptions"]] == [r["id"] for r in lst["exceptions"]], "report order"
assert [t["id"] for t in report["timing"]] == [r["id"] for r in report["exceptions"]], "report timing"
EOF

# ---- every command that has --json is covered above ----
"$DOCKET_BIN" completion tree >"$WORK/tree.json"
missing=$(python3 - "$WORK/tree.json" "${covered[@]}" <<'EOF'
import json, sys
tree, covered = json.load(open(sys.argv[1])), set(sys.argv[2:])
found = []
def walk(node, path):
    if any("--json" in o["names"] for o in node["options"]) and not node["hidden"]:
        found.append(" ".join(path))
    for sub in node["subcommands"]:
        walk(sub, path + [sub["name"]])
walk(tree, [])
# Covered by name here or checked elsewhere against the same schema as a covered command.
same_schema = {"escalate", "deny", "revoke", "renew", "reopen", "review", "edit", "member remove", "member key"}
print(" ".join(sorted(c for c in found if c not in covered and c not in same_schema and c.split(" ")[0] != "ingest")))
EOF
)
[ -z "$missing" ] && pass "every command with --json is validated here" || fail "commands with --json not validated: $missing"
for f in "$SCHEMAS"/*.schema.json; do
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["$schema"]=="https://json-schema.org/draft/2020-12/schema"' "$f" \
    || fail "$f is not a draft 2020-12 schema"
done

# ---- the schemas are strict: wrong shapes fail ----
mutant() {  # mutant SCHEMA DOC DESCRIPTION PYTHON-EXPRESSION-ON-d
  local schema=$1 doc=$2 what=$3 change=$4
  python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); exec(sys.argv[1]); print(json.dumps(d))' "$change" <<<"$doc" >"$WORK/mutant.json"
  if validate "$schema" "$WORK/mutant.json" 2>/dev/null; then fail "a document with $what validates against $schema"
  else pass "a document with $what fails $schema"; fi
}
mutant exception "$show_e1" "no schema_version" 'del d["schema_version"]'
mutant exception "$show_e1" "schema_version 2" 'd["schema_version"] = 2'
mutant exception "$show_e1" "an unknown state" 'd["exception"]["state"] = "done"'
mutant exception "$show_e1" "an unknown severity" 'd["exception"]["severity"] = "urgent"'
mutant exception "$show_e1" "an extra record member" 'd["exception"]["colour"] = "red"'
mutant exception "$show_e1" "a record without owners" 'del d["exception"]["owners"]'
mutant exception "$show_e1" "a bare record (the old shape)" 'd = d["exception"]'
mutant list "$list_out" "a bare array (the old shape)" 'd = d["exceptions"]'
mutant list "$list_out" "a time without its zone" 'd["exceptions"][0]["opened"]["at"] = "2026-01-05 10:00:00"'
mutant ingest "$ingest_out" "a summary for a record (the old shape)" 'd["opened"][0] = {k: d["opened"][0][k] for k in ("id", "title", "severity")}'
mutant check "$check_out" "a finding copying record fields" 'd["findings"][0]["title"] = "x"'
mutant policy "$policy_out" "an unknown fail_on finding" 'd["policy"]["fail_on"] = ["sometimes"]'
mutant policy "$policy_out" "an SLA in seconds" 'd["policy"]["sla"]["critical"] = 86400'
mutant report "$report_out" "a record object missing a field" 'del d["exceptions"][0]["events"]'
# And the unmutated documents still pass (the mutation is what fails).
printf '%s' "$show_e1" >"$WORK/plain.json"
validate exception "$WORK/plain.json" && pass "the unmutated document validates" || fail "the unmutated document fails"

finish
