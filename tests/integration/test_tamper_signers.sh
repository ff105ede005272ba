#!/usr/bin/env bash
# The trail's keys as a trust boundary. An admin (or anyone with write access) edits
# allowed_signers or revoked_keys with plain git, or respells a signature so one signature gives
# a second commit id. Every such forgery must make `docket verify` fail (exit 1) naming the rule
# and the commit; `docket member add` refuses what the same rules forbid, leaving the ref where
# it was; and the clean store, with a member removed and a key replaced, verifies with no alarm.
# Each case starts from a fresh copy (cp -a) of one clean store built with the real binary.
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/tamper_lib.sh"

make_user alice alice@acme.example     # admin + approver (founder)
make_user bob bob@acme.example         # approver + responder
make_user bob2 bob@acme.example        # bob's replacement key
make_user carol carol@acme.example     # responder
make_user dave dave@acme.example       # responder, removed from the store
make_user erin erin@acme.example       # a fresh key, never listed
make_user mallory mallory@evil.example # never a member
A() { as alice alice@acme.example "$@"; }
B() { as bob2 bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }
pub() { cut -d' ' -f1,2 "$HOME/$1_ed25519.pub"; }

# ---------------------------------------------------------------------------------------------
# The clean store: dave is added and removed again, bob's key is replaced.
clean="$WORK/clean"
mkdir -p "$clean" && cd "$clean"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder --name Bob >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder --name Carol >/dev/null
A member add dave@acme.example --key "$HOME/dave_ed25519.pub" --role responder --name Dave >/dev/null
OPEN=$(C open --title "stale deploy key on build host" --severity medium --identity ssh-key:deploy --system ci/build)
as dave dave@acme.example comment "$OPEN" "seen it" >/dev/null
A member remove dave@acme.example >/dev/null
A member add bob@acme.example --key "$HOME/bob2_ed25519.pub" --role approver --role responder --name Bob >/dev/null
B comment "$OPEN" "bob with his new key" >/dev/null
C comment "$OPEN" "carol was here" >/dev/null

show() { git -C "$1" show "refs/heads/docket:$2"; }
git -C "$clean" ls-tree --name-only "$(git -C "$clean" rev-list --max-parents=0 refs/heads/docket)" | grep -qx revoked_keys &&
  pass "docket init writes revoked_keys in the root commit" || fail "the root commit has no revoked_keys"
revoked=$(show "$clean" revoked_keys)
grep -qF "$(pub dave) dave@acme.example" <<<"$revoked" && pass "member remove revoked dave's key" || fail "revoked_keys: $revoked"
grep -qF "$(pub bob) bob@acme.example" <<<"$revoked" && pass "the replaced key of bob is revoked" || fail "revoked_keys: $revoked"
grep -qF "$(pub bob2)" <<<"$revoked" && fail "bob's new key is revoked" || pass "bob's new key is not revoked"
show "$clean" allowed_signers | grep -qF "$(pub bob2)" && pass "bob's new key is listed" || fail "bob2 not listed"

expect_status 0 "the clean store verifies" A verify
expect_contains "$OUT" "0 violations" "the clean store has no violation"

# Stock git reads revoked_keys as gpg.ssh.revocationFile: dave's commit is refused by it.
show "$clean" allowed_signers >"$WORK/allowed_signers"
echo "dave@acme.example namespaces=\"git\" $(pub dave)" >>"$WORK/allowed_signers"
show "$clean" revoked_keys >"$WORK/revoked_keys"
dave_commit=$(git -C "$clean" log --format=%H --author=dave@acme.example -1 refs/heads/docket)
git -C "$clean" -c gpg.ssh.allowedSignersFile="$WORK/allowed_signers" verify-commit "$dave_commit" 2>/dev/null &&
  pass "without the revocation file stock git accepts dave's old commit" || fail "git refuses dave's commit without -r"
if git -C "$clean" -c gpg.ssh.allowedSignersFile="$WORK/allowed_signers" -c gpg.ssh.revocationFile="$WORK/revoked_keys" \
  verify-commit "$dave_commit" 2>/dev/null; then
  fail "stock git accepts a key listed in revoked_keys"
else
  pass "stock git with gpg.ssh.revocationFile=revoked_keys refuses the revoked key"
fi

# ---------------------------------------------------------------------------------------------
# Helpers beyond tamper_lib.sh.
# admin_edit MESSAGE: alice (admin, real key) commits the work tree's changes with plain git.
admin_edit() { gitas alice alice@acme.example alice commit -q -a -S -m "$1"; }
# signers_line PRINCIPALS-AND-OPTIONS KEYNAME: an allowed_signers line with KEYNAME's key.
signers_line() { echo "$1 $(pub "$2")"; }
# replace_line FILE NEEDLE NEWLINE: the line holding NEEDLE becomes NEWLINE.
replace_line() {
  python3 - "$@" <<'EOF'
import sys
path, needle, new = sys.argv[1:]
lines = open(path).read().split("\n")
hits = [i for i, l in enumerate(lines) if needle in l]
assert len(hits) == 1, f"{needle!r} is on {len(hits)} lines"
lines[hits[0]] = new
open(path, "w").write("\n".join(lines))
EOF
}


