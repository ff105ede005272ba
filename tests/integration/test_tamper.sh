#!/usr/bin/env bash
# Someone with write access to the repository, but only their own key, corrupts the store with
# plain git. Every such tampering must make `docket verify` fail (exit 1) and name the rule it
# broke, on the commit that broke it; the clean store it started from verifies with no alarm.
# Each case starts from a fresh copy (cp -a) of one clean store built with the real binary.
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/tamper_lib.sh"

make_user alice alice@acme.example     # admin + approver (founder)
make_user bob bob@acme.example         # approver + responder
make_user carol carol@acme.example     # responder
make_user ci ci@acme.example           # reporter
make_user mallory mallory@evil.example # never a member
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }
CI() { as ci ci@acme.example "$@"; }

# ---------------------------------------------------------------------------------------------
# The clean store.
clean="$WORK/clean"
mkdir -p "$clean" && cd "$clean"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder --name Bob >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder --name Carol >/dev/null
A member add ci@acme.example --key "$HOME/ci_ed25519.pub" --role reporter --name CI >/dev/null

# OPEN: still open. PEND: low severity, requested by bob, waiting for one approval. EVI: with
# evidence attached.
OPEN=$(CI open --title "stale deploy key on build host" --severity medium --identity ssh-key:deploy --system ci/build)
PEND=$(CI open --title "unused service account" --severity low --identity service-account:svc-old --system gcp/acme)
C move "$PEND" triaged >/dev/null
C move "$PEND" investigating >/dev/null
C done "$PEND" triage-notes --note "no use in 90 days" >/dev/null
B request "$PEND" --resolution rejected --reason "false positive: account is a placeholder" >/dev/null
EVI=$(C open --title "token in pipeline log" --severity high --identity token:pipeline --system github/acme)
C move "$EVI" triaged >/dev/null
echo "rotation ticket OPS-1" >"$WORK/evidence-1.txt"
C attach "$EVI" "$WORK/evidence-1.txt" --note "rotation ticket" >/dev/null
EVI_BLOB=$(git -C "$clean" ls-tree -r --name-only refs/heads/docket evidence/ | head -n1)
[ -n "$EVI_BLOB" ] && pass "the clean store holds an evidence blob" || fail "no evidence blob in the clean store"

expect_status 0 "the clean store verifies" A verify
expect_contains "$OUT" "0 violations" "the clean store has no violation"
expect_status 0 "the clean store verifies as JSON" A verify --json
[ "$(json_field "['ok']" <<<"$OUT")" = True ] && pass "JSON ok is true" || fail "JSON ok: $OUT"
root=$(git -C "$clean" rev-list --max-parents=0 refs/heads/docket)
recorded=$(git -C "$clean" config --local docket.refs/heads/docket.root || true)
[ "$recorded" = "$root" ] && pass "init recorded the trust root in the local git config" || fail "recorded root '$recorded', root $root"

# ---------------------------------------------------------------------------------------------
# 1. A commit with no signature at all: docket's own comment, re-made without -S.
fresh unsigned
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
gitas carol carol@acme.example carol commit -q --amend --no-edit --no-gpg-sign
expect_violation "unsigned commit" signature-missing

# 2. Signed by a key nobody listed.
fresh unknown-key
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
gitas mallory mallory@evil.example mallory commit -q --amend --no-edit --reset-author -S
expect_violation "commit signed by an unknown key" signer-unknown
expect_contains "$OUT" "does not list" "the unknown key is explained"

# 3. A member's real key, but the committer claims to be another member.
fresh mismatch
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
gitas carol carol@acme.example bob commit -q --amend --no-edit -S
expect_violation "bob's key signing as carol" signer-mismatch
expect_contains "$OUT" "of bob@acme.example but the committer is carol@acme.example" "the mismatch names both people"

