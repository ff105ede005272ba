#!/usr/bin/env bash
# The loop with a real scanner: secretlint (its recommended rules, its SARIF formatter, installed
# from npm by scripts/install-deps.sh) scans a tree with planted fake secrets; docket ingests the
# SARIF; one finding is accepted, one rejected as a false positive; `docket export` writes SARIF
# (valid against the OASIS schema, checked with python3-jsonschema), .trivyignore.yaml (parsed,
# expired_at) and .gitleaksignore (line format) naming exactly those; after the expiry, and after
# `revoke`, the accepted finding is gone from the next export. gitleaks' native JSON covers the
# .gitleaksignore fingerprint.
source "$(dirname "$0")/lib.sh" "$@"

SECRETLINT_DIR="$SOURCE_DIR/tests/tools/secretlint"
SECRETLINT="$SECRETLINT_DIR/node_modules/.bin/secretlint"
SARIF_FORMATTER="$SECRETLINT_DIR/node_modules/@secretlint/secretlint-formatter-sarif/module/index.js"
SCHEMA="$SOURCE_DIR/tests/data/sarif-schema-2.1.0.json"
if [ ! -x "$SECRETLINT" ] || [ ! -f "$SARIF_FORMATTER" ]; then
  echo "secretlint is not installed in $SECRETLINT_DIR: run bash scripts/install-deps.sh" >&2
  exit 1
fi
python3 -c 'import jsonschema, yaml' || { echo "python3-jsonschema and python3-yaml are needed: run bash scripts/install-deps.sh" >&2; exit 1; }

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
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder >/dev/null
A member add ci@acme.example --key "$HOME/ci_ed25519.pub" --role reporter >/dev/null

# ---- 1. scan: a small tree with fake secrets, assembled here so this file holds none ----
tree="$WORK/tree"
mkdir -p "$tree/config" "$tree/deploy" "$tree/docs"
github_token="ghp""_$(printf 'A1b2C3d4%.0s' 1 2 3 4)abcd"
slack_token="xox""b-123456789012-1234567890123-$(printf 'abcdefgh%.0s' 1 2 3)"
basic_auth_url="https://admin:""hunter2pass@build.acme.example/"
printf '# deploy settings\nGITHUB_TOKEN="%s"\n' "$github_token" >"$tree/config/app.env"
printf 'notify:\n  token: %s\n' "$slack_token" >"$tree/deploy/slack.yaml"
printf 'Mirror: %s\n' "$basic_auth_url" >"$tree/docs/mirror.md"
echo '{"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}' >"$tree/.secretlintrc.json"
scan_status=0
(cd "$tree" && "$SECRETLINT" "**/*" --format "$SARIF_FORMATTER" --output "$WORK/secretlint.sarif") || scan_status=$?
[ "$scan_status" -le 1 ] && [ -s "$WORK/secretlint.sarif" ] && pass "secretlint wrote SARIF (exit $scan_status)" ||
  fail "secretlint failed: exit $scan_status"
found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$WORK/secretlint.sarif")
[ "$found" = 3 ] && pass "the recommended rules find the 3 planted secrets" || fail "secretlint found $found secrets, wanted 3"

# ---- 2. ingest ----
expect_status 0 "CI ingests secretlint's SARIF" CI ingest sarif "$WORK/secretlint.sarif" --json
echo "$OUT" >"$WORK/ingest.json"
id_at() {  # id_at PATH: the exception opened for the finding at PATH
  python3 -c 'import json,sys; print(next(o["id"] for o in json.load(open(sys.argv[1]))["opened"] if o["source"]["location"].startswith(sys.argv[2] + ":")))' \
    "$WORK/ingest.json" "$1"
}
rule_of() { python3 -c 'import json,sys; print(next(o["source"]["rule"] for o in json.load(open(sys.argv[1]))["opened"] if o["id"] == sys.argv[2]))' "$WORK/ingest.json" "$1"; }
gh=$(id_at config/app.env)
slack=$(id_at deploy/slack.yaml)
url=$(id_at docs/mirror.md)
[ -n "$gh" ] && [ -n "$slack" ] && [ -n "$url" ] && pass "one exception per finding: $gh $slack $url" || fail "ingest opened: $OUT"
gh_rule=$(rule_of "$gh")
slack_rule=$(rule_of "$slack")
expect_contains "$gh_rule" "secretlint-rule-github" "the GitHub finding keeps secretlint's rule id"

