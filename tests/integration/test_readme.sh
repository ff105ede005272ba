#!/usr/bin/env bash
# The README's "first five minutes" run as printed: the ```sh block after the
# `<!-- five-minutes` marker runs with `bash -euo pipefail` in a fresh HOME (no ~/.ssh, no git
# config, no ssh-agent) from an empty folder. Only step 1 (build and install the package) is
# replaced, by the built docket on PATH. Afterwards the store verifies, with docket and with
# stock git, and holds what the block made.
source "$(dirname "$0")/lib.sh" "$@"

command -v jq >/dev/null || { echo "jq is needed (the README uses it): run bash scripts/install-deps.sh" >&2; exit 1; }

# The block, with its install step (from "# 1. Install" to the first blank line) taken out.
script="$WORK/five-minutes.sh"
python3 - "$SOURCE_DIR/README.md" "$script" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
at = text.find("<!-- five-minutes")
if at < 0:
    sys.exit("README.md has no <!-- five-minutes marker")
m = re.compile(r"```sh\n(.*?)\n```", re.S).search(text, text.index("-->", at))
if not m or text[text.index("-->", at) + 3:m.start()].strip():
    sys.exit("no ```sh block right after the five-minutes marker")
block = m.group(1)
install = re.search(r"^# 1\. Install.*?(?=\n\n)", block, re.S | re.M)
if not install or not block.startswith(install.group(0)):
    sys.exit("the block does not start with step '# 1. Install' (then a blank line)")
step = install.group(0)
if "scripts/package.sh" not in step or "apt-get install" not in step:
    sys.exit("step 1 no longer builds and installs the package:\n" + step)
rest = block[install.end():]
if re.search(r"\bsudo\b|apt-get", rest):
    sys.exit("sudo or apt-get outside step 1: the test would skip it or run it")
open(sys.argv[2], "w").write("# step 1 (install) replaced by the built docket on PATH\n" + rest + "\n")
EOF
[ -s "$script" ] && pass "the five-minute block is found; step 1 builds and installs the package" || { fail "cannot extract the block"; finish; }

bin="$WORK/bin"
mkdir -p "$bin" "$WORK/fresh" "$WORK/empty"
ln -s "$DOCKET_BIN" "$bin/docket"   # stands in for the installed package
fresh="$WORK/fresh"
started=$(date +%s)
status=0
(
  cd "$WORK/empty"
  unset SSH_AUTH_SOCK SSH_AGENT_PID GIT_CONFIG_GLOBAL
  export HOME="$fresh" GIT_CONFIG_GLOBAL="$fresh/.gitconfig" GIT_CONFIG_NOSYSTEM=1 PATH="$bin:$PATH"
  exec bash -euo pipefail "$script"
) >"$WORK/run.out" 2>"$WORK/run.err" </dev/null || status=$?
if [ "$status" -eq 0 ]; then
  pass "the block runs as printed ($(($(date +%s) - started)) s)"
else
  fail "the block failed (exit $status): $(tail -n 15 "$WORK/run.err")"
fi

store="$fresh/nhi-exceptions"
[ "$(stat -c %a "$fresh/.ssh")" = 700 ] && pass "~/.ssh is made 0700" || fail "~/.ssh mode $(stat -c %a "$fresh/.ssh" 2>&1)"
D() { HOME="$fresh" GIT_CONFIG_GLOBAL="$fresh/.gitconfig" "$DOCKET_BIN" -C "$store" "$@"; }
expect_status 0 "docket verify accepts the store the block made" D verify
HOME="$fresh" GIT_CONFIG_GLOBAL="$fresh/.gitconfig" verify_all_with_git "$store" docket
id=$(grep -m1 -E '^[A-Z]+-[0-9A-Z]+$' "$WORK/run.out" || true)
[ -n "$id" ] && pass "the block printed the id open returned: $id" || fail "no id in the block's output: $(head -n 5 "$WORK/run.out")"
expect_status 0 "the exception the block opened is there" D show "$id" --json
expect_contains "$OUT" '"title": "AWS key for svc-deploy in CI logs"' "its title is the README's"
expect_status 0 "member list" D member list --json
expect_contains "$OUT" "bob@example.com" "bob is a member"
signer=$(git -C "$store" log -1 --format=%ae docket)
[ "$signer" = you@example.com ] && pass "the last commit is by you@example.com" || fail "last commit by $signer"
grep -q "Good \"git\" signature for you@example.com" "$WORK/run.out" "$WORK/run.err" &&
  pass "the block's git log --show-signature shows good signatures" || fail "no good signature in git log's output"

finish