# 4. Forged self-approval: alice's real approval rewritten as the requester bob's, signed by bob.
fresh self-approval
A -C "$T" approve "$PEND" --note "looks right" >/dev/null
worktree
f=$(record_file "$PEND")
sed -i 's/alice@acme\.example/bob@acme.example/g' "$W/$f"
grep -q "bob@acme.example" "$W/$f" && ! grep -q alice "$W/$f" && pass "the forged approval names bob" || fail "forgery not applied"
gitas bob bob@acme.example bob commit -q -a --amend --no-edit --reset-author -S
git -C "$T" log -1 --format=%B refs/heads/docket | grep -q '"verb":"approve"' && pass "the forged commit claims approve" || fail "no approve replay line"
expect_violation "forged self-approval" separation-of-duties

# 5. An approval forged by a responder, who may not approve.
fresh responder-approval
A -C "$T" approve "$PEND" --note "looks right" >/dev/null
worktree
f=$(record_file "$PEND")
sed -i 's/alice@acme\.example/carol@acme.example/g' "$W/$f"
gitas carol carol@acme.example carol commit -q -a --amend --no-edit --reset-author -S
expect_violation "approval forged by a responder" approver-role

# 6. Stored evidence swapped for other content.
fresh evidence-swap
worktree
echo "nothing to see here" >"$W/$EVI_BLOB"
gitas carol carol@acme.example carol commit -q -a -S -m "docket: fix evidence"
expect_violation "evidence blob swapped" evidence-immutable

# 7. Evidence removed.
fresh evidence-removed
worktree
git -C "$W" rm -q "$EVI_BLOB"
gitas alice alice@acme.example alice commit -q -S -m "docket: clean up"
expect_violation "evidence blob removed" evidence-immutable

# 8. An attach whose evidence never reached the store: listed in the record, blob missing.
fresh evidence-missing
echo "second proof" >"$WORK/evidence-2.txt"
C -C "$T" attach "$EVI" "$WORK/evidence-2.txt" --note "second proof" >/dev/null
worktree
blob=$(git -C "$T" diff-tree -r --name-only --diff-filter=A refs/heads/docket~1 refs/heads/docket -- evidence/)
git -C "$W" rm -q "$blob"
gitas carol carol@acme.example carol commit -q --amend --no-edit -S
expect_violation "evidence listed but not stored" evidence-missing

# 9. An attach whose new blob does not hash to its name.
fresh evidence-digest
C -C "$T" attach "$EVI" "$WORK/evidence-2.txt" --note "second proof" >/dev/null
worktree
blob=$(git -C "$T" diff-tree -r --name-only --diff-filter=A refs/heads/docket~1 refs/heads/docket -- evidence/)
echo "different content" >"$W/$blob"
gitas carol carol@acme.example carol commit -q -a --amend --no-edit -S
expect_violation "evidence content not matching its digest" evidence-digest

# 10. Evidence slipped in with no attach that lists it.
fresh evidence-unreferenced
worktree
echo "a file nobody attached" >"$WORK/sneak.txt"
digest=$(sha256sum "$WORK/sneak.txt" | cut -d' ' -f1)
mkdir -p "$W/evidence/${digest:0:2}" && cp "$WORK/sneak.txt" "$W/evidence/${digest:0:2}/$digest"
git -C "$W" add evidence
gitas carol carol@acme.example carol commit -q -S -m "docket: attach"
expect_violation "evidence added without an attach" evidence-unreferenced

# 11. A responder makes herself admin, signed with her own (listed) key.
fresh self-admin
worktree
python3 - "$W/docket.yaml" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
# carol's member entry: add the admin role to her roles list
start = text.index("carol@acme.example")
roles = text.index("roles:", start)
end = text.index("\n", roles)
if text[roles:end].strip() == "roles:":
    indent = re.match(r"\s*", text[end + 1:]).group(0)
    text = text[:end + 1] + indent + "- admin\n" + text[end + 1:]
else:
    text = text[:end].rstrip("]") + ", admin]" + text[end:] if "[" in text[roles:end] else text
open(path, "w").write(text)
EOF
git -C "$W" diff --quiet && fail "docket.yaml unchanged" || pass "carol's entry now has admin"
gitas carol carol@acme.example carol commit -q -a -S -m "docket: member-role"
expect_violation "non-admin gives themselves the admin role" admin-only

