#!/usr/bin/env bash
# docket ingest, identity across runs and runners (docs/ingest.md "Location", "Fingerprint"):
# the same report made in two CI workspaces opens nothing new and marks nothing "not seen";
# four results sharing one placeholder fingerprint open four exceptions; four keys leaked in
# two images and two channels open four; gitleaks' own fingerprint is kept for write-back; and
# reports as producers really write them (UTF-16, trufflehog log lines) are read.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example  # admin
make_user ci ci@acme.example        # reporter: the CI job
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
A() { as alice alice@acme.example "$@"; }
CI() { as ci ci@acme.example "$@"; }
REF=refs/heads/docket
commits() { git -C "$repo" rev-list --count "$REF"; }
jpy() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

A init >/dev/null
A member add ci@acme.example --key "$HOME/ci_ed25519.pub" --role reporter >/dev/null

# sarif OUT WORKSPACE MODE: a semgrep-like SARIF log of two findings in the checkout WORKSPACE,
# with absolute paths (MODE abs), file:// URIs (uri) or a base id the run defines (base).
sarif() {
  python3 - "$@" <<'EOF'
import json, sys
out, ws, mode = sys.argv[1:4]
def loc(rel):
    if mode == "abs": a = {"uri": ws + "/" + rel}
    elif mode == "uri": a = {"uri": "file://" + ws + "/" + rel}
    else: a = {"uri": rel, "uriBaseId": "%SRCROOT%"}
    return [{"physicalLocation": {"artifactLocation": a, "region": {"startLine": 7}}}]
run = {"tool": {"driver": {"name": "semgrep", "rules": [{"id": "weak-hash"}, {"id": "open-redirect"}]}},
       "results": [{"ruleId": "weak-hash", "level": "warning", "message": {"text": "md5"}, "locations": loc("src/a.py")},
                   {"ruleId": "open-redirect", "level": "error", "message": {"text": "redirect"}, "locations": loc("web/b.py")}]}
if mode == "base": run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": "file://" + ws + "/"}}
json.dump({"version": "2.1.0", "runs": [run]}, open(out, "w"))
EOF
}

# --- two runners, two workspaces, one identity ---------------------------------------------
# Runner one and runner two check the project out in different folders, both git checkouts.
for r in one two; do mkdir -p "$WORK/runner-$r/work/app" && git -C "$WORK/runner-$r/work/app" init -q; done
sarif "$WORK/r1.sarif" "$WORK/runner-one/work/app" abs
sarif "$WORK/r2.sarif" "$WORK/runner-two/work/app" abs
expect_status 0 "runner one's report" CI ingest sarif "$WORK/r1.sarif" --json
[ "$(jpy "len(d['opened'])" <<<"$OUT")" = 2 ] && pass "runner one opens 2" || fail "runner one: $OUT"
[ "$(jpy "sorted(r['source']['location'] for r in d['opened'])" <<<"$OUT")" = "['src/a.py:7', 'web/b.py:7']" ] &&
  pass "locations are relative to the git top-level of the checkout" || fail "locations: $OUT"
before=$(commits)
expect_status 0 "runner two's report of the same code" CI ingest sarif "$WORK/r2.sarif" --json
[ "$(jpy "(len(d['opened']), len(d['known']), len(d['not_seen']))" <<<"$OUT")" = "(0, 2, 0)" ] &&
  pass "runner two opens nothing and marks nothing not seen" || fail "runner two: $OUT"
[ "$(commits)" = "$before" ] && pass "and makes no commit" || fail "runner two made a commit"
# file:// URIs and a base id the run defines give the same identity.
sarif "$WORK/r3.sarif" "$WORK/runner-two/work/app" uri
sarif "$WORK/r4.sarif" "/home/runner/work/app/app" base
for f in r3 r4; do
  expect_status 0 "the same findings written as $f" CI ingest sarif "$WORK/$f.sarif" --json
  [ "$(jpy "(len(d['opened']), len(d['not_seen']))" <<<"$OUT")" = "(0, 0)" ] && pass "$f: known" || fail "$f: $OUT"
