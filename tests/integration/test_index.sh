#!/usr/bin/env bash
# The local record index (docs/design.md §10) gives exactly what parsing every record gives:
# `list`, `list --json`, `check --json` and `report --format json` (also with selections) are compared byte for byte
# with DOCKET_INDEX=off after every kind of change — opens and lifecycle commands, evidence, a
# merge made by sync, a tip moved by stock git, a cold, corrupt, truncated, foreign-version or
# unwritable cache (folder files and the table alike), and two processes writing at once.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example   # admin + approver (founder)
make_user bob bob@acme.example       # approver + responder
make_user carol carol@acme.example   # approver
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }
AT=2027-02-01T00:00:00Z

# same_as_full WHAT [DIR]: every read gives the same output and exit status with and without the index.
same_as_full() {
  local what=$1 dir=${2:-.} c s1 s2 bad=""
  for c in "list" "list --json" "list --state closed --json" "check --json --at $AT" "report --format json --at $AT" \
           "list --json --state open --state triaged --sort due --limit 30" "list -q --grep looked --severity low --severity high" \
           "check --json --at $AT --overdue --grep svc"; do
    s1=0 s2=0
    # shellcheck disable=SC2086
    (cd "$dir" && A $c) >"$WORK/idx.out" 2>"$WORK/idx.err" || s1=$?
    # shellcheck disable=SC2086
    (cd "$dir" && DOCKET_INDEX=off A $c) >"$WORK/full.out" 2>"$WORK/full.err" || s2=$?
    # Warnings (a record that cannot be read, named on stderr) must be the same both ways.
    if [ "$s1" != "$s2" ] || ! cmp -s "$WORK/idx.out" "$WORK/full.out" || ! cmp -s <(sort "$WORK/idx.err") <(sort "$WORK/full.err"); then
      bad="$bad '$c' (exit $s1 vs $s2: $(diff "$WORK/idx.out" "$WORK/full.out" | head -3 | tr '\n' ' ') $(head -c 300 "$WORK/idx.err"))"
    fi
  done
  if [ -z "$bad" ]; then pass "$what: index output equals full parse"; else fail "$what:$bad"; fi
}
cache_files() { ls "${1:-.}/.git/docket/index" 2>/dev/null | grep -E '^[0-9a-f]{40}$' | sed "s|^|${1:-.}/.git/docket/index/|"; }
table_files() { ls "${1:-.}/.git/docket/index" 2>/dev/null | grep -E '^table-[0-9a-f]{40}$' | sed "s|^|${1:-.}/.git/docket/index/|"; }

repo="$WORK/a"
mkdir -p "$repo" && cd "$repo"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role approver >/dev/null
same_as_full "an empty store"
[ "$(A list --json)" = '{"schema_version":1,"exceptions":[]}' ] && pass "an empty list --json has an empty exceptions array" || fail "empty list --json: $(A list --json)"

# Records of every shape: identities, fingerprints, recurrences, hostile text, a scan.
e1=$(A open --title "svc-billing holds roles/owner" --severity high --identity service-account:svc-billing --system gcp/prod)
e2=$(A open --title 'quote " backslash \ and <b>' --severity low --fingerprint fp-one)
e3=$(A open --title "again" --identity service-account:svc-billing --system aws/prod --fingerprint fp-two)
e4=$(A open --title "ünïcödé ✓ title" --template leaked-secret --owner bob@acme.example)
python3 - "$WORK/scan.sarif" <<'PY'
import json, sys
results = [{"ruleId": "rule-%d" % (i % 3), "level": "error", "message": {"text": "m"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/f%d.py" % i}, "region": {"startLine": i + 1}}}],
            "partialFingerprints": {"primaryLocationLineHash": "%08x" % (i * 7919)}} for i in range(40)]
json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "scanner"}}, "results": results}]}, open(sys.argv[1], "w"))
PY
A ingest sarif "$WORK/scan.sarif" >/dev/null
same_as_full "after opens and an ingest"
[ -n "$(cache_files)" ] && pass "the index is written under .git/docket/index" || fail "no index files"
[ -z "$(git ls-tree -r --name-only docket | grep -i index)" ] && pass "the index is never committed" || fail "index in the tree"