# 12. A responder adds a key to allowed_signers.
fresh add-key
worktree
echo "mallory@evil.example namespaces=\"git\" $(cut -d' ' -f1,2 "$HOME/mallory_ed25519.pub")" >>"$W/allowed_signers"
gitas carol carol@acme.example carol commit -q -a -S -m "docket: member-add"
expect_violation "non-admin adds a key" admin-only

# 13. A skipped lifecycle step: open → remediating, with a forged `move` replay line.
fresh skipped-step
C -C "$T" move "$OPEN" triaged >/dev/null
worktree
f=$(record_file "$OPEN")
sed -i 's/state: triaged/state: remediating/' "$W/$f"
git -C "$T" log -1 --format=%B refs/heads/docket | sed 's/triaged/remediating/g' >"$WORK/msg"
grep -q '"to":"remediating"' "$WORK/msg" && pass "the forged replay line claims a move to remediating" || fail "replay line: $(cat "$WORK/msg")"
gitas carol carol@acme.example carol commit -q -a --amend -F "$WORK/msg" -S
expect_violation "skipped lifecycle step" lifecycle-transition

# 14. A record deleted by the admin.
fresh record-deleted
worktree
git -C "$W" rm -q "$(record_file "$OPEN")"
gitas alice alice@acme.example alice commit -q -S -m "docket: remove"
expect_violation "record deleted" record-deleted

# 15. A record edited by hand, with no replay line.
fresh unexplained
worktree
f=$(record_file "$OPEN")
sed -i 's/^title: .*/title: nothing to see here/' "$W/$f"
gitas carol carol@acme.example carol commit -q -a -S -m "fix typo"
expect_violation "record edited without a replay line" unexplained-change

# 16. A record edited alongside a real command: the replay line is genuine, the content is not.
fresh replay-mismatch
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
f=$(record_file "$OPEN")
sed -i 's/looking at it/nothing found, close it/' "$W/$f"
gitas carol carol@acme.example carol commit -q -a --amend --no-edit -S
expect_violation "record content differs from what its command produces" replay-mismatch

# 17. A file outside the store's layout.
fresh outside-layout
worktree
echo "meeting notes" >"$W/notes.txt"
git -C "$W" add notes.txt
gitas alice alice@acme.example alice commit -q -S -m "docket: notes"
expect_violation "file added outside the layout" unexpected-path

# 18. A symbolic link, which docket never writes.
fresh symlink
worktree
ln -s ../docket.yaml "$W/exceptions/link.yaml"
git -C "$W" add exceptions/link.yaml
gitas alice alice@acme.example alice commit -q -S -m "docket: link"
expect_violation "symbolic link in the tree" file-mode

# 19. A key removed by an admin cannot sign afterwards.
fresh removed-key
A -C "$T" member remove carol@acme.example >/dev/null
worktree
f=$(record_file "$OPEN")
sed -i 's/^title: .*/title: changed after removal/' "$W/$f"
gitas carol carol@acme.example carol commit -q -a -S -m "docket: edit"
expect_violation "removed member signs after removal" key-revoked

# 20. Author and committer differ: bob signs carol's comment as if it were hers.
fresh author
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
worktree
gitas bob bob@acme.example bob commit -q --amend --no-edit -S
expect_violation "author is not the signing committer" author-is-committer

# 21. A gpgsig block copied into the message of an unsigned commit must not count.
fresh sig-in-message
C -C "$T" comment "$OPEN" "looking at it" >/dev/null
signed=$(tip)
git -C "$T" cat-file commit "$signed" >"$WORK/raw"
python3 - "$WORK/raw" "$WORK/forged" <<'EOF'
import sys
raw = open(sys.argv[1], "rb").read()
head, _, message = raw.partition(b"\n\n")
lines = head.split(b"\n")
kept, sig, in_sig = [], [], False
for line in lines:
    if line.startswith(b"gpgsig "):
        in_sig = True; sig.append(line); continue
    if in_sig and line.startswith(b" "):
        sig.append(line); continue
    in_sig = False; kept.append(line)