done
# A workspace this machine does not have: --base names it; without it the summary says so.
sarif "$WORK/r5.sarif" "/builds/group/app" abs
expect_status 0 "an absolute path outside any checkout here" CI ingest sarif "$WORK/r5.sarif" --tool semgrep-probe
expect_contains "$OUT" "give --base DIR" "the summary suggests --base"
expect_status 0 "the same with --base" CI ingest sarif "$WORK/r5.sarif" --base /builds/group/app/ --json
[ "$(jpy "(len(d['opened']), len(d['not_seen']), d['absolute_locations'])" <<<"$OUT")" = "(0, 0, 0)" ] &&
  pass "--base makes it the same finding" || fail "--base: $OUT"
# The probe's exceptions are scoped by --tool; they must not disturb the rest.

# --- an exception opened under the identity an earlier run gave it -------------------------------
# Runner three's workspace was no git checkout when its report was first ingested: the absolute
# path was the identity. Once it is a checkout, the next ingest gives the exception today's
# identity (one `reidentify` replay line), and runner four's report finds it directly.
mkdir -p "$WORK/runner-three/app" "$WORK/runner-four/app" && git -C "$WORK/runner-four/app" init -q
python3 - "$WORK/r6.sarif" "$WORK/runner-three/app" <<'EOF'
import json, sys
out, ws = sys.argv[1:3]
r = {"ruleId": "sql-injection", "level": "error", "message": {"text": "sql"},
     "locations": [{"physicalLocation": {"artifactLocation": {"uri": ws + "/db/q.py"}, "region": {"startLine": 4}}}]}
json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "bandit"}}, "results": [r]}]}, open(out, "w"))
EOF
sed "s|$WORK/runner-three/app|$WORK/runner-four/app|" "$WORK/r6.sarif" >"$WORK/r7.sarif"
expect_status 0 "a report from a workspace that is no checkout" CI ingest sarif "$WORK/r6.sarif" --json
[ "$(jpy "d['opened'][0]['source']['location']" <<<"$OUT")" = "$WORK/runner-three/app/db/q.py:4" ] && pass "the path stays absolute" ||
  fail "absolute: $OUT"
old_id=$(jpy "d['opened'][0]['id']" <<<"$OUT")
git -C "$WORK/runner-three/app" init -q
expect_status 0 "the same report once the workspace is a checkout" CI ingest sarif "$WORK/r6.sarif" --json
[ "$(jpy "(len(d['opened']), len(d['not_seen']), [r['id'] for r in d['reidentified']], d['reidentified'][0]['source']['location'])" <<<"$OUT")" = \
  "(0, 0, ['$old_id'], 'db/q.py:4')" ] && pass "the exception is given today's identity" || fail "reidentify: $OUT"
expect_contains "$(git -C "$repo" log -1 --format=%B "$REF")" '"verb":"reidentify"' "the commit carries a reidentify replay line"
for f in r7 r6 r7; do
  expect_status 0 "runner $f after that" CI ingest sarif "$WORK/$f.sarif" --json
  [ "$(jpy "(len(d['opened']), len(d['not_seen']), len(d['reidentified']), d['known'])" <<<"$OUT")" = "(0, 0, 0, ['$old_id'])" ] &&
    pass "$f: the same exception, nothing not seen" || fail "$f: $OUT"
done

# --- a placeholder fingerprint is not an identity --------------------------------------------
python3 - "$WORK/placeholder.sarif" <<'EOF'
import json, sys
results = [{"ruleId": "hardcoded-password", "level": "error", "message": {"text": "password"},
            "partialFingerprints": {"primaryLocationLineHash": "0000000000000000:1"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "config/app.env"}, "region": {"startLine": line}}}]}
           for line in (3, 9, 27, 81)]
json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "confscan"}}, "results": results}]}, open(sys.argv[1], "w"))
EOF
expect_status 0 "four results sharing one fingerprint" CI ingest sarif "$WORK/placeholder.sarif"
expect_contains "$OUT" "opened 4," "four exceptions are opened"
expect_contains "$OUT" "4 results shared a fingerprint" "the summary says the fingerprint was a placeholder"
expect_status 0 "the same report again" CI ingest sarif "$WORK/placeholder.sarif"
expect_contains "$OUT" "opened 0, already known 4" "and the fallback identity is stable"

