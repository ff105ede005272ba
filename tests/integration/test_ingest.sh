#!/usr/bin/env bash
# docket ingest: gitleaks' SARIF of a repository with 3 leaked keys opens 3 exceptions in one
# commit; the same scan again opens nothing and makes no commit; a scan where one key is gone
# marks that one "not seen since"; invalid reports change nothing; and no secret from any input
# reaches any object of the repository.
source "$(dirname "$0")/lib.sh" "$@"

FIXTURES="$SOURCE_DIR/../shared/fixtures"
[ -d "$FIXTURES" ] || { echo "fixtures not found at $FIXTURES" >&2; exit 1; }

make_user alice alice@acme.example  # admin
make_user ci ci@acme.example        # reporter: the CI job
make_user eve eve@evil.example      # not a member
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
A() { as alice alice@acme.example "$@"; }
CI() { as ci ci@acme.example "$@"; }
REF=refs/heads/docket
commits() { git -C "$repo" rev-list --count "$REF"; }
# jpy EXPR: evaluates a Python expression over the JSON on stdin, bound to d.
jpy() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

A init >/dev/null
A member add ci@acme.example --key "$HOME/ci_ed25519.pub" --role reporter >/dev/null

# A gitleaks 8 SARIF report of a repository with three leaked keys, shaped like the fixture
# gitleaks/sarif_simple.sarif: the snippet holds the secret, partialFingerprints hold commit
# metadata. KEYS lists the secrets, to prove later that none was stored.
make_report() {  # make_report OUT KEY_INDEXES...
  python3 - "$FIXTURES/gitleaks/sarif_simple.sarif" "$@" <<'EOF'
import copy, json, sys
template, out, keep = sys.argv[1], sys.argv[2], [int(i) for i in sys.argv[3:]]
log = json.load(open(template))
keys = [("aws-access-token", "src/config.py", 12, "AKIAZ7Q2EXAMPLE4W9KD"),
        ("github-pat", "deploy/ci.yml", 3, "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngOnly0123"),
        ("generic-api-key", "app/settings.py", 40, "api_key = 'f3c9a1e07b5d42c8a6e1d0b9c7f2e4a1'")]
results = []
for i in keep:
    rule, uri, line, secret = keys[i]
    r = copy.deepcopy(log["runs"][0]["results"][0])
    r["ruleId"] = rule
    r["message"]["text"] = f"{rule} has detected secret for file {uri} at commit 1a2b3c4d."
    loc = r["locations"][0]["physicalLocation"]
    loc["artifactLocation"]["uri"] = uri
    loc["region"].update(startLine=line, endLine=line, snippet={"text": secret})
    r["partialFingerprints"] = {"commitSha": "1a2b3c4d", "email": "dev@acme.example", "author": "Dev",
                                "date": "2026-11-20T10:00:00Z", "commitMessage": "add config"}
    results.append(r)
log["runs"][0]["results"] = results
json.dump(log, open(out, "w"), indent=1)
EOF
}
make_report "$WORK/three.sarif" 0 1 2
make_report "$WORK/two.sarif" 0 2
printf '%s\n' AKIAZ7Q2EXAMPLE4W9KD ghp_R4nd0mT0k3nV4lu3F0rT3st1ngOnly0123 f3c9a1e07b5d42c8a6e1d0b9c7f2e4a1 >"$WORK/secrets"

# --- the acceptance scenario ---------------------------------------------------------------
before=$(commits)
expect_status 0 "first run of the 3-key report" CI ingest sarif "$WORK/three.sarif" --json
opened=$(jpy "len(d['opened'])" <<<"$OUT")
[ "$opened" = 3 ] && pass "first run opens 3 exceptions" || fail "first run opened $opened"
[ "$(commits)" = $((before + 1)) ] && pass "the 3 opens are one commit" || fail "commits went from $before to $(commits)"
replays=$(git -C "$repo" log -1 --format=%B "$REF" | grep -c '^Docket-Replay: ' || true)
[ "$replays" = 3 ] && pass "the commit carries one replay line per record" || fail "$replays replay lines"
expect_contains "$(git -C "$repo" log -1 --format=%B "$REF")" "Docket-Command: ingest" "the commit names the ingest command"
titles=$(jpy "[o['title'] for o in d['opened']]" <<<"$OUT")
expect_contains "$titles" "gitleaks: aws-access-token in src/config.py:12" "titles name tool, rule and place"
templates=$(jpy "sorted(set(o['template'] for o in d['opened']))" <<<"$OUT")
[ "$templates" = "['leaked-secret']" ] && pass "gitleaks findings use the leaked-secret template" || fail "templates $templates"
gone_id=$(jpy "[o['id'] for o in d['opened'] if o['source']['rule'] == 'github-pat'][0]" <<<"$OUT")