assert sig, "the source commit is not signed"
# The signature block moves, verbatim, to the start of the message.
open(sys.argv[2], "wb").write(b"\n".join(kept) + b"\n\n" + b"\n".join(sig) + b"\n" + message)
EOF
forged=$(git -C "$T" hash-object -t commit -w "$WORK/forged")
git -C "$T" update-ref refs/heads/docket "$forged" "$signed"
git -C "$T" cat-file commit "$forged" | grep -q "^gpgsig" && pass "the forged message carries a gpgsig block" || fail "no gpgsig in the forged commit"
expect_violation "gpgsig block in the message of an unsigned commit" signature-missing

# 22. A rewritten root: the admin re-creates history from a new root commit of the same tree.
fresh new-root
worktree
tree=$(git -C "$T" rev-parse "$root^{tree}")
newroot=$(GIT_COMMITTER_DATE="2020-01-01T00:00:00Z" GIT_AUTHOR_DATE="2020-01-01T00:00:00Z" \
  gitas alice alice@acme.example alice commit-tree -S -m "docket: init store" -m "Docket-Command: init" "$tree")
git -C "$T" update-ref refs/heads/docket "$newroot"
[ "$newroot" != "$root" ] && pass "the new root differs from the recorded one" || fail "root unchanged"
expect_violation "rewritten root" trust-root "$newroot"
expect_contains "$OUT" "$root" "the report names the trusted root"
# This repository had verified the old history, so the replacement is also a rollback...
expect_status 1 "--root naming the new root still reports the replaced history" "$DOCKET_BIN" -C "$T" verify --root "$newroot"
expect_contains "$OUT" "rule history-rewound:" "the replaced history is reported as history-rewound"
# ... until the user accepts the reset explicitly, as the message says.
git -C "$T" config --unset docket.refs/heads/docket.verifiedtip
expect_status 0 "--root naming the new root accepts it (the user's explicit choice)" "$DOCKET_BIN" -C "$T" verify --root "$newroot"
expect_status 1 "--root naming the old root refuses it" "$DOCKET_BIN" -C "$T" verify --root "$root"
expect_status 2 "--root too short to mean one commit is a usage error" "$DOCKET_BIN" -C "$T" verify --root "${root:0:3}"

# 23. Trust on first use: a clone records the root on its first verify, then a rewrite shows.
clone="$WORK/clone"
git clone -q "$clean" "$clone"
git -C "$clone" update-ref refs/heads/docket "$(git -C "$clone" rev-parse origin/docket)"
expect_status 0 "first verify of a clone" "$DOCKET_BIN" -C "$clone" verify
expect_contains "$OUT" "recorded in git config" "the first verify says it recorded the root"
[ "$(git -C "$clone" config --local docket.refs/heads/docket.root)" = "$root" ] && pass "the clone's git config holds the root" ||
  fail "clone did not record the root"
expect_status 0 "second verify of the clone" "$DOCKET_BIN" -C "$clone" verify
if grep -qF "recorded in git config" <<<"$OUT"; then fail "second verify recorded again"; else pass "second verify records nothing new"; fi
T=$clone
newroot=$(GIT_COMMITTER_DATE="2021-01-01T00:00:00Z" GIT_AUTHOR_DATE="2021-01-01T00:00:00Z" \
  git -C "$clone" -c user.name=alice -c user.email=alice@acme.example -c gpg.format=ssh -c user.signingkey="$HOME/alice_ed25519" \
  commit-tree -S -m "docket: init store" -m "Docket-Command: init" "$(git -C "$clone" rev-parse "$root^{tree}")")
git -C "$clone" update-ref refs/heads/docket "$newroot"
expect_violation "rewritten root in a clone" trust-root "$newroot"

# Every tampered copy above started from this store, which is still clean.
T=$clean
expect_status 0 "the clean store still verifies" "$DOCKET_BIN" -C "$clean" verify
finish
