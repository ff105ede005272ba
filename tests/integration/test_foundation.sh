#!/usr/bin/env bash
# init / open / show / list against a real repository, every commit checked by stock git, and
# the error paths a new user meets: each gives one clear message, a non-zero exit, and leaves
# the ref where it was.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example
repo="$WORK/store"
mkdir -p "$repo"
cd "$repo"

expect_status 0 "init creates repository and store" as alice alice@acme.example init
expect_contains "$OUT" "initialized docket store refs/heads/docket" "init reports the ref"
[ "$(git symbolic-ref HEAD)" != refs/heads/docket ] && pass "HEAD does not point at the docket ref" || fail "HEAD points at the docket ref"
[ -z "$(git status --porcelain)" ] && pass "git status is clean after init" || fail "git status after init: $(git status --porcelain | head -3)"
expect_status 5 "second init is refused" as alice alice@acme.example init
expect_contains "$ERR" "already exists" "second init says the store exists"

expect_status 0 "open prints an id" as alice alice@acme.example open --title "AWS key in CI logs" --template leaked-secret \
  --identity api-key:svc-deploy --system aws/prod --fingerprint fp-1
id1=$OUT
[[ "$id1" =~ ^EX-[0-9A-HJKMNP-TV-Z]{10}$ ]] && pass "id has the documented form ($id1)" || fail "bad id '$id1'"

expect_status 0 "open --json" as alice alice@acme.example open --title "svc-billing is owner" --severity high --json
for field in id title state severity; do
  v=$(json_field "['exception']['$field']" <<<"$OUT")
  [ -n "$v" ] && pass "open --json has $field ($v)" || fail "open --json lacks $field"
done
id2=$(json_field "['exception']['id']" <<<"$OUT")

expect_status 0 "same fingerprint returns the open exception" as alice alice@acme.example open --title "again" --fingerprint fp-1
[ "$OUT" = "$id1" ] && pass "fingerprint open is idempotent" || fail "fingerprint open gave $OUT, not $id1"

# Start-up: libgit2's parse of the system CA bundle is bound to docket's own stand-in
# (src/cli/libgit2_tls.cpp), which reads nothing; docket's network runs through stock git.
LD_DEBUG=bindings as alice alice@acme.example list 2>&1 >/dev/null |
  grep -E "libgit2[^ ]* \[0\] to [^ ]*/docket \[0\]: normal symbol .mbedtls_x509_crt_parse_file" >/dev/null &&
  pass "libgit2's CA-bundle parse binds to docket's stand-in" || fail "libgit2's CA-bundle parse is not bound to docket's stand-in"

expect_status 0 "show by a short prefix" as alice alice@acme.example show "${id1:0:5}"
expect_contains "$OUT" "AWS key in CI logs" "show prints the title"
expect_contains "$OUT" "rotate" "show lists the template's checklist"
expect_status 0 "show --json" as alice alice@acme.example show "$id1" --json
[ "$(json_field "['exception']['state']" <<<"$OUT")" = open ] && pass "show --json state" || fail "show --json state"

expect_status 0 "list" as alice alice@acme.example list
expect_contains "$OUT" "$id1" "list shows the first id"
expect_contains "$OUT" "$id2" "list shows the second id"
expect_status 0 "list --json" as alice alice@acme.example list --json
n=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["exceptions"]))' <<<"$OUT")
[ "$n" = 2 ] && pass "list --json has 2 records" || fail "list --json has $n records"
expect_status 0 "list --state open" as alice alice@acme.example list --state triaged --json
[ "$(json_field "['exceptions']" <<<"$OUT")" = "[]" ] && pass "state filter excludes open records" || fail "state filter: $OUT"
expect_status 2 "list with a bad state" as alice alice@acme.example list --state traiged
expect_contains "$ERR" "did you mean 'triaged'" "bad state suggests the right one"

verify_all_with_git "$repo" refs/heads/docket

before=$(ref_of "$repo" refs/heads/docket)
expect_status 4 "unknown id" as alice alice@acme.example show EX-ZZZZZZZZZZ
expect_contains "$ERR" "no exception matches" "unknown id is named"
expect_status 5 "ambiguous id" as alice alice@acme.example show EX-
expect_contains "$ERR" "ambiguous" "ambiguous id lists candidates"
expect_status 7 "missing key" env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/nope" "$DOCKET_BIN" comment "$id1" hi
expect_contains "$ERR" "$HOME/nope" "missing key names the path"
chmod 000 "$HOME/alice_ed25519"
if [ "$(id -u)" -ne 0 ]; then
  expect_status 7 "unreadable key" as alice alice@acme.example comment "$id1" hi