tip=$(ref_of "$repo" "$REF")
expect_status 0 "second run of the same report" CI ingest sarif "$WORK/three.sarif"
expect_contains "$OUT" "opened 0, already known 3" "second run opens none"
expect_contains "$OUT" "no commit made" "second run says nothing changed"
[ "$(ref_of "$repo" "$REF")" = "$tip" ] && pass "second run makes no commit" || fail "second run moved the ref"

expect_status 0 "a run where one key is gone" CI ingest sarif "$WORK/two.sarif" --json
marked=$(jpy "[o['id'] for o in d['not_seen']]" <<<"$OUT")
[ "$marked" = "['$gone_id']" ] && pass "exactly the removed key is marked not seen" || fail "not seen: $marked (wanted $gone_id)"
[ "$(jpy "len(d['opened'])" <<<"$OUT")" = 0 ] && pass "nothing new opened" || fail "opened something"
expect_status 0 "show the marked exception" CI show "$gone_id" --json
since=$(jpy "d['exception']['source']['missing_since']" <<<"$OUT")
state=$(jpy "d['exception']['state']" <<<"$OUT")
[ "$since" != None ] && pass "missing_since is set ($since)" || fail "missing_since not set"
[ "$state" = open ] && pass "not seen is not a closure (state $state)" || fail "state became $state"
expect_status 0 "show in text" CI show "$gone_id"
expect_contains "$OUT" "not-seen" "the record's events tell it was not seen"

tip=$(ref_of "$repo" "$REF")
expect_status 0 "the shorter run again" CI ingest sarif "$WORK/two.sarif"
[ "$(ref_of "$repo" "$REF")" = "$tip" ] && pass "marking is not repeated" || fail "second marking moved the ref"
expect_status 0 "the key comes back" CI ingest sarif "$WORK/three.sarif" --json
[ "$(jpy "[o['id'] for o in d['seen_again']]" <<<"$OUT")" = "['$gone_id']" ] && pass "it is seen again" || fail "seen again: $OUT"
[ "$(CI show "$gone_id" --json | jpy "d['exception']['source']['missing_since']")" = None ] && pass "missing_since cleared" ||
  fail "missing_since not cleared"

# --- invalid input changes nothing ----------------------------------------------------------
tip=$(ref_of "$repo" "$REF")
expect_status 2 "invalid SARIF is refused" CI ingest sarif "$FIXTURES/codeql-action/invalid-sarif.sarif"
expect_contains "$ERR" "runs[0].results: is not a list" "the error names the bad field"
expect_status 2 "a valid and an invalid report together are refused as a whole" \
  CI ingest sarif "$FIXTURES/checkov/checkov.valid.sarif" "$FIXTURES/codeql-action/invalid-sarif.sarif"
expect_status 2 "prowler OCSF is not SARIF" CI ingest sarif "$FIXTURES/prowler/many_vuln_after_4_5_0.ocsf.json"
expect_contains "$ERR" "not a SARIF log" "the error says it is not SARIF"
expect_status 2 "trufflehog lines given as SARIF" CI ingest sarif "$FIXTURES/trufflehog/v3_github.json"
expect_contains "$ERR" "docket ingest trufflehog" "the hint names the right command"
expect_status 4 "a missing file" CI ingest sarif "$WORK/nope.sarif"
expect_status 4 "an unknown template in --template-map" CI ingest sarif "$FIXTURES/checkov/checkov.valid.sarif" \
  --template-map CKV_ALI_10=leaked-secrte
expect_contains "$ERR" "did you mean 'leaked-secret'" "the template error suggests the right name"
expect_status 2 "a malformed --template-map" CI ingest sarif "$FIXTURES/checkov/checkov.valid.sarif" --template-map nope
expect_status 7 "a non-member cannot ingest" as eve eve@evil.example ingest sarif "$FIXTURES/checkov/checkov.valid.sarif"
[ "$(ref_of "$repo" "$REF")" = "$tip" ] && pass "refused runs leave the ref where it was" || fail "a refused run moved the ref"

# --- every fixture format --------------------------------------------------------------------
# Another repository's gitleaks report, scoped by --tool so it does not mark the first
# repository's findings as not seen.
expect_status 0 "gitleaks native JSON" CI ingest gitleaks "$FIXTURES/gitleaks/baseline.json" --tool gitleaks/gitleaks-repo
expect_contains "$OUT" "opened 2, already known 0, not seen since this run 0" "two pypi tokens opened, nothing else marked"
expect_contains "$OUT" "gitleaks/gitleaks-repo: pypi-upload-token in detect/detect_test.go:32" "the title names the scoped tool"
expect_status 0 "trufflehog JSON lines (two files, one commit)" CI ingest trufflehog --json \
  "$FIXTURES/trufflehog/v3_github.json" "$FIXTURES/trufflehog/trufflehog_matching_path.json"
