# Shared set-up for integration tests: each test builds its own world in a temporary folder,
# with git's configuration isolated from the machine's, and runs the real docket binary.
# Usage: source lib.sh "$DOCKET_BIN" "$SOURCE_DIR"
set -euo pipefail

DOCKET_BIN=$1
SOURCE_DIR=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/docket-it-XXXXXX")
cleanup() {
  local status=$?
  if [ $status -eq 0 ]; then rm -rf "$WORK"; else echo "kept $WORK for inspection" >&2; fi
}
trap cleanup EXIT

export HOME="$WORK/home"
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
unset DOCKET_REPO DOCKET_REF DOCKET_SIGNING_KEY DOCKET_ACTOR_EMAIL DOCKET_ACTOR_NAME DOCKET_NOW GIT_DIR GIT_WORK_TREE
# The terminal conventions docket honours (colour, pager) must not leak in from the caller.
unset NO_COLOR CLICOLOR_FORCE DOCKET_PAGER PAGER
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global user.name "Test Runner"
git config --global user.email runner@test.example

failures=0
pass() { echo "ok - $*"; }
fail() { echo "not ok - $*" >&2; failures=$((failures + 1)); }
finish() {
  if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}

# make_user NAME EMAIL: an SSH key in $HOME/NAME_ed25519(.pub)
make_user() {
  ssh-keygen -q -t ed25519 -N "" -C "$2" -f "$HOME/$1_ed25519"
}

# as NAME EMAIL CMD...: runs docket as that user with that user's key
as() {
  local name=$1 email=$2
  shift 2
  DOCKET_ACTOR_EMAIL="$email" DOCKET_ACTOR_NAME="$name" DOCKET_SIGNING_KEY="$HOME/${name}_ed25519" "$DOCKET_BIN" "$@"
}

# expect_status CODE DESCRIPTION CMD...: runs CMD, checks its exit status, keeps stderr in $ERR
expect_status() {
  local want=$1 what=$2
  shift 2
  local got=0
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
  if [ "$got" -eq "$want" ]; then pass "$what (exit $got)"; else fail "$what: exit $got, wanted $want; stderr: $ERR"; fi
}

# expect_contains HAYSTACK NEEDLE DESCRIPTION
expect_contains() {
  if grep -qF -- "$2" <<<"$1"; then pass "$3"; else fail "$3: '$2' not in: $1"; fi
}

# ref_of REPO REF: the commit the ref points at (empty when absent)
ref_of() { git -C "$1" rev-parse -q --verify "$2" 2>/dev/null || true; }

# verify_all_with_git REPO REF: stock git must accept every commit's signature.
verify_all_with_git() {
  local repo=$1 ref=$2
  git -C "$repo" show "$ref:allowed_signers" >"$WORK/allowed_signers"
  local bad
  bad=$(git -C "$repo" -c gpg.ssh.allowedSignersFile="$WORK/allowed_signers" log --format='%G?' "$ref" | grep -vc '^G$' || true)
  local total
  total=$(git -C "$repo" rev-list --count "$ref")
  if [ "$bad" -eq 0 ] && [ "$total" -gt 0 ]; then
    pass "git log %G? prints G for all $total commits"
  else
    fail "git log %G? found $bad of $total commits not G"
  fi
  local c failed=0
  for c in $(git -C "$repo" rev-list "$ref"); do
    git -C "$repo" -c gpg.ssh.allowedSignersFile="$WORK/allowed_signers" verify-commit "$c" >/dev/null 2>&1 || failed=$((failed + 1))
  done
  if [ "$failed" -eq 0 ]; then pass "git verify-commit accepts every commit"; else fail "git verify-commit refused $failed commits"; fi
}

json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d'"$1"')'; }
