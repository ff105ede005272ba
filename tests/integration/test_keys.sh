#!/usr/bin/env bash
# Every SSH key type git signs with: members with RSA 3072, ECDSA P-256/384/521 keys sign
# docket commands from a key file and from ssh-agent (a .pub, a key:: literal, and
# gpg.ssh.defaultKeyCommand); stock git verifies every commit (%G? = G) and docket verify accepts
# commits `git commit -S` made with those keys. Keys are rotated and revoked; helpers never hang.
source "$(dirname "$0")/lib.sh" "$1" "$2"

repo="$WORK/repo"
make_user alice alice@acme.example
export DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_ACTOR_NAME=alice
DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" -C "$repo" init >/dev/null
export DOCKET_REPO="$repo"

# key NAME TYPE BITS: a key pair in $HOME/NAME (and NAME.pub)
key() { ssh-keygen -q -t "$2" -b "$3" -N "" -C "$1@acme.example" -f "$HOME/$1"; }
key rsa rsa 3072
key p256 ecdsa 256
key p384 ecdsa 384
key p521 ecdsa 521

alice() { DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" "$@"; }
for who in rsa p256 p384 p521; do
  expect_status 0 "member add takes the $who key" alice member add "$who@acme.example" --key "$HOME/$who.pub" --role responder --name "$who"
done
expect_status 0 "member list --json" alice member list --json
for who in rsa p256 p384 p521; do
  fp=$(ssh-keygen -lf "$HOME/$who.pub" | awk '{print $2}')
  expect_contains "$OUT" "\"fingerprint\": \"$fp\"" "member list --json shows $who's fingerprint as ssh-keygen -l does"
done
expect_contains "$OUT" '"type": "ecdsa-sha2-nistp384"' "member list --json shows the key type"
expect_contains "$OUT" '"bits": 3072' "member list --json shows the RSA size"

# as_key NAME KEYSPEC CMD...: docket as NAME@acme.example signing with KEYSPEC
as_key() {
  local who=$1 spec=$2
  shift 2
  DOCKET_ACTOR_EMAIL="$who@acme.example" DOCKET_ACTOR_NAME="$who" DOCKET_SIGNING_KEY="$spec" "$DOCKET_BIN" "$@"
}

id=$(alice open --title "token for the deploy bot" --template leaked-secret --severity high --owner alice@acme.example | grep -oE '[A-Z]+-[0-9A-Z]+' | head -1)
[ -n "$id" ] && pass "opened $id" || fail "no id from open"

# From key files: in-process signing.
for who in rsa p256 p384 p521; do
  expect_status 0 "$who signs from its key file" as_key "$who" "$HOME/$who" comment "$id" "from the $who key file"
done

# From ssh-agent: the private files are moved away so only the agent can sign.
# start_agent SOCKET: an ssh-agent in the foreground on SOCKET, stopped when the test ends.
agent_pids=()
start_agent() {
  ssh-agent -D -a "$1" >/dev/null 2>&1 &
  agent_pids+=($!)
  trap 'kill ${agent_pids[*]} 2>/dev/null || true; cleanup' EXIT
  for _ in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
}
agent_sock="$WORK/agent.sock"
start_agent "$agent_sock"
export SSH_AUTH_SOCK="$agent_sock"
mkdir -p "$WORK/away"
for who in rsa p256 p384; do
  ssh-add -q "$HOME/$who" 2>/dev/null
  mv "$HOME/$who" "$WORK/away/$who"
  expect_status 0 "$who signs through ssh-agent from its .pub" as_key "$who" "$HOME/$who.pub" comment "$id" "agent, .pub, $who" </dev/null
  expect_status 0 "$who signs through ssh-agent from a key:: literal" as_key "$who" "key::$(cat "$HOME/$who.pub")" comment "$id" "agent, literal, $who" </dev/null
done
# gpg.ssh.defaultKeyCommand, as git runs it (no shell): the agent's first key.
agent2_sock="$WORK/agent2.sock"
start_agent "$agent2_sock"
SSH_AUTH_SOCK="$agent2_sock" ssh-add -q "$HOME/p521" 2>/dev/null
cfg="$WORK/keycmd.gitconfig"
git config -f "$cfg" gpg.format ssh
# (git itself takes only lines starting ssh- or key:: here; docket takes any public key line.)
git config -f "$cfg" gpg.ssh.defaultKeyCommand "ssh-add -L"
expect_status 0 "p521 signs with the key gpg.ssh.defaultKeyCommand names" env GIT_CONFIG_GLOBAL="$cfg" SSH_AUTH_SOCK="$agent2_sock" \
  DOCKET_ACTOR_EMAIL=p521@acme.example DOCKET_ACTOR_NAME=p521 "$DOCKET_BIN" comment "$id" "defaultKeyCommand" </dev/null
git config -f "$cfg" gpg.ssh.defaultKeyCommand "false"
expect_status 7 "a failing defaultKeyCommand is a key error" env GIT_CONFIG_GLOBAL="$cfg" \
  DOCKET_ACTOR_EMAIL=p521@acme.example "$DOCKET_BIN" comment "$id" "never" </dev/null
expect_contains "$ERR" "gpg.ssh.defaultKeyCommand" "the message names gpg.ssh.defaultKeyCommand"
for who in rsa p256 p384; do mv "$WORK/away/$who" "$HOME/$who"; done

# git's own verdict on every commit, with the store's allowed_signers.
git -C "$repo" show docket:allowed_signers >"$WORK/allowed_signers"
verdicts=$(git -C "$repo" -c gpg.ssh.allowedSignersFile="$WORK/allowed_signers" log --format=%G? docket | sort | uniq -c | tr -s ' ')
if [ "$(git -C "$repo" -c gpg.ssh.allowedSignersFile="$WORK/allowed_signers" log --format=%G? docket | grep -cv '^G$')" = 0 ]; then
  pass "git log %G? is G for every commit ($verdicts)"
else
  fail "git log %G? is not G everywhere: $verdicts"
fi
signers=$(git -C "$repo" -c gpg.ssh.allowedSignersFile="$WORK/allowed_signers" log --format='%GS %GK' docket | sort -u)
for who in rsa p256 p384 p521; do
  expect_contains "$signers" "$who@acme.example" "git names $who as a signer"
done
expect_status 0 "docket verify accepts the history" alice verify
expect_contains "$OUT" "0 violations" "no violation"

# Commits that stock `git commit -S` made with each key.
wt="$WORK/wt"
git -C "$repo" worktree add -q -f "$wt" docket
for who in rsa p256 p384 p521; do
  git -C "$wt" -c core.hooksPath=/dev/null -c user.email="$who@acme.example" -c user.name="$who" -c gpg.format=ssh -c user.signingkey="$HOME/$who" \
    commit -q -S --allow-empty -m "checkpoint signed by git with the $who key"
done
git -C "$repo" worktree remove --force "$wt"
expect_status 0 "docket verify accepts commits git commit -S made with RSA and ECDSA keys" alice verify
expect_contains "$OUT" "0 violations" "no violation after git's commits"
expect_status 0 "docket still acts on that history" as_key rsa "$HOME/rsa" comment "$id" "after git's commits"

# member add: an unusable key, a key another member holds, a missing file.
before=$(ref_of "$repo" refs/heads/docket)
ssh-keygen -q -t rsa -b 1024 -N "" -f "$HOME/short" 2>/dev/null || true
if [ -f "$HOME/short.pub" ]; then
  expect_status 3 "member add refuses a 1024-bit RSA key" alice member add short@acme.example --key "$HOME/short.pub" --role reporter
  expect_contains "$ERR" "key-unusable" "the refusal names rule key-unusable"
fi
expect_status 3 "member add refuses a key another member holds" alice member add bob@acme.example --key "$HOME/rsa.pub" --role reporter
expect_contains "$ERR" "rsa@acme.example" "the refusal names the holder"
expect_status 7 "member add with a missing key file" alice member add bob@acme.example --key "$HOME/nope.pub" --role reporter
expect_contains "$ERR" "$HOME/nope.pub" "the message names the missing file"
if grep -q "user.signingkey\|DOCKET_SIGNING_KEY" <<<"$ERR"; then fail "member add's message talks about your own key: $ERR"; else pass "the hint is about the member's key"; fi
[ "$(ref_of "$repo" refs/heads/docket)" = "$before" ] && pass "refused member adds left the ref unmoved" || fail "ref moved"

# member key: rotation; the old key is revoked for good.
key rsa2 rsa 3072
expect_status 0 "member key rotates rsa's key" alice member key rsa@acme.example --key "$HOME/rsa2.pub" --json
old_fp=$(ssh-keygen -lf "$HOME/rsa.pub" | awk '{print $2}')
new_fp=$(ssh-keygen -lf "$HOME/rsa2.pub" | awk '{print $2}')
expect_contains "$OUT" "$new_fp" "the new key is listed"
expect_contains "$(git -C "$repo" show docket:revoked_keys)" "$(awk '{print $2}' "$HOME/rsa.pub")" "the old key is in revoked_keys"
expect_status 0 "member list shows the revoked key" alice member list
expect_contains "$OUT" "revoked  RSA 3072  $old_fp" "member list marks the old key revoked"
expect_status 7 "the old key can no longer sign" as_key rsa "$HOME/rsa" comment "$id" "old key"
expect_status 0 "the new key signs" as_key rsa "$HOME/rsa2" comment "$id" "new key"
expect_status 3 "the revoked key cannot come back" alice member key rsa@acme.example --key "$HOME/rsa.pub"
expect_contains "$ERR" "key-revoked" "refused by key-revoked"
expect_status 3 "a responder cannot rotate keys" as_key p256 "$HOME/p256" member key p256@acme.example --key "$HOME/short.pub"
expect_status 0 "verify accepts the rotation" alice verify

# Never hang: an encrypted key, no agent, stdin an open pipe that never closes.
ssh-keygen -q -t ed25519 -N "secret" -f "$HOME/locked"
alice member add locked@acme.example --key "$HOME/locked.pub" --role responder >/dev/null
start=$(date +%s)
status=0
env -u SSH_AUTH_SOCK -u DISPLAY -u SSH_ASKPASS DOCKET_ACTOR_EMAIL=locked@acme.example DOCKET_SIGNING_KEY="$HOME/locked" \
  timeout 30 "$DOCKET_BIN" comment "$id" "locked" < <(sleep 60) >"$WORK/out" 2>"$WORK/err" || status=$?
elapsed=$(($(date +%s) - start))
[ "$status" = 7 ] && pass "an encrypted key without agent or terminal exits 7" || fail "exit $status, wanted 7: $(cat "$WORK/err")"
[ "$elapsed" -le 5 ] && pass "and within seconds (${elapsed}s)" || fail "it took ${elapsed}s"
expect_contains "$(cat "$WORK/err")" "ssh-add" "the hint says to add it to ssh-agent"
pkill -f "sleep 60" 2>/dev/null || true

# The same key in the agent signs without a terminal.
printf '#!/bin/sh\necho secret\n' >"$WORK/askpass"
chmod 700 "$WORK/askpass"
SSH_ASKPASS="$WORK/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none ssh-add -q "$HOME/locked" </dev/null 2>/dev/null
expect_status 0 "an encrypted key held by ssh-agent signs without a terminal" \
  env DOCKET_ACTOR_EMAIL=locked@acme.example DOCKET_SIGNING_KEY="$HOME/locked" "$DOCKET_BIN" comment "$id" "unlocked by the agent" </dev/null

# Killing docket kills its helper and leaves no temporary files: a defaultKeyCommand that
# never ends, killed with SIGTERM and with SIGKILL.
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"
git config -f "$cfg" gpg.ssh.defaultKeyCommand "sleep 1234"
for sig in TERM KILL; do
  env GIT_CONFIG_GLOBAL="$cfg" DOCKET_ACTOR_EMAIL=p521@acme.example "$DOCKET_BIN" comment "$id" "never" </dev/null >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do pgrep -f "sleep 1234" >/dev/null && break; sleep 0.1; done
  kill -"$sig" "$pid"
  wait "$pid" 2>/dev/null || true
  sleep 0.3
  if pgrep -f "sleep 1234" >/dev/null; then fail "SIGKILL/SIGTERM of docket left its helper running ($sig)"; pkill -f "sleep 1234"; else pass "SIG$sig of docket ends its helper"; fi
done
[ -z "$(ls -A "$TMPDIR")" ] && pass "no temporary files left" || fail "left in TMPDIR: $(ls -A "$TMPDIR")"

# A key command that leaves a background child behind: docket takes its key when it exits and
# stops what it left running.
printf '#!/bin/sh\ncat "%s"\nsleep 4321 &\n' "$HOME/p521.pub" >"$WORK/bgkey"
chmod +x "$WORK/bgkey"
git config -f "$cfg" gpg.ssh.defaultKeyCommand "$WORK/bgkey"
start=$(date +%s)
expect_status 0 "a key command that backgrounds a child still signs" env GIT_CONFIG_GLOBAL="$cfg" SSH_AUTH_SOCK="$agent2_sock" \
  DOCKET_ACTOR_EMAIL=p521@acme.example "$DOCKET_BIN" comment "$id" "bg key command" </dev/null
[ $(($(date +%s) - start)) -le 5 ] && pass "at once" || fail "it waited for the background child"
sleep 0.3
if pgrep -f "sleep 4321" >/dev/null; then fail "the key command's background child was left running"; pkill -f "sleep 4321"; else pass "its background child was stopped"; fi

# An askpass program that never answers, docket stopped with SIGTERM: ssh-keygen and askpass end.
printf '#!/bin/sh\nexec sleep 4322\n' >"$WORK/slowpass"
chmod +x "$WORK/slowpass"
env -u SSH_AUTH_SOCK SSH_ASKPASS="$WORK/slowpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none DOCKET_ACTOR_EMAIL=locked@acme.example \
  DOCKET_SIGNING_KEY="$HOME/locked" "$DOCKET_BIN" comment "$id" "never" </dev/null >/dev/null 2>"$WORK/err" &
pid=$!
for _ in $(seq 50); do pgrep -f "sleep 4322" >/dev/null && break; sleep 0.1; done
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
sleep 0.3
[ "$status" = 7 ] && pass "SIGTERM while ssh-keygen asks askpass: exit 7" || fail "exit $status: $(cat "$WORK/err")"
if pgrep -f "sleep 4322" >/dev/null; then fail "the askpass program was left running"; pkill -f "sleep 4322"; else pass "the askpass program was stopped too"; fi
[ -z "$(ls -A "$TMPDIR")" ] && pass "still no temporary files" || fail "left in TMPDIR: $(ls -A "$TMPDIR")"

# Keys docket refuses get one answer whatever their file format: rule key-unusable, exit 3.
openssl genpkey -algorithm ED448 -out "$WORK/ed448.pem" 2>/dev/null
openssl pkey -in "$WORK/ed448.pem" -pubout -out "$WORK/ed448.pub.pem" 2>/dev/null
expect_status 3 "member add refuses an Ed448 PEM key" alice member add ed448@acme.example --key "$WORK/ed448.pub.pem" --role reporter
expect_contains "$ERR" "key-unusable" "as key-unusable"
if grep -q "docket_ed25519" <<<"$ERR"; then fail "the hint talks about your own key: $ERR"; else pass "the hint is about the member's key"; fi
# The revoked key tries to sign: the message says it was revoked.
expect_status 7 "a revoked key signing" as_key rsa "$HOME/rsa" comment "$id" "old key again"
expect_contains "$ERR" "revoked" "the message says the key was revoked"

# user.signingkey without gpg.format=ssh says so.
cfg2="$WORK/openpgp.gitconfig"
git config -f "$cfg2" user.signingkey "$HOME/alice_ed25519"
expect_status 7 "user.signingkey without gpg.format=ssh" env GIT_CONFIG_GLOBAL="$cfg2" DOCKET_ACTOR_EMAIL=alice@acme.example "$DOCKET_BIN" comment "$id" x
expect_contains "$ERR" "gpg.format" "the message names gpg.format"
# GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM and GIT_CONFIG_NOSYSTEM decide which files are read.
git config -f "$cfg2" gpg.format ssh
expect_status 0 "the key from GIT_CONFIG_GLOBAL signs" env GIT_CONFIG_GLOBAL="$cfg2" DOCKET_ACTOR_EMAIL=alice@acme.example "$DOCKET_BIN" comment "$id" "global"
expect_status 0 "the key from GIT_CONFIG_SYSTEM signs" env GIT_CONFIG_NOSYSTEM=0 GIT_CONFIG_SYSTEM="$cfg2" GIT_CONFIG_GLOBAL=/dev/null \
  DOCKET_ACTOR_EMAIL=alice@acme.example "$DOCKET_BIN" comment "$id" "system"
expect_status 7 "GIT_CONFIG_NOSYSTEM skips the system file" env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_SYSTEM="$cfg2" GIT_CONFIG_GLOBAL=/dev/null \
  DOCKET_ACTOR_EMAIL=alice@acme.example "$DOCKET_BIN" comment "$id" "nosystem"
expect_contains "$ERR" "no signing key" "with the system file skipped there is no key"
expect_status 0 "verify accepts everything at the end" alice verify
expect_contains "$OUT" "0 violations" "no violation at the end"

finish