[ "$(jpy "len(d['opened'])" <<<"$OUT")" = 4 ] && pass "trufflehog opens 4 (one duplicate)" || fail "trufflehog: $OUT"
[ "$(jpy "d['duplicates']" <<<"$OUT")" = 1 ] && pass "the duplicate is counted" || fail "duplicates: $OUT"
expect_status 0 "every SARIF fixture in one run" CI ingest sarif --json \
  "$FIXTURES/gitleaks/gitleaks_7.5.0.sarif" "$FIXTURES/sarif-pattern-matcher/SEC101_008.AwsCredentials.sarif" \
  "$FIXTURES/trivy/alpine-310.sarif" "$FIXTURES/checkov/checkov.valid.sarif" \
  "$FIXTURES/semgrep/test_sarif_output_include_nosemgrep/results.sarif" "$FIXTURES/codeql-action/valid-sarif.sarif" \
  "$FIXTURES/dockle/dockle_0_3_15.sarif" --template-map 'CKV_ALI_10=excessive-privilege'
# gitleaks 7: 4, SEC101: 4, trivy: 2, checkov: 1, semgrep: 1 (1 suppressed), codeql: 2, dockle: 4
[ "$(jpy "len(d['opened'])" <<<"$OUT")" = 18 ] && pass "the SARIF fixtures open 18" || fail "opened: $(jpy "len(d['opened'])" <<<"$OUT")"
[ "$(jpy "d['suppressed']" <<<"$OUT")" = 1 ] && pass "the nosemgrep result is suppressed" || fail "suppressed: $OUT"
[ "$(jpy "[o['template'] for o in d['opened'] if o['source']['rule'] == 'CKV_ALI_10'][0]" <<<"$OUT")" = excessive-privilege ] &&
  pass "--template-map chooses the template" || fail "template map ignored"
[ "$(jpy "[o['severity'] for o in d['opened'] if o['source']['rule'].startswith('CVE-')][0]" <<<"$OUT")" = medium ] &&
  pass "security-severity 5.3 is medium" || fail "trivy severity"
# Without --tool, one tool name is one scope: gitleaks 7's complete run (of another repository)
# marks the three findings of the first report as not seen; the scoped ones are left alone.
[ "$(jpy "sorted(o['source']['rule'] for o in d['not_seen'])" <<<"$OUT")" = "['aws-access-token', 'generic-api-key', 'github-pat']" ] &&
  pass "gitleaks 7's complete run marks the 3 unscoped gitleaks findings only" ||
  fail "not seen: $(jpy "[o['title'] for o in d['not_seen']]" <<<"$OUT")"

# --- the trail holds -------------------------------------------------------------------------
expect_status 0 "docket verify replays every ingest commit" A verify
expect_contains "$OUT" "ok:" "verify reports ok"
verify_all_with_git "$repo" "$REF"

# --- no secret from any input is in any object of the repository ------------------------------
python3 - "$FIXTURES" >>"$WORK/secrets" <<'EOF'
import base64, json, sys, pathlib
root = pathlib.Path(sys.argv[1])
def walk(node, key, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "snippet" and isinstance(v, dict): out.add(v.get("text", ""))
            if k in ("fingerprints", "partialFingerprints") and isinstance(v, dict):
                out.update(x for n, x in v.items() if "secret" in n.lower() or "validation" in n.lower() or "asset" in n.lower())
            walk(v, k, out)
    elif isinstance(node, list):
        for v in node: walk(v, key, out)
    elif isinstance(node, str) and key in ("Secret", "Match", "Raw", "RawV2", "Redacted", "offender"):
        out.add(node)
        if key == "Raw":
            try: out.add(base64.b64decode(node, validate=True).decode())
            except Exception: pass
out = set()
for f in root.rglob("*"):
    if f.suffix in (".sarif", ".json"):
        text = f.read_text()
        try: docs = [json.loads(text)]
        except ValueError: docs = [json.loads(l) for l in text.splitlines() if l.strip().startswith("{") and l.strip().endswith("}")]
        for d in docs: walk(d, "", out)
for s in sorted(out):
    for line in s.splitlines():
        line = line.strip()
        if len(line) >= 8 and set(line) != {"*"}: print(line)
EOF
git -C "$repo" cat-file --batch-all-objects --batch >"$WORK/all-objects"
git -C "$repo" log -p --all >>"$WORK/all-objects"
leaks=0
while IFS= read -r secret; do
  [ -n "$secret" ] || continue
  if grep -qF -- "$secret" "$WORK/all-objects"; then
    leaks=$((leaks + 1))
    echo "found in the repository: ${secret:0:8}..." >&2
  fi
done <"$WORK/secrets"
checked=$(grep -c . "$WORK/secrets")
[ "$leaks" = 0 ] && pass "none of $checked secret strings from the inputs is in any object" || fail "$leaks secret strings stored"
for word in AKIA "PRIVATE KEY" ghp_; do
  grep -qF -- "$word" "$WORK/all-objects" && fail "'$word' appears in the repository" || pass "no '$word' in the repository"
done

finish