fi
chmod 600 "$HOME/alice_ed25519"
make_user mallory mallory@evil.example
expect_status 7 "a key not in allowed_signers is refused before committing" as mallory alice@acme.example comment "$id1" hi
expect_contains "$ERR" "not listed" "unlisted key message"
expect_status 2 "unknown command suggests" "$DOCKET_BIN" lsit
expect_contains "$ERR" "did you mean 'docket list'" "typo suggestion"
[ "$(ref_of "$repo" refs/heads/docket)" = "$before" ] && pass "failed commands left the ref unmoved" || fail "ref moved"

# A repository that is not a docket store.
plain="$WORK/plain"
git init -q "$plain"
expect_status 6 "not a docket store" as alice alice@acme.example -C "$plain" list
expect_contains "$ERR" "docket init" "not-a-store hint names docket init"
expect_status 6 "no repository at all" as alice alice@acme.example -C "$WORK/nowhere" list

# docket's verifier accepts a commit made by stock `git commit -S` with a member's key (and the
# name docket.yaml records for her: init recorded DOCKET_ACTOR_NAME, "alice").
wt0="$WORK/wt0"
git -C "$repo" worktree add -q -f "$wt0" docket
git -C "$wt0" -c core.hooksPath=/dev/null -c user.email=alice@acme.example -c user.name=alice -c gpg.format=ssh \
  -c user.signingkey="$HOME/alice_ed25519" commit -q -S --allow-empty -m "auditor checkpoint, signed by git"
expect_status 0 "docket verify accepts a commit signed by git commit -S" as alice alice@acme.example verify
expect_contains "$OUT" "0 violations" "verify counts no violation"
git -C "$repo" worktree remove --force "$wt0"

# A record broken by hand (with plain git, as someone with write access could): no command acts
# on the unverified commit (exit 8, naming it and the rule), and nothing is written.
wt="$WORK/wt"
git -C "$repo" worktree add -q -f "$wt" docket
path=$(cd "$wt" && ls exceptions/*/"$id1".yaml)
sed -i 's/^severity: .*/severity: urgent/' "$wt/$path"
git -C "$wt" -c core.hooksPath=/dev/null commit -qam "hand edit"
before=$(ref_of "$repo" refs/heads/docket)
expect_status 8 "malformed record" as alice alice@acme.example show "$id1"
expect_contains "$ERR" "$(ref_of "$repo" refs/heads/docket | cut -c1-12)" "error names the hand-made commit"
expect_contains "$ERR" "signature-missing" "error names the rule"
expect_contains "$ERR" "docket verify" "error says what to run"
expect_status 8 "change to malformed record refused" as alice alice@acme.example comment "$id1" "hello"
[ "$(ref_of "$repo" refs/heads/docket)" = "$before" ] && pass "ref unmoved after malformed record" || fail "ref moved"

# A bare repository works the same, found with DOCKET_REPO.
bare="$WORK/bare.git"
git init -q --bare "$bare"
expect_status 0 "init in a bare repository" env DOCKET_REPO="$bare" DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" init
expect_status 0 "open in a bare repository" env DOCKET_REPO="$bare" DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" open --title "bare works"
verify_all_with_git "$bare" refs/heads/docket

# Key from git config (gpg.format=ssh, user.signingkey), actor from user.email, ref from docket.ref.
cfg="$WORK/cfg"
mkdir "$cfg" && cd "$cfg"
git init -q .
git config user.email alice@acme.example
git config gpg.format ssh
git config user.signingkey "~/alice_ed25519"   # git expands ~/ in key paths; so does docket
git config docket.ref refs/heads/audit
expect_status 0 "init with git config only" "$DOCKET_BIN" init
expect_status 0 "open with git config only" "$DOCKET_BIN" open --title "configured by git"
[ -n "$(ref_of "$cfg" refs/heads/audit)" ] && pass "docket.ref config chooses the ref" || fail "refs/heads/audit missing"
verify_all_with_git "$cfg" refs/heads/audit

finish