# Lifecycle: move, assign, comment, evidence, checklist, request, approve, deny, revoke.
for s in triaged investigating; do A move "$e1" $s >/dev/null; B move "$e2" $s >/dev/null; done
B assign "$e1" bob@acme.example >/dev/null
A comment "$e2" "looked at it" >/dev/null
echo "before" >"$WORK/ev.txt"
for item in $(A show "$e1" --json | python3 -c 'import json,sys; print(" ".join(i["id"]+":"+("e" if i["evidence"]=="required" else "n") for i in json.load(sys.stdin)["exception"]["checklist"]))'); do
  if [ "${item#*:}" = e ]; then echo "$item" >"$WORK/ev-${item%:*}.txt"; B attach "$e1" "$WORK/ev-${item%:*}.txt" --item "${item%:*}" >/dev/null
  else B done "$e1" "${item%:*}" --note done >/dev/null; fi
done
B request "$e1" --resolution accepted --reason "window" --control "recording" --expires 2027-01-01T00:00:00Z >/dev/null
C approve "$e1" >/dev/null
for item in $(A show "$e2" --json | python3 -c 'import json,sys; print(" ".join(i["id"] for i in json.load(sys.stdin)["exception"]["checklist"]))'); do
  B done "$e2" "$item" --note ok >/dev/null
done
B request "$e2" --resolution rejected --reason "false positive" >/dev/null
C approve "$e2" >/dev/null
e5=$(A open --title "fp-one again" --fingerprint fp-one --identity token:deploy)
[ "$e5" != "$e2" ] && pass "a closed fingerprint opens a new exception" || fail "got the closed one back"
expect_contains "$(A show "$e5" --json)" "$e2" "the new exception links the closed one as a recurrence"
same_as_full "after lifecycle changes (accepted, closed, evidence, recurrence)"
expect_status 1 "check sees the acceptance expired at $AT through the index" A check --at $AT
expect_contains "$OUT" "$e1" "the expired acceptance is named"

# Id prefixes resolve through one fan-out folder.
expect_status 0 "show by a 4-character prefix" A show "${e3:3:4}"
expect_contains "$OUT" "$e3" "the prefix names the record"