# ---- 3. decisions: the GitHub token accepted for 30 days, the Slack token a false positive ----
finish_checklist() {  # finish_checklist ID: every item done, with evidence where required
  local id=$1 item name
  for item in $(C show "$id" --json | python3 -c 'import json,sys; print(" ".join(i["id"]+":"+("e" if i["evidence"]=="required" else "n") for i in json.load(sys.stdin)["exception"]["checklist"]))'); do
    name=${item%:*}
    if [ "${item#*:}" = e ]; then
      echo "record for $name of $id" >"$WORK/ev-$id-$name.txt"
      C attach "$id" "$WORK/ev-$id-$name.txt" --item "$name" >/dev/null
    else
      C done "$id" "$name" --note "done" >/dev/null
    fi
  done
}
work_on() {  # work_on ID: assigned to carol, moved to remediating, checklist done
  A assign "$1" carol@acme.example >/dev/null
  C move "$1" triaged >/dev/null
  C move "$1" investigating >/dev/null
  C move "$1" remediating >/dev/null
  finish_checklist "$1"
}
approve_until_decided() {  # alice, then bob while the request still waits
  A approve "$1" >/dev/null
  [ "$(A show "$1" --json | json_field "['exception']['state']")" = pending-approval ] && B approve "$1" >/dev/null
  return 0
}
work_on "$gh"
expect_status 0 "carol asks to accept the GitHub token for 30 days" C request "$gh" --resolution accepted \
  --reason $'vendor CI needs it until the migration\n- id: injected' --control "token scoped to one repository" --expires 30d
approve_until_decided "$gh"
[ "$(A show "$gh" --json | json_field "['exception']['state']")" = accepted ] && pass "the GitHub finding is accepted" || fail "not accepted"
expires=$(A show "$gh" --json | json_field "['exception']['outcome']['expires']")
approvers=$(A show "$gh" --json | python3 -c 'import json,sys; print(" ".join(sorted(a["by"] for a in json.load(sys.stdin)["exception"]["approvals"] if a["decision"]=="approve")))')
work_on "$slack"
expect_status 0 "carol asks to reject the Slack finding" C request "$slack" --resolution rejected --reason "a revoked test token kept as a fixture"
approve_until_decided "$slack"
[ "$(A show "$slack" --json | json_field "['exception']['outcome']['resolution']")" = rejected ] && pass "the Slack finding is closed as rejected" || fail "not rejected"
# An exception with no scanner source, rejected too: it cannot be exported and is named.
expect_status 0 "an exception opened by hand" C open --title "hand-made" --fingerprint manual:1
manual=$OUT
C move "$manual" triaged >/dev/null; C move "$manual" investigating >/dev/null
finish_checklist "$manual"
C request "$manual" --resolution rejected --reason "duplicate" >/dev/null
approve_until_decided "$manual"