# respell_tip PYTHON-EXPR: rewrites the tip commit's raw object with a Python function body
# acting on `head` (header lines, bytes, gpgsig continuation lines included) and writes it back
# as a new tip (plain git: hash-object and update-ref).
respell_tip() {
  local signed
  signed=$(tip)
  git -C "$T" cat-file commit "$signed" >"$WORK/raw"
  python3 - "$WORK/raw" "$WORK/forged" "$1" <<'EOF'
import sys
raw = open(sys.argv[1], "rb").read()
head, _, message = raw.partition(b"\n\n")
lines = head.split(b"\n")
start = next(i for i, l in enumerate(lines) if l.startswith(b"gpgsig "))
end = next(i for i in range(start + 1, len(lines) + 1) if i == len(lines) or not lines[i].startswith(b" "))
sig = [lines[start][len(b"gpgsig "):]] + [l[1:] for l in lines[start + 1:end]]
before, after = lines[:start], lines[end:]
name = b"gpgsig"
exec(sys.argv[3])
def header(name, armored):
    return [name + b" " + armored[0]] + [b" " + l for l in armored[1:]]
lines = before + header(name, sig) + after
open(sys.argv[2], "wb").write(b"\n".join(lines) + b"\n\n" + message)
EOF
  FORGED=$(git -C "$T" hash-object -t commit -w "$WORK/forged")
  git -C "$T" update-ref refs/heads/docket "$FORGED" "$signed"
  [ "$FORGED" != "$signed" ] && pass "the respelled commit has a new id" || fail "respelling changed nothing"
}

# ---------------------------------------------------------------------------------------------
# allowed_signers exactly as docket writes it (rule signers-form), edited by the real admin.

# 1. A pattern principal: carol's key would sign as anyone at acme.example.
fresh pattern
worktree
replace_line "$W/allowed_signers" "$(pub carol)" "$(signers_line '*@acme.example namespaces="git"' carol)"
admin_edit "docket: member-add"
expect_violation "pattern principal" signers-form
expect_contains "$OUT" 'is a pattern' "the pattern is named"

# 2. A principal list: carol's key listed for carol and bob.
fresh principal-list
worktree
replace_line "$W/allowed_signers" "$(pub carol)" "$(signers_line 'carol@acme.example,bob@acme.example namespaces="git"' carol)"
admin_edit "docket: member-add"
expect_violation "comma list of principals" signers-form
expect_contains "$OUT" "lists 2 principals" "the list is named"

# 3. A cert-authority line: any certificate mallory's key signs would be accepted for carol.
fresh cert-authority
worktree
echo "$(signers_line 'carol@acme.example cert-authority,namespaces="git"' mallory)" >>"$W/allowed_signers"
admin_edit "docket: member-add"
expect_violation "cert-authority line" signers-form
expect_contains "$OUT" "cert-authority" "cert-authority is named"

# 4. A validity window: verify and stock git would judge the key by dates docket does not track.
fresh valid-before
worktree
replace_line "$W/allowed_signers" "$(pub carol)" "$(signers_line 'carol@acme.example namespaces="git",valid-before="20990101Z"' carol)"
admin_edit "docket: member-add"
expect_violation "valid-before option" signers-form
expect_contains "$OUT" "valid-after/valid-before" "the window is named"

# 5. Namespaces other than git.
fresh namespaces
worktree
replace_line "$W/allowed_signers" "$(pub carol)" "$(signers_line 'carol@acme.example namespaces="git,file"' carol)"
admin_edit "docket: member-add"
expect_violation "namespaces other than git" signers-form
expect_contains "$OUT" 'git,file' "the namespaces are named"

# 6. A principal who is not a member in docket.yaml.
fresh not-member
worktree
echo "$(signers_line 'mallory@evil.example namespaces="git"' mallory)" >>"$W/allowed_signers"
admin_edit "docket: member-add"
expect_violation "principal not a member" signers-form
expect_contains "$OUT" "mallory@evil.example is not a member" "the stranger is named"

# 7. One key for two members: bob's key added as carol's (carol could then sign as bob).
fresh key-shared
worktree
echo "$(signers_line 'carol@acme.example namespaces="git"' bob2)" >"$WORK/line"
replace_line "$W/allowed_signers" "$(pub carol)" "$(cat "$WORK/line")"
printf '%s carol@acme.example\n' "$(pub carol)" >>"$W/revoked_keys"
admin_edit "docket: member-add"
expect_violation "one key listed for two members" key-shared

# ---------------------------------------------------------------------------------------------
# Revoked keys.