# A cold cache, a corrupt one, a truncated one, one from another format version.
rm -rf .git/docket
same_as_full "with no cache (rebuilt)"
[ -n "$(cache_files)" ] && pass "a deleted cache is rebuilt" || fail "cache not rebuilt"
flip_middle() { python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=0x5a; open(p,"wb").write(b)' "$1"; }
# damage LISTER WHAT MAGIC: every file LISTER names corrupted, truncated, given another format
# version (MAGIC, printf format) and emptied, the outputs compared after each.
damage() {
  local list=$1 what=$2 magic=$3 f
  for f in $($list); do flip_middle "$f"; done
  same_as_full "with $what corrupted in the middle"
  for f in $($list); do head -c 150 "$f" >"$f.t" && mv "$f.t" "$f"; done
  same_as_full "with $what truncated"
  # shellcheck disable=SC2059
  for f in $($list); do printf "$magic" | dd of="$f" bs=1 conv=notrunc status=none; done
  same_as_full "with $what of another format version"
  for f in $($list); do : >"$f"; done
  same_as_full "with $what empty"
}
damage cache_files "every folder file" 'DKTIDX\0\x09'
for f in $(cache_files); do
  python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[-3]^=0x01; open(p,"wb").write(b)' "$f"
done
same_as_full "with a flipped byte in the JSON texts"
# The table (`table-<tree id>`, every record's fixed fields in list order): damaged in each way,
# and as the base a change's table is built from.
A list >/dev/null
[ "$(table_files | wc -l)" = 1 ] && pass "one table for the tip" || fail "tables: $(table_files | tr '\n' ' ')"
damage table_files "the table" 'DKTTBL\0\x09'
for f in $(table_files); do rm -f "$f" && mkfifo "$f"; done
expect_status 0 "a FIFO named like the table does not hang list" timeout 60 "$DOCKET_BIN" list
same_as_full "with a FIFO in place of the table"
for f in $(table_files); do rm -f "$f" && ln -s "$WORK/ev.txt" "$f"; done
same_as_full "with a symlink in place of the table"
for f in $(table_files); do rm -f "$f"; done
A list >/dev/null
A comment "$e3" "after the table" >/dev/null
for f in $(table_files); do flip_middle "$f"; done
same_as_full "after a change whose base table is corrupt"
A comment "$e3" "again" >/dev/null
A open --title "a new one after the table" >/dev/null
same_as_full "after changes built on the previous table"
[ "$(table_files | wc -l)" = 1 ] && pass "a new tip's table replaces the previous one" || fail "tables left: $(table_files | wc -l)"

rm -rf .git/docket && mkdir -p .git && : >.git/docket
same_as_full "when the cache cannot be written"
rm -f .git/docket

# Another clone: a merge made by sync, then a tip moved by stock git.
git init -q --bare "$WORK/remote.git"
git remote add origin "$WORK/remote.git"
A sync >/dev/null
git clone -q "$WORK/remote.git" "$WORK/b" 2>/dev/null
(cd "$WORK/b" && B sync >/dev/null && B comment "$e3" "from b" >/dev/null && B open --title "opened in b" >/dev/null)
A comment "$e4" "from a" >/dev/null
(cd "$WORK/b" && B sync >/dev/null)
A sync >/dev/null
[ "$(git cat-file -p docket | grep -c '^parent ')" = 2 ] && pass "the tip is a merge made by sync" || fail "no merge at the tip"
same_as_full "after a merge made by sync"
(cd "$WORK/b" && B sync >/dev/null && B comment "$e4" "b again" >/dev/null && B sync >/dev/null)
git fetch -q origin docket
git update-ref refs/heads/docket FETCH_HEAD
same_as_full "after stock git moved the ref (verified incrementally)"
same_as_full "in the other clone" "$WORK/b"

# Two writers and a reader at once.
w1() { for i in $(seq 1 8); do A comment "$e3" "w1 $i" >/dev/null || echo fail >>"$WORK/writers"; done; }
w2() { for i in $(seq 1 8); do B open --title "w2 $i" >/dev/null || echo fail >>"$WORK/writers"; done; }
rd() { for i in $(seq 1 8); do A list --json >"$WORK/r.$i" 2>&1 || echo "fail $i" >>"$WORK/writers"; python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/r.$i" || echo "bad json $i" >>"$WORK/writers"; done; }
w1 & p1=$!; w2 & p2=$!; rd & p3=$!
wait $p1 $p2 $p3
[ ! -s "$WORK/writers" ] && pass "two writers and a reader at once all succeed" || fail "concurrent run: $(cat "$WORK/writers")"
same_as_full "after two writers at once"
[ "$(A list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["exceptions"]))')" = "$(git ls-tree -r --name-only docket exceptions | wc -l)" ] \
  && pass "list --json has every record of the tree" || fail "list --json count differs from the tree"

# Old versions of folders are pruned: files stay within twice the live folders (plus slack).
for i in $(seq 1 30); do A comment "$e1" "prune $i" >/dev/null; done
A list >/dev/null
live=$(git ls-tree docket exceptions/ | wc -l)
files=$(cache_files | wc -l)
[ "$files" -le $((2 * live + 65)) ] && pass "old index files are pruned ($files files, $live folders)" || fail "$files index files for $live folders"

# A FIFO planted under a cache file's name, and a low open-file limit, cost nothing but speed.
f=$(cache_files | sed -n 1p)
rm -f "$f" && mkfifo "$f"
expect_status 0 "a FIFO named like a cache file does not hang list" timeout 60 "$DOCKET_BIN" list
same_as_full "with a FIFO in place of a cache file"
rm -f "$f"
A list --json >"$WORK/all.json"
(ulimit -n 40; A list --json) >"$WORK/few-fds.json" 2>"$WORK/few-fds.err" && cmp -s "$WORK/all.json" "$WORK/few-fds.json" \
  && pass "list --json under a low open-file limit" || fail "list --json with ulimit -n 40: $(head -c 300 "$WORK/few-fds.err")"

# Cache files grown huge by another hand (sparse files: no disk used) are never read whole: a
# head file, the previous version of a folder and the table stay out of memory.
peak_kib() { /usr/bin/time -f %M -o "$WORK/rss" "$@" >/dev/null 2>&1 || true; tail -n 1 "$WORK/rss"; }
A list >/dev/null
for h in .git/docket/index/head-*; do truncate -s 3G "$h"; done
A comment "$e3" "after a huge head file" >/dev/null
kib=$(peak_kib env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" check)
[ "$kib" -lt 1500000 ] && pass "a 3 GB head file is not read whole ($kib KiB)" || fail "check read a huge head file: $kib KiB"
same_as_full "after a 3 GB head file"
folder=$(git rev-parse "docket:exceptions/${e3:3:2}")
truncate -s 3G ".git/docket/index/$folder"
A comment "$e3" "after a huge folder file" >/dev/null
kib=$(peak_kib env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" list)
[ "$kib" -lt 1500000 ] && pass "a 3 GB folder file is not read whole ($kib KiB)" || fail "list read a huge folder file: $kib KiB"
same_as_full "after a 3 GB folder file"
for f in $(table_files); do truncate -s 3G "$f"; done
kib=$(peak_kib env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" list)
[ "$kib" -lt 1500000 ] && pass "a 3 GB table is not mapped ($kib KiB)" || fail "list mapped a huge table: $kib KiB"
same_as_full "after a 3 GB table"

# A table row naming a record the folders do not hold (a forged cache, valid digest): check
# discards the table and judges every record, as the full parse does.
A list >/dev/null
python3 - "$(table_files)" <<'PY'
import hashlib, struct, sys
path = sys.argv[1]
data = open(path, "rb").read()
count, size = struct.unpack("<IQ", data[48:60])
text = lambda b: struct.pack("<I", len(b)) + b
# folder, name, opened (last of all), open, critical, due long past, title, no assignee,
# no outcome, no expiry, no review.
row = (text(b"ZZ") + text(b"EX-ZZZZZZZZZZ.yaml") + struct.pack("<q", 253402300000) + bytes([0, 0]) +
       b"\x01" + struct.pack("<q", 0) + text(b"forged") + text(b"") + b"\x00\x00\x00\x00")
section = data[92:92 + size] + row
header = data[:48] + struct.pack("<IQ", count + 1, len(section))
open(path, "wb").write(header + hashlib.sha256(header + section).digest() + section)
PY
s1=0; A check --json --at $AT >"$WORK/forged.out" 2>"$WORK/forged.err" || s1=$?
s2=0; DOCKET_INDEX=off A check --json --at $AT >"$WORK/full.out" 2>/dev/null || s2=$?
[ "$s1" = "$s2" ] && cmp -s "$WORK/forged.out" "$WORK/full.out" && [ ! -s "$WORK/forged.err" ] \
  && pass "check judges every record when the table names one the folders lack" \
  || fail "forged table row: check exit $s1 vs $s2: $(head -c 300 "$WORK/forged.err")"
[ -z "$(table_files)" ] && pass "the disagreeing table is discarded" || fail "the forged table was kept"

# A file outside its id's own folder (hand-made, refused by verify) is no record for either path.
(cd "$WORK" && rm -rf misplaced && mkdir misplaced && cd misplaced && A init >/dev/null && A open --title "real" >/dev/null)
(
  cd "$WORK/misplaced"
  real=$(git ls-tree -r --name-only docket exceptions | head -n 1)
  blob=$(git rev-parse "docket:$real")
  git read-tree docket
  git update-index --add --cacheinfo "100644,$blob,exceptions/ZZ/EX-QQQQQQQQQQ.yaml"
  git update-index --add --cacheinfo "100644,$blob,exceptions/EX-RRRRRRRRRR.yaml"
  commit=$(GIT_AUTHOR_NAME=x GIT_AUTHOR_EMAIL=x@example.com GIT_COMMITTER_NAME=x GIT_COMMITTER_EMAIL=x@example.com \
    git commit-tree "$(git write-tree)" -p docket -m "hand-made")
  git update-ref refs/heads/docket "$commit"
  git config docket.refs/heads/docket.verifiedtip "$commit"
  rm -f .git/index
)
same_as_full "with record files outside their own folder" "$WORK/misplaced"

# Pruning in everyday use: one record changed a hundred times keeps a handful of cache files.
(cd "$WORK" && rm -rf churn && mkdir churn && cd churn && A init >/dev/null && A open --title "churn" >/dev/null)
churn_id=$(cd "$WORK/churn" && A list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["exceptions"][0]["id"])')
for i in $(seq 1 80); do (cd "$WORK/churn" && A comment "$churn_id" "c $i" >/dev/null && A list >/dev/null); done
n=$(ls "$WORK/churn/.git/docket/index" | wc -l)
[ "$n" -le 70 ] && pass "80 changes of one record leave $n cache files" || fail "80 changes of one record left $n cache files"

# Two stores in one repository keep each other's cache files.
A --ref audit init >/dev/null
A --ref audit open --title "audit one" >/dev/null
A --ref audit list >/dev/null
audit_folders=$(git ls-tree refs/heads/audit exceptions/ | awk '{print $3}')
for i in $(seq 1 40); do A comment "$e1" "churn $i" >/dev/null; done
A list >/dev/null
missing=0
for t in $audit_folders; do [ -f ".git/docket/index/$t" ] || missing=$((missing + 1)); done
[ "$missing" = 0 ] && pass "pruning one store keeps the other store's cache files" || fail "$missing audit cache files pruned"

# Nothing reaches standard output before the store is found and verified.
mkdir -p "$WORK/plain" && git -C "$WORK/plain" init -q
(cd "$WORK/plain" && A list --json) >"$WORK/plain.out" 2>/dev/null || true
[ ! -s "$WORK/plain.out" ] && pass "list --json outside a store prints nothing on stdout" || fail "stdout: $(cat "$WORK/plain.out")"

# A large ingest is one pack and a loose commit; the store stays whole for git and for verify.
python3 - "$WORK/big.sarif" <<'PY'
import json, sys
results = [{"ruleId": "big", "level": "warning", "message": {"text": "m"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "big/f%d.py" % i}, "region": {"startLine": 1}}}],
            "partialFingerprints": {"h": "big-%d" % i}} for i in range(300)]
json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "bigscan"}}, "results": results}]}, open(sys.argv[1], "w"))
PY
packs_before=$(find .git/objects/pack -name '*.pack' | wc -l)
A ingest sarif "$WORK/big.sarif" >/dev/null
packs_after=$(find .git/objects/pack -name '*.pack' | wc -l)
[ "$packs_after" -gt "$packs_before" ] && pass "an ingest of 300 findings writes a pack" || fail "no new pack ($packs_before → $packs_after)"
tip=$(git rev-parse docket)
[ -f ".git/objects/${tip:0:2}/${tip:2}" ] && pass "the ingest commit itself is loose" || fail "the ingest commit is not loose"
git fsck --full --strict >/dev/null 2>&1 && pass "git fsck accepts the store" || fail "git fsck: $(git fsck --full 2>&1 | head -3)"
git show docket:allowed_signers >"$WORK/signers" && git -c gpg.ssh.allowedSignersFile="$WORK/signers" verify-commit "$tip" 2>/dev/null \
  && pass "git verify-commit accepts the ingest commit" || fail "git verify-commit refused the ingest commit"
same_as_full "after an ingest written as a pack"
expect_status 0 "verify accepts the whole history" A verify

# Loose objects are packed once they pass gc.auto (run in the foreground here to observe it).
# git estimates the loose objects from objects/17 alone: two objects there pass gc.auto=64.
git config gc.auto 64 && git config gc.autoDetach false
python3 - <<'PY' | while read -r content; do printf '%s' "$content" | git hash-object -w --stdin >/dev/null; done
import hashlib
found, i = 0, 0
while found < 3:
    data = ("planted %d" % i).encode()
    if hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest().startswith("17"):
        print(data.decode()); found += 1
    i += 1
PY
A comment "$e2" "pack now" >/dev/null
loose=$(git count-objects -v | awk '/^count:/ {print $2}')
[ "$loose" -lt 200 ] && pass "loose objects are packed automatically ($loose loose)" || fail "$loose loose objects with gc.auto=64"
expect_status 0 "verify accepts the history after automatic packing" A verify
same_as_full "after automatic packing"

expect_status 2 "a bad DOCKET_INDEX value is a usage error" env DOCKET_INDEX=maybe "$DOCKET_BIN" list
expect_contains "$ERR" "DOCKET_INDEX" "the message names the variable"
finish
