#!/usr/bin/env bash
# docket ingest from sources that are not code scanners: each fixture (AWS IAM Access Analyzer,
# Prowler OCSF, GitHub secret scanning alerts, trivy JSON) opens the expected exceptions with
# the expected templates and severities; the same reports again open nothing; docket.yaml's
# `ingest` mapping changes templates and severities, --template-map overrides it, a mapping to
# a template the store lacks is refused; verify holds; and no secret from the reports reaches
# any object of the repository.
source "$(dirname "$0")/lib.sh" "$@"

FIXTURES="$SOURCE_DIR/../shared/fixtures"
[ -d "$FIXTURES" ] || { echo "fixtures not found at $FIXTURES" >&2; exit 1; }
AA="$FIXTURES/aws-access-analyzer/list-findings-v2.output.json"
PROWLER="$FIXTURES/prowler/many_vuln_after_4_5_0.ocsf.json"
GITHUB="$FIXTURES/github-secret-scanning/github_secrets_detection_report_many_vul.json"
TRIVY="$FIXTURES/trivy/misconfigurations_and_secrets.json"

make_user alice alice@acme.example  # admin
make_user ci ci@acme.example        # reporter: the CI job
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
A() { as alice alice@acme.example "$@"; }
CI() { as ci ci@acme.example "$@"; }
REF=refs/heads/docket
# jpy EXPR: evaluates a Python expression over the JSON on stdin, bound to d.
jpy() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# opened_summary: "template/severity" of each opened exception, sorted, from ingest --json.
opened_summary() { jpy "sorted(o['template'] + '/' + o['severity'] for o in d['opened'])" <<<"$OUT"; }
# listed TOOL: "template/severity" of the store's exceptions from TOOL, from docket list --json.
listed() { CI list --json | jpy "sorted(r['template'] + '/' + r['severity'] for r in d['exceptions'] if r['source']['tool'] == '$1')"; }

A init >/dev/null
A member add ci@acme.example --key "$HOME/ci_ed25519.pub" --role reporter >/dev/null

# --- each fixture, with the built-in mapping -----------------------------------------------
expect_status 0 "Access Analyzer findings" CI ingest access-analyzer "$AA" --json
[ "$(opened_summary)" = "['excessive-privilege/high', 'excessive-privilege/high']" ] &&
  pass "2 external access findings open as excessive-privilege, high (the template's severity)" || fail "opened: $(opened_summary)"
[ "$(listed access-analyzer)" = "['excessive-privilege/high', 'excessive-privilege/high']" ] &&
  pass "docket list shows them" || fail "list: $(listed access-analyzer)"
expect_contains "$(jpy "[o['title'] for o in d['opened']]" <<<"$OUT")" \
  "access-analyzer: ExternalAccess in arn:aws:iam::111122223333:role/Cognito_testpoolUnauth_Role" "the title names the role"

expect_status 0 "Prowler OCSF" CI ingest prowler "$PROWLER" --json
[ "$(opened_summary)" = "['excessive-privilege/high', 'excessive-privilege/high']" ] &&
  pass "2 failed IAM checks open as excessive-privilege, high (Prowler's severity)" || fail "opened: $(opened_summary)"
[ "$(jpy "d['suppressed']" <<<"$OUT")" = 1 ] && pass "the muted finding is counted as suppressed" || fail "suppressed: $OUT"

expect_status 0 "GitHub secret scanning alerts" CI ingest github-secret-scanning "$GITHUB" --json
[ "$(opened_summary)" = "['leaked-secret/critical']" ] &&
  pass "the one open alert opens as leaked-secret, critical" || fail "opened: $(opened_summary)"
[ "$(jpy "d['opened'][0]['source']['location']" <<<"$OUT")" = "octocat/Hello-World/config/aws-credentials.env:5" ] &&
  pass "located by repository, path and line" || fail "location: $OUT"
[ "$(jpy "d['suppressed']" <<<"$OUT")" = 1 ] && pass "the false positive is suppressed, the revoked one gone" || fail "suppressed: $OUT"

expect_status 0 "trivy JSON" CI ingest trivy "$TRIVY" --json
[ "$(opened_summary)" = "['generic/high', 'leaked-secret/critical', 'leaked-secret/critical']" ] &&
  pass "2 secrets open as leaked-secret, the misconfiguration as generic with trivy's HIGH" || fail "opened: $(opened_summary)"
