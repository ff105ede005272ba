# Shared by the tamper suites (test_tamper*.sh), sourced after lib.sh once `$clean` holds the
# clean store built with the real binary. T is the tampered copy of it, W a work tree of its
# docket branch for plain git.

# fresh NAME: T becomes a fresh copy of the clean store (its git config, with the recorded root
# and verified tip, comes along: the victim had verified the clean store).
fresh() {
  T="$WORK/t-$1"
  W="$WORK/w-$1"
  cp -a "$clean" "$T"
}
# Checks out the docket branch in W (-f: a branch may be checked out in one work tree only).
worktree() { git -C "$T" worktree add -q -f "$W" docket; }
# gitas NAME EMAIL KEYNAME GIT-ARGS...: plain git in W as NAME <EMAIL>, signing key of KEYNAME,
# past docket's ref guard hook (core.hooksPath=/dev/null), as a deliberate insider would go.
gitas() {
  local name=$1 email=$2 key=$3
  shift 3
  git -C "$W" -c core.hooksPath=/dev/null -c user.name="$name" -c user.email="$email" -c gpg.format=ssh -c user.signingkey="$HOME/${key}_ed25519" "$@"
}
tip() { git -C "$T" rev-parse refs/heads/docket; }
record_file() { git -C "$T" ls-tree -r --name-only refs/heads/docket exceptions/ | grep "/$1.yaml$"; }
# seen_up_to COMMIT: the victim's repository had verified up to COMMIT. A forgery that amends a
# commit docket just made replaces what came after COMMIT; the victim never saw the genuine one
# (otherwise verify also reports history-rewound, which is right but not the point of the case).
seen_up_to() { git -C "$T" config docket.refs/heads/docket.verifiedtip "$(git -C "$T" rev-parse "$1")"; }

# expect_violation DESC RULE [COMMIT]: verify (text and JSON) exits 1 and reports RULE on
# COMMIT (default: the tip, where the tampering sits).
expect_violation() {
  local what=$1 rule=$2 commit=${3:-$(tip)}
  expect_status 1 "$what: verify fails" "$DOCKET_BIN" -C "$T" verify
  [ -z "${DOCKET_TEST_VERBOSE:-}" ] || sed 's/^/#   /' <<<"$OUT"
  expect_contains "$OUT" "commit ${commit:0:12}" "$what: the report names the tampered commit"
  expect_contains "$OUT" "rule $rule:" "$what: the report names rule $rule"
  expect_status 1 "$what: verify --json fails" "$DOCKET_BIN" -C "$T" verify --json
  if python3 -c 'import json,sys
d = json.load(sys.stdin)
assert d["ok"] is False
assert any(v["rule"] == sys.argv[1] and v["commit"] == sys.argv[2] and v["message"] for v in d["violations"])' \
    "$rule" "$commit" <<<"$OUT"; then
    pass "$what: JSON lists $rule on that commit"
  else
    fail "$what: JSON does not list $rule on $commit: $OUT"
  fi
}