# ---- 4. export SARIF: schema-valid, the suppressions name the findings ----
validate_sarif() {  # validate_sarif FILE: OASIS SARIF 2.1.0 schema, draft-04
  python3 - "$SCHEMA" "$1" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errors[:5]:
    print("schema:", "/".join(map(str, e.path)), e.message[:200], file=sys.stderr)
sys.exit(1 if errors else 0)
EOF
}
expect_status 0 "export --format sarif" A export --format sarif
echo "$OUT" >"$WORK/export.sarif"
validate_sarif "$WORK/export.sarif" && pass "the exported SARIF is valid against the SARIF 2.1.0 schema" || fail "the exported SARIF is not schema-valid"
expect_contains "$ERR" "exported 2 of 2 suppressions (1 accepted, 1 false positive) as sarif" "stderr sums up the export"
expect_contains "$ERR" "no scanner source skipped: $manual" "stderr names the exception without a scanner source"
python3 - "$WORK/export.sarif" "$gh" "$gh_rule" "$expires" "$approvers" "$slack" "$slack_rule" <<'EOF' && pass "the SARIF suppressions name the accepted and the rejected finding, nothing else" || fail "SARIF content"
import json, sys
log_path, gh, gh_rule, expires, approvers, slack, slack_rule = sys.argv[1:]
log = json.load(open(log_path))
assert [r["tool"]["driver"]["name"] for r in log["runs"]] == ["secretlint"], log["runs"]
results = {r["suppressions"][0]["properties"]["docket_id"]: r for r in log["runs"][0]["results"]}
assert sorted(results) == sorted([gh, slack]), sorted(results)
r = results[gh]
assert r["ruleId"] == gh_rule, r["ruleId"]
loc = r["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"] == "config/app.env", loc
assert loc["region"]["startLine"] == 2, loc
s = r["suppressions"][0]
assert s["kind"] == "external" and s["status"] == "accepted", s
assert s["justification"] == "vendor CI needs it until the migration\n- id: injected", s
assert s["properties"]["kind"] == "accepted"
assert s["properties"]["expires"] == expires, (s["properties"]["expires"], expires)
assert " ".join(sorted(a["email"] for a in s["properties"]["approvers"])) == approvers, s["properties"]["approvers"]
assert r["fingerprints"]["docket/v1"].startswith("sha256:")
f = results[slack]
assert f["ruleId"] == slack_rule
assert f["suppressions"][0]["properties"]["kind"] == "false-positive"
assert f["suppressions"][0]["properties"]["expires"] is None
assert f["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deploy/slack.yaml"
EOF
for secret in "$github_token" "$slack_token" "hunter2pass"; do
  grep -qF -- "$secret" "$WORK/export.sarif" && fail "a planted secret is in the export" || true
  git -C "$repo" log -p refs/heads/docket | grep -qF -- "$secret" && fail "a planted secret reached the store" || true
done
pass "no planted secret reached the store or the export"

# docket ingest reads its own export back: every result is suppressed, nothing opens. (Under
# another --tool: a complete secretlint run would mark the findings it does not list not seen.)
expect_status 0 "ingest reads the export as suppressed results" CI ingest sarif "$WORK/export.sarif" --tool export-check --json
[ "$(json_field "['suppressed']" <<<"$OUT")" = 2 ] && [ "$(json_field "['opened']" <<<"$OUT")" = "[]" ] &&
  pass "the export's results count as suppressed" || fail "ingest of the export: $OUT"

expect_status 0 "export without the record index" env DOCKET_INDEX=off DOCKET_ACTOR_EMAIL=alice@acme.example "$DOCKET_BIN" export --format sarif
cmp -s <(echo "$OUT") "$WORK/export.sarif" && pass "DOCKET_INDEX=off exports the same" || fail "the export differs without the index"

# --out, --tool, bad input
expect_status 0 "export --out writes the same file" A export --format sarif --out "$WORK/out.sarif"
cmp -s "$WORK/out.sarif" "$WORK/export.sarif" && pass "--out holds what stdout had" || fail "--out differs from stdout"
expect_status 2 "export --out to a folder is refused" A export --format sarif --out "$WORK"
expect_status 2 "an unknown format is refused" A export --format yaml
expect_contains "$ERR" "sarif, trivyignore, gitleaksignore" "the refusal lists the formats"
expect_status 0 "export --tool SecretLint (stored names are lower case)" A export --format sarif --tool SecretLint
cmp -s <(echo "$OUT") "$WORK/export.sarif" && pass "--tool matches the stored tool name" || fail "--tool secretlint changed the export"
expect_status 0 "export --tool gitleaks: nothing of that tool" A export --format sarif --tool gitleaks
echo "$OUT" >"$WORK/none.sarif"
validate_sarif "$WORK/none.sarif" && [ "$(json_field "['runs']" <<<"$OUT")" = "[]" ] && pass "an empty export is a valid SARIF log with no runs" ||
  fail "empty export: $OUT"

# ---- 5. trivyignore: YAML, secrets section, expired_at the expiry's date ----
expect_status 0 "export --format trivyignore" A export --format trivyignore --out "$WORK/.trivyignore.yaml"
python3 - "$WORK/.trivyignore.yaml" "$gh_rule" "$expires" "$gh" "$slack_rule" <<'EOF' && pass ".trivyignore.yaml parses, with expired_at for the acceptance only" || fail ".trivyignore.yaml content"
import datetime, sys, yaml
path, gh_rule, expires, gh, slack_rule = sys.argv[1:]
doc = yaml.safe_load(open(path))
assert sorted(doc) == ["misconfigurations", "secrets", "vulnerabilities"], doc
assert doc["vulnerabilities"] == [] and doc["misconfigurations"] == [], doc
entries = {e["id"]: e for e in doc["secrets"]}
assert sorted(entries) == sorted([gh_rule, slack_rule]), entries
e = entries[gh_rule]
assert e["paths"] == ["config/app.env"], e
assert e["expired_at"] == datetime.date.fromisoformat(expires[:10]), e   # a YAML date, as trivy reads it
assert e["statement"] == gh + ": vendor CI needs it until the migration\n- id: injected", e
assert "expired_at" not in entries[slack_rule], entries[slack_rule]
EOF

# ---- 6. gitleaksignore: comment lines, then file:rule:line ----
expect_status 0 "export --format gitleaksignore" A export --format gitleaksignore
echo "$OUT" >"$WORK/.gitleaksignore"
python3 - "$WORK/.gitleaksignore" "$gh" "$gh_rule" "$expires" "$slack" "$slack_rule" <<'EOF' && pass ".gitleaksignore: one fingerprint per entry under its comment" || fail ".gitleaksignore content"
import re, sys
path, gh, gh_rule, expires, slack, slack_rule = sys.argv[1:]
lines = open(path).read().split("\n")
assert lines[-1] == "", "ends with a newline"
lines = lines[:-1]
entries = [l for l in lines if not l.startswith("#")]
for l in entries:
    assert l == l.strip() and l, repr(l)
    assert re.fullmatch(r"(?:[0-9a-f]{7,40}:)?[^:\n]+:[^:\n]+:[1-9][0-9]*", l), repr(l)
gh_line, slack_line = "config/app.env:%s:2" % gh_rule, "deploy/slack.yaml:%s:2" % slack_rule
assert sorted(entries) == sorted([gh_line, slack_line]), entries   # in id order, and ids are random
assert lines[lines.index(gh_line) - 1] == "# %s accepted until %s" % (gh, expires), lines
assert lines[lines.index(slack_line) - 1] == "# %s false-positive" % slack, lines
assert lines[0].startswith("# Written by docket export"), lines[0]
EOF

# ---- 7. the acceptance runs out: after its expiry, and after revoke, it is gone ----
after=$(python3 -c 'import datetime,sys; t=datetime.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")); print((t+datetime.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$expires")
expect_status 0 "export one second after the expiry" env DOCKET_NOW="$after" "$DOCKET_BIN" -C "$repo" export --format sarif
ids=$(python3 -c 'import json,sys; print(" ".join(r["suppressions"][0]["properties"]["docket_id"] for run in json.load(sys.stdin)["runs"] for r in run["results"]))' <<<"$OUT")
[ "$ids" = "$slack" ] && pass "an expired acceptance drops out; the false positive stays" || fail "after expiry the export names: $ids"
expect_status 0 "export the moment it expires" env DOCKET_NOW="$expires" "$DOCKET_BIN" -C "$repo" export --format trivyignore
grep -qF "$gh" <<<"$OUT" && fail "an acceptance is exported at its expiry" || pass "expires <= now: not exported"

expect_status 0 "bob revokes the acceptance" B revoke "$gh" --note "migration done early"
for format in sarif trivyignore gitleaksignore; do
  expect_status 0 "export --format $format after revoke" A export --format "$format"
  if grep -qF "$gh" <<<"$OUT"; then fail "$format still names the revoked $gh"; else pass "$format no longer names the revoked $gh"; fi
  expect_contains "$OUT" "$slack" "$format still names the false positive"
done

# ---- 8. gitleaks' own fingerprint: a native report ingested, one finding rejected ----
expect_status 0 "CI ingests a gitleaks JSON report" CI ingest gitleaks "$SOURCE_DIR/tests/data/gitleaks-baseline.json" --json
leak=$(python3 -c 'import json,sys; print(next(o["id"] for o in json.load(sys.stdin)["opened"] if o["source"]["location"].endswith(":32")))' <<<"$OUT")
work_on "$leak"
C request "$leak" --resolution rejected --reason "gitleaks' own test data" >/dev/null
approve_until_decided "$leak"
record_path="exceptions/$(cut -c4-5 <<<"$leak")/$leak.yaml"
tool_fp=$(git -C "$repo" show "refs/heads/docket:$record_path" | python3 -c 'import sys,yaml; print(yaml.safe_load(sys.stdin)["source"].get("tool_fingerprint", ""))')
if [ -n "$tool_fp" ]; then
  want="$tool_fp"   # the reader kept gitleaks' Fingerprint: commit:file:rule:line
  expect_contains "$tool_fp" "9326f35380636bcbe61e94b0584d1618c4b5c2c2:detect/detect_test.go:pypi-upload-token:32" "ingest kept gitleaks' fingerprint"
else
  want="detect/detect_test.go:pypi-upload-token:32"   # no fingerprint kept: gitleaks' no-git form
fi
expect_status 0 "export --format gitleaksignore --tool gitleaks" A export --format gitleaksignore --tool gitleaks
entries=$(grep -v '^#' <<<"$OUT")
[ "$entries" = "$want" ] && pass "the .gitleaksignore line is gitleaks' fingerprint: $want" || fail ".gitleaksignore entries: $entries (wanted $want)"
expect_contains "$OUT" "# $leak false-positive" "its comment names the exception"

verify_all_with_git "$repo" refs/heads/docket
expect_status 0 "docket verify accepts the whole history" A verify
finish