[ "$(jpy "d['skipped']" <<<"$OUT")" = 2 ] && pass "the 2 package vulnerabilities are skipped" || fail "skipped: $OUT"
expect_status 0 "trivy JSON as text" CI ingest trivy "$TRIVY"
expect_contains "$OUT" "2 skipped (not identity findings)" "the text summary counts the skipped ones"
expect_contains "$OUT" "opened 0, already known 3" "the same trivy report again opens nothing"

tip=$(ref_of "$repo" "$REF")
for run in "access-analyzer $AA" "prowler $PROWLER" "github-secret-scanning $GITHUB" "trivy $TRIVY"; do
  set -- $run
  expect_status 0 "$1 again" CI ingest "$1" "$2"
  expect_contains "$OUT" "no commit made" "$1 again changes nothing"
done
[ "$(ref_of "$repo" "$REF")" = "$tip" ] && pass "re-running every report makes no commit" || fail "a re-run moved the ref"
[ "$(CI list --json | jpy "len(d['exceptions'])")" = 8 ] && pass "8 exceptions in all" || fail "list: $(CI list --json | jpy "len(d['exceptions'])")"

# --- a report given to the wrong subcommand -----------------------------------------------
expect_status 2 "Prowler OCSF given as trivy" CI ingest trivy "$PROWLER"
expect_contains "$ERR" "docket ingest prowler" "the error names the right command"
expect_status 2 "GitHub alerts given as SARIF" CI ingest sarif "$GITHUB"
expect_contains "$ERR" "docket ingest github-secret-scanning" "SARIF's error names the right command"
expect_status 2 "trivy JSON given as access-analyzer" CI ingest access-analyzer "$TRIVY"
expect_contains "$ERR" "docket ingest trivy" "the error names trivy"
[ "$(ref_of "$repo" "$REF")" = "$tip" ] && pass "refused runs leave the ref where it was" || fail "a refused run moved the ref"

# --- docket.yaml's ingest mapping --------------------------------------------------------
# An admin adds the mapping with a signed commit, as any policy change.
policy_commit() {  # policy_commit MESSAGE: commits $WORK/docket.yaml as alice
  local wt="$WORK/wt-$RANDOM"
  git -C "$repo" worktree add -q -f "$wt" docket
  cp "$WORK/docket.yaml" "$wt/docket.yaml"
  git -C "$wt" -c core.hooksPath=/dev/null -c user.email=alice@acme.example -c user.name=alice -c gpg.format=ssh \
    -c user.signingkey="$HOME/alice_ed25519" commit -q -a -S -m "$1"
  git -C "$repo" worktree remove --force "$wt"
}
git -C "$repo" show "$REF:docket.yaml" >"$WORK/docket.yaml.before"
cp "$WORK/docket.yaml.before" "$WORK/docket.yaml"
cat >>"$WORK/docket.yaml" <<'EOF'
ingest:
  templates:
    trivy:DS002: excessive-privilege
    aws_access_key_id: generic
  severities:
    ExternalAccess: critical
    trivy:DS002: low
EOF
policy_commit "docket: policy (ingest mapping)"
expect_status 0 "a store with an ingest mapping reads" CI list
# Commands that rewrite docket.yaml keep the mapping.
make_user bob bob@acme.example
expect_status 0 "an admin adds a member" A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role responder
git -C "$repo" show "$REF:docket.yaml" >"$WORK/docket.yaml.after"
expect_contains "$(cat "$WORK/docket.yaml.after")" "    trivy:DS002: excessive-privilege" "member add keeps ingest.templates"
expect_contains "$(cat "$WORK/docket.yaml.after")" "    ExternalAccess: critical" "and ingest.severities"

# New findings of the mapped rules, under other --tool scopes so they are new exceptions.
expect_status 0 "Access Analyzer with the mapping" CI ingest access-analyzer "$AA" --tool access-analyzer/prod --json
[ "$(opened_summary)" = "['excessive-privilege/critical', 'excessive-privilege/critical']" ] &&
  pass "ingest.severities makes ExternalAccess critical" || fail "opened: $(opened_summary)"