# 8. `docket member add` refuses a key another member holds, and a revoked key; the ref stays.
fresh member-add
before=$(tip)
expect_status 3 "member add of bob's key for carol is refused" A -C "$T" member add carol@acme.example --key "$HOME/bob2_ed25519.pub" --role responder
expect_contains "$ERR" "already belongs to bob@acme.example" "the refusal names the holder"
expect_status 3 "member add of erin with dave's revoked key is refused" A -C "$T" member add erin@acme.example --key "$HOME/dave_ed25519.pub" --role responder
expect_contains "$ERR" "revoked" "the refusal says the key was revoked"
expect_status 3 "member add giving bob his replaced key back is refused" A -C "$T" member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver
[ "$(tip)" = "$before" ] && pass "the refused member adds left the ref where it was" || fail "the ref moved"
expect_status 0 "member add of a fresh key still works" A -C "$T" member add erin@acme.example --key "$HOME/erin_ed25519.pub" --role responder
expect_status 0 "the store still verifies" "$DOCKET_BIN" -C "$T" verify

# 9. The hand-made version: dave's revoked key re-added for dave (re-added as a member too).
fresh revoked-readded
A -C "$T" member add dave@acme.example --key "$HOME/erin_ed25519.pub" --role responder >/dev/null
worktree
replace_line "$W/allowed_signers" "$(pub erin)" "$(signers_line 'dave@acme.example namespaces="git"' dave)"
printf '%s dave@acme.example\n' "$(pub erin)" >>"$W/revoked_keys"
admin_edit "docket: member-add"
expect_violation "revoked key re-added" key-revoked
expect_contains "$OUT" "is in revoked_keys" "the revocation is named"

# 10. A revoked_keys entry deleted (dave's key would be usable again).
fresh revoked-deleted
worktree
grep -vF "$(pub dave)" "$W/revoked_keys" >"$WORK/rk" && cp "$WORK/rk" "$W/revoked_keys"
admin_edit "docket: cleanup"
expect_violation "revoked_keys entry deleted" revoked-keys-append-only

# 11. revoked_keys removed altogether.
fresh revoked-file-removed
worktree
git -C "$W" rm -q revoked_keys
admin_edit "docket: cleanup"
expect_violation "revoked_keys removed" revoked-keys-append-only

# 12. A key taken out of allowed_signers by hand without being revoked (it could come back).
fresh revocation-missing
worktree
grep -vF "$(pub carol)" "$W/allowed_signers" >"$WORK/as" && cp "$WORK/as" "$W/allowed_signers"
admin_edit "docket: member-remove"
expect_violation "key removed without revocation" revocation-missing

# 13. A commit signed by a removed member's key.
fresh removed-signs
worktree
echo "# dave was here" >>"$W/docket.yaml"
gitas dave dave@acme.example dave commit -q -a -S -m "docket: edit"
expect_violation "commit signed by a removed member's key" key-revoked
expect_contains "$OUT" "revoked before this commit" "the report says the key was revoked"

# 14. A commit signed by a replaced key (bob's old one).
fresh replaced-signs
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
gitas bob bob@acme.example bob commit -q --amend --no-edit --reset-author -S
expect_violation "commit signed by a replaced key" key-revoked

# ---------------------------------------------------------------------------------------------
# The signature's one spelling (rule signature-invalid).

# 15. Text after the END line of a good signature.
fresh sig-trailing
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
respell_tip 'sig = sig + [b"trailing text"]'
expect_violation "text after the END line" signature-invalid "$FORGED"
expect_contains "$OUT" "canonical armor" "the armor is named"

# 16. The same signature with its base64 rewrapped at 64 columns: stock git accepts it, so it
# would be a second commit id for one signature.
fresh sig-rewrapped
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
respell_tip '
b64 = b"".join(sig[1:-1])
sig = [sig[0]] + [b64[i:i + 64] for i in range(0, len(b64), 64)] + [sig[-1]]'
show "$T" allowed_signers >"$WORK/as-t"
git -C "$T" -c gpg.ssh.allowedSignersFile="$WORK/as-t" verify-commit "$FORGED" 2>/dev/null &&
  pass "stock git accepts the rewrapped signature (a second commit id)" || fail "stock git refuses the rewrap"
expect_violation "rewrapped signature" signature-invalid "$FORGED"

# 17. A gpgsig-sha256 header in this SHA-1 repository: git leaves it out of the signed bytes
# and ignores it, so adding one would give the commit another id.
fresh sig-sha256-extra
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
respell_tip 'before = before + [b"gpgsig-sha256 -----BEGIN SSH SIGNATURE-----", b" anything", b" -----END SSH SIGNATURE-----"]'
git -C "$T" -c gpg.ssh.allowedSignersFile="$WORK/as-t" verify-commit "$FORGED" 2>/dev/null &&
  pass "stock git still accepts the commit with the extra header" || fail "stock git refuses the extra header"
expect_violation "extra gpgsig-sha256 header" signature-invalid "$FORGED"
expect_contains "$OUT" "gpgsig-sha256" "the header is named"

# 18. The signature moved to gpgsig-sha256: not the header git reads in a SHA-1 repository.
fresh sig-sha256-only
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
respell_tip 'name = b"gpgsig-sha256"'
expect_violation "signature in gpgsig-sha256" signature-invalid "$FORGED"

# Every tampered copy above started from this store, which is still clean.
T=$clean
expect_status 0 "the clean store still verifies" "$DOCKET_BIN" -C "$clean" verify
expect_contains "$OUT" "0 violations" "and has no violation"
finish
