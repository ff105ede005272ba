#!/usr/bin/env bash
# The README's CI examples (GitHub Actions step by step, GitHub Actions with action.yml, GitLab
# CI) run as printed in a sandbox: a bare "origin" repository holds the code (with planted fake
# secrets) and a docket store an admin made, with the reporter ci@example.com whose key is the
# CI secret; a clone is the CI checkout. tests/tools/ci_job.py reads each example with
# python3-yaml, maps the secrets, variables and runner paths (an expression it does not know
# fails the test), replaces only the install step with the built docket on PATH, and runs every
# other step: a real secretlint scan (npm, offline from the cache scripts/install-deps.sh
# filled), ingest, sync, export, check. Then: the exceptions are in origin's store, signed by
# ci@example.com, `docket verify` and stock git accept the history, and a re-run a year later
# fails at `docket check` (SLA breached). Also the pre-commit hook's entry, in a store.
NPM_CACHE=$(npm config get cache 2>/dev/null || true)   # before lib.sh moves HOME into the sandbox
source "$(dirname "$0")/lib.sh" "$@"

python3 -c 'import yaml' || { echo "python3-yaml is needed: run bash scripts/install-deps.sh" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is needed for secretlint: run bash scripts/install-deps.sh" >&2; exit 1; }
[ -n "$NPM_CACHE" ] && [ -d "$NPM_CACHE" ] || { echo "no npm cache: run bash scripts/install-deps.sh" >&2; exit 1; }
# secretlint comes from npm's cache only (the versions tests/tools/secretlint pins, which
# scripts/install-deps.sh installs with npm ci): the test never reaches a registry.
export npm_config_cache="$NPM_CACHE" npm_config_offline=true npm_config_update_notifier=false

README="$SOURCE_DIR/README.md"
ACTION="$SOURCE_DIR/action.yml"
CI_JOB="$SOURCE_DIR/tests/tools/ci_job.py"
DOCKET_DIR="$WORK/bin"
mkdir -p "$DOCKET_DIR"
ln -s "$DOCKET_BIN" "$DOCKET_DIR/docket"   # stands in for the installed package
make_user alice alice@example.com   # admin
make_user ci ci@example.com         # the CI job's reporter key: secrets.DOCKET_CI_KEY
A() { as alice alice@example.com "$@"; }

# world NAME: a fresh origin (code on main with two fake secrets, the store on docket) and a
# CI checkout; sets ORIGIN, WS, TEMP, ROOT.
world() {
  local dir="$WORK/$1"
  mkdir -p "$dir"
  ORIGIN="$dir/origin.git"
  git init -q --bare "$ORIGIN"
  local code="$dir/code"
  mkdir -p "$code/config" "$code/deploy"
  git -C "$code" init -q
  # Assembled here so this file holds no secret-shaped string.
  printf '# deploy settings\nGITHUB_TOKEN="%s"\n' "ghp""_$(printf 'A1b2C3d4%.0s' 1 2 3 4)abcd" >"$code/config/app.env"
  printf 'notify:\n  token: %s\n' "xox""b-123456789012-1234567890123-$(printf 'abcdefgh%.0s' 1 2 3)" >"$code/deploy/slack.yaml"
  echo "# app" >"$code/README.md"
  git -C "$code" add -A && git -C "$code" commit -q -m "app"
  git -C "$code" push -q "$ORIGIN" HEAD:refs/heads/main
  local store="$dir/admin"
  mkdir -p "$store"
  (cd "$store" && A init >/dev/null && A member add ci@example.com --key "$HOME/ci_ed25519.pub" --role reporter >/dev/null)
  git -C "$store" push -q "$ORIGIN" refs/heads/docket:refs/heads/docket
  ROOT=$(git -C "$ORIGIN" rev-list --max-parents=0 docket)
  WS="$dir/checkout"
  git clone -q "$ORIGIN" "$WS"
  TEMP="$dir/runner-temp"
  mkdir -p "$TEMP"
}

# run_example MARKER NAME [ENV=VALUE...]: runs the example in the current world; result in $RESULT
run_example() {
  local marker=$1 name=$2
  shift 2
  RESULT="$WORK/$name.json"
  local status=0
  env CI_WORKSPACE="$WS" CI_RUNNER_TEMP="$TEMP" CI_KEY_FILE="$HOME/ci_ed25519" CI_ROOT="$ROOT" \
    CI_REMOTE_URL="$ORIGIN" CI_DOCKET_DIR="$DOCKET_DIR" "$@" \
    python3 "$CI_JOB" "$README" "$ACTION" "$marker" "$RESULT" >"$WORK/$name.log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    fail "$marker ($name): the runner stopped (exit $status): $(tail -n 5 "$WORK/$name.log")"
    echo '{"failed": {"step": "runner", "status": -1}, "steps": [], "artifacts": []}' >"$RESULT"
  fi
}
failed_step() { python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["failed"]; print("none" if f is None else "%s=%s" % (f["step"], f["status"]))' "$RESULT"; }
steps_of() { python3 -c 'import json,sys; print("; ".join("%s: %s" % tuple(s) for s in json.load(open(sys.argv[1]))["steps"]))' "$RESULT"; }

# outcome MARKER EXPORT: origin's store holds the two findings, opened and signed by ci; the
# export is SARIF
outcome() {
  local marker=$1 want=$2
  local n
  n=$("$DOCKET_BIN" -C "$ORIGIN" list --json | python3 -c '
import json, sys
records = json.load(sys.stdin)["exceptions"]
print(sum(1 for r in records if r["source"]["tool"] == "secretlint" and r["state"] == "open"))')
  [ "$n" = 2 ] && pass "$marker: origin's store has an open exception per planted secret" || fail "$marker: origin has $n secretlint exceptions, wanted 2"
  git -C "$ORIGIN" show docket:allowed_signers >"$WORK/as"
  local signer
  signer=$(git -C "$ORIGIN" -c gpg.ssh.allowedSignersFile="$WORK/as" log -1 --format='%G? %GS %ae' docket)
  [ "$signer" = "G ci@example.com ci@example.com" ] && pass "$marker: the ingest commit is signed by ci@example.com" ||
    fail "$marker: the tip of origin's docket is '$signer'"
  expect_status 0 "$marker: docket verify --root accepts origin's history" "$DOCKET_BIN" -C "$ORIGIN" verify --root "$ROOT"
  verify_all_with_git "$ORIGIN" docket
  python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["runs"] is not None' "$want" &&
    pass "$marker: the export wrote SARIF to $want" || fail "$marker: no SARIF export at $want"
}
# uploaded PATH: the job's artifact step found PATH
uploaded() {
  local artifacts
  artifacts=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["artifacts"]))' "$RESULT")
  expect_contains "$artifacts" "$1" "the artifact step uploads $1"
}

# ---- GitHub Actions, step by step ----
world github
run_example github github
[ "$(failed_step)" = none ] && pass "github: every step succeeds ($(steps_of))" || fail "github: $(failed_step); $(steps_of); see $WORK/github.log"
expect_contains "$(steps_of)" "install docket: replaced by PATH" "github: the install step (only) is replaced"
outcome github "$TEMP/docket-suppressions.sarif"
uploaded "$TEMP/docket-suppressions.sarif"
[ ! -e "$TEMP/ci_key" ] || [ "$(stat -c %a "$TEMP/ci_key")" = 600 ] && pass "github: the key file is 0600" || fail "github: key file mode $(stat -c %a "$TEMP/ci_key")"
tip=$(ref_of "$ORIGIN" docket)
# The same job on a fresh runner a year later: nothing new to open, the SLAs are long breached.
WS="$WORK/github/checkout2" TEMP="$WORK/github/runner-temp2"
git clone -q "$ORIGIN" "$WS" && mkdir -p "$TEMP"
run_example github github-later DOCKET_NOW="$(date -u -d '+400 days' +%Y-%m-%dT%H:%M:%SZ)"
[ "$(failed_step)" = "open exceptions for new findings, write back the decisions, then gate=1" ] &&
  pass "github a year later: the job fails at the gate, docket check exit 1" || fail "github a year later: $(failed_step); $(steps_of)"
grep -q "sla-breach" "$WORK/github-later.log" && pass "github a year later: check names the SLA breach" || fail "check output: $(tail -n 5 "$WORK/github-later.log")"
[ "$(ref_of "$ORIGIN" docket)" = "$tip" ] && pass "github a year later: the re-run opened nothing new" || fail "the re-run moved origin's docket"
expect_contains "$(steps_of)" "actions/upload-artifact@v4: 0" "github a year later: the export is still uploaded (if: always())"

# ---- GitHub Actions with action.yml ----
world action
run_example github-action action
[ "$(failed_step)" = none ] && pass "github-action: every step succeeds ($(steps_of))" || fail "github-action: $(failed_step); $(steps_of); see $WORK/action.log"
grep -q "docket is installed: $DOCKET_DIR/docket" "$WORK/action.log" && pass "github-action: the action's install step finds docket on PATH" ||
  fail "github-action: install step output: $(grep -A3 'install docket' "$WORK/action.log")"
outcome github-action "$TEMP/docket-suppressions.sarif"
[ ! -e "$TEMP/docket_signing_key" ] && pass "github-action: the signing key file is removed at the end" || fail "github-action: $TEMP/docket_signing_key is left"
if grep -qF -- "$(sed -n 2p "$HOME/ci_ed25519")" "$WORK/action.log"; then fail "github-action: the job's output shows the private key"; else pass "github-action: the private key is never printed"; fi
WS="$WORK/action/checkout2" TEMP="$WORK/action/runner-temp2"
git clone -q "$ORIGIN" "$WS" && mkdir -p "$TEMP"
run_example github-action action-later DOCKET_NOW="$(date -u -d '+400 days' +%Y-%m-%dT%H:%M:%SZ)"
[ "$(failed_step)" = "action: check=1" ] && pass "github-action a year later: fails at check, exit 1" || fail "github-action a year later: $(failed_step); $(steps_of)"
expect_contains "$(steps_of)" "action: remove the signing key: 0" "github-action a year later: the key is removed after the failure"

# ---- GitLab CI ----
world gitlab
run_example gitlab gitlab
[ "$(failed_step)" = none ] && pass "gitlab: the script succeeds" || fail "gitlab: $(failed_step); see $WORK/gitlab.log"
outcome gitlab "$WS/docket-suppressions.sarif"
uploaded "$WS/docket-suppressions.sarif"

# ---- pre-commit: the docket-check hook's entry, in a store ----
entry=$(python3 - "$SOURCE_DIR/.pre-commit-hooks.yaml" <<'EOF'
import sys, yaml
hooks = {h["id"]: h for h in yaml.safe_load(open(sys.argv[1]))}
h = hooks["docket-check"]
assert h["language"] == "system" and h["pass_filenames"] is False and h["always_run"] is True, h
print(h["entry"])
EOF
) && pass "pre-commit: docket-check is a system hook run once per commit" || fail "pre-commit hook: $entry"
read -r -a argv <<<"$entry"
expect_status 0 "pre-commit: '$entry' passes in a store with nothing late" env PATH="$DOCKET_DIR:$PATH" bash -c 'cd "$1" && shift && exec "$@"' _ "$WS" "${argv[@]}"
expect_status 1 "pre-commit: '$entry' fails once an SLA is breached" env PATH="$DOCKET_DIR:$PATH" DOCKET_NOW="$(date -u -d '+400 days' +%Y-%m-%dT%H:%M:%SZ)" \
  bash -c 'cd "$1" && shift && exec "$@"' _ "$WS" "${argv[@]}"

finish