expect_status 0 "trivy with the mapping" CI ingest trivy "$TRIVY" --tool trivy/app --json
[ "$(opened_summary)" = "['generic/high', 'leaked-secret/critical', 'leaked-secret/critical']" ] &&
  pass "TOOL:RULE keys name the tool as stored: trivy:DS002 does not match trivy/app" || fail "opened: $(opened_summary)"
python3 - "$TRIVY" "$WORK/trivy-moved.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
for result in report["Results"]:
    result["Target"] = "moved/" + result["Target"]
json.dump(report, open(sys.argv[2], "w"))
EOF
expect_status 0 "trivy (tool trivy) with the mapping" CI ingest trivy "$WORK/trivy-moved.json" --json
[ "$(jpy "[o['template'] + '/' + o['severity'] for o in d['opened'] if o['source']['rule'] == 'DS002']" <<<"$OUT")" = \
  "['excessive-privilege/low']" ] && pass "trivy:DS002 maps the template and the severity" || fail "opened: $OUT"
expect_status 0 "GitHub alerts with the mapping" CI ingest github-secret-scanning "$GITHUB" --tool gh/acme --json
[ "$(opened_summary)" = "['generic/medium']" ] &&
  pass "a RULE key maps the rule from any tool (generic takes its own severity)" || fail "opened: $(opened_summary)"
expect_status 0 "--template-map overrides docket.yaml" \
  CI ingest github-secret-scanning "$GITHUB" --tool gh/other --template-map aws_access_key_id=leaked-secret --json
[ "$(opened_summary)" = "['leaked-secret/critical']" ] && pass "--template-map wins over ingest.templates" || fail "opened: $(opened_summary)"

# --- the trail holds, and no secret is stored ------------------------------------------------
verify_all_with_git "$repo" "$REF"
python3 - "$GITHUB" "$TRIVY" >"$WORK/secrets" <<'EOF'
import json, sys
alerts = json.load(open(sys.argv[1]))
for alert in alerts:
    if alert.get("secret"): print(alert["secret"])
for result in json.load(open(sys.argv[2]))["Results"]:
    for secret in result.get("Secrets") or []:
        print(secret["Match"])
EOF
[ "$(grep -c . "$WORK/secrets")" -ge 4 ] && pass "the reports hold $(grep -c . "$WORK/secrets") secret values" || fail "no secrets found"
git -C "$repo" cat-file --batch-all-objects --batch >"$WORK/all-objects"
git -C "$repo" log -p "$REF" >>"$WORK/all-objects"
leaks=0
while IFS= read -r secret; do
  [ -n "$secret" ] || continue
  grep -qF -- "$secret" "$WORK/all-objects" && { leaks=$((leaks + 1)); echo "found in the repository: ${secret:0:8}..." >&2; }
done <"$WORK/secrets"
[ "$leaks" = 0 ] && pass "no secret value of the reports is in any object" || fail "$leaks secret values stored"
grep -qF AKIA "$WORK/all-objects" && fail "'AKIA' appears in the repository" || pass "no 'AKIA' in the repository"

# --- a mapping to a template the store lacks ---------------------------------------------------
# Checked where docket.yaml is read, so the commit that brings it does not verify: every command
# refuses the store (exit 8) and verify names the rule, the key and the template. In a store of
# its own: such a commit stays in the history (an admin resets the ref; docs/verify.md).
repo="$WORK/store2"
mkdir -p "$repo" && cd "$repo"
A init >/dev/null
git -C "$repo" show "$REF:docket.yaml" >"$WORK/docket.yaml"
printf 'ingest:\n  templates:\n    DS002: excesive-privilege\n' >>"$WORK/docket.yaml"
policy_commit "docket: policy (a typo)"
expect_status 8 "a mapping to a missing template: the store is refused" A list
expect_contains "$ERR" "rule config-valid: docket.yaml: field 'ingest.templates.DS002': no template 'excesive-privilege'" \
  "the error names the rule, the key and the template"
expect_contains "$ERR" "did you mean 'excessive-privilege'" "and suggests the right one"
expect_status 1 "verify reports the broken policy commit" A verify
expect_contains "$OUT$ERR" "config-valid" "as rule config-valid"

finish