# --- trufflehog: four keys in two images and two channels ----------------------------------
python3 - "$WORK/trufflehog.json" <<'EOF'
import json, sys
def finding(raw, data):
    return {"SourceMetadata": {"Data": data}, "SourceID": 1, "SourceType": 2, "SourceName": "trufflehog",
            "DetectorType": 2, "DetectorName": "AWS", "Verified": False, "Raw": raw, "Redacted": raw[:6]}
lines = ["\U0001F437\U0001F511\U0001F437  TruffleHog. Unearth your secrets. \U0001F437\U0001F511\U0001F437",
         "2026-11-30T10:00:00Z\tinfo-0\ttrufflehog\trunning source\t{\"source_manager_worker_id\": \"a1\"}"]
places = [{"Docker": {"image": "registry.example/app:1", "layer": "sha256:aa", "file": "/etc/env"}},
          {"Docker": {"image": "registry.example/worker:1", "layer": "sha256:bb", "file": "/etc/env"}},
          {"Slack": {"channel_name": "ops", "timestamp": "1700000000.000100"}},
          {"Slack": {"channel_name": "dev", "timestamp": "1700000000.000200"}}]
for i, place in enumerate(places):
    lines.append(json.dumps(finding("fake-key-material-%d" % i, place)))
lines.append(json.dumps({"level": "info-0", "ts": "2026-11-30T10:00:01Z", "logger": "trufflehog", "msg": "finished scanning"}))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
EOF
expect_status 0 "trufflehog output with its log lines mixed in" CI ingest trufflehog "$WORK/trufflehog.json" --json
[ "$(jpy "(len(d['opened']), d['log_lines'])" <<<"$OUT")" = "(4, 3)" ] &&
  pass "four keys in two images and two channels open four; three log lines skipped" || fail "trufflehog: $OUT"
expect_contains "$(jpy "sorted(r['source']['location'] for r in d['opened'])" <<<"$OUT")" "registry.example/worker:1//etc/env" \
  "the image is part of the location"
if git -C "$repo" log -p "$REF" | grep -q "fake-key-material"; then fail "a trufflehog secret reached the store"; else
  pass "no trufflehog secret is in the store"; fi
printf 'this is not trufflehog output\n' >"$WORK/readme.txt"
before=$(commits)
expect_status 2 "a text file given as trufflehog output" CI ingest trufflehog "$WORK/readme.txt"
expect_contains "$ERR" "line 1 is neither JSON nor a line of the scanner's log" "the message names the line"
[ "$(commits)" = "$before" ] && pass "and nothing is marked not seen" || fail "a text file changed the store"

# --- gitleaks: its own fingerprint is kept; UTF-16 is decoded ---------------------------------
python3 - "$WORK/gitleaks.json" <<'EOF'
import json, sys
f = {"Description": "AWS Access Key", "StartLine": 12, "EndLine": 12, "StartColumn": 1, "EndColumn": 20,
     "Match": "****", "Secret": "****", "File": "deploy/env.sh", "Commit": "0123456789abcdef0123456789abcdef01234567",
     "Entropy": 3.5, "Author": "dev", "Email": "dev@acme.example", "Date": "2026-11-01T10:00:00Z", "Message": "m",
     "Tags": [], "RuleID": "aws-access-token",
     "Fingerprint": "0123456789abcdef0123456789abcdef01234567:deploy/env.sh:aws-access-token:12"}
open(sys.argv[1], "w", encoding="utf-16").write(json.dumps([f]))
EOF
expect_status 0 "a gitleaks JSON report written as UTF-16" CI ingest gitleaks "$WORK/gitleaks.json" --json
[ "$(jpy "d['opened'][0]['source']['tool_fingerprint']" <<<"$OUT")" = "0123456789abcdef0123456789abcdef01234567:deploy/env.sh:aws-access-token:12" ] &&
  pass "gitleaks' fingerprint is kept for write-back" || fail "tool_fingerprint: $OUT"
id=$(jpy "d['opened'][0]['id']" <<<"$OUT")
expect_status 0 "show --json" A show "$id" --json
[ "$(jpy "d['exception']['source']['tool_fingerprint']" <<<"$OUT")" = "0123456789abcdef0123456789abcdef01234567:deploy/env.sh:aws-access-token:12" ] &&
  pass "show carries it" || fail "show: $OUT"

# --- the trail holds ---------------------------------------------------------------------------
expect_status 0 "verify replays every ingest" A verify
verify_all_with_git "$repo" "$REF"
finish
