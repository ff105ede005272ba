#!/usr/bin/env bash
# Hostile input (issue 11), one check per kind: live secrets refused wherever text enters,
# inputs that are not regular files refused before anything is read, output that cannot be
# written reported, and record text that cannot imitate docket's own screen lines.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example
repo="$WORK/store"
mkdir -p "$repo"
as alice alice@acme.example -C "$repo" init >/dev/null
export DOCKET_REPO="$repo"
al() { as alice alice@acme.example "$@"; }
id=$(al open --title "svc-deploy token" --template generic | grep -oE 'EX-[0-9A-Z]+' | head -1)
[ -n "$id" ] && pass "opened $id" || fail "no id"
objects() { find "$repo/.git/objects" -type f | wc -l; }

# 1. Live secrets: the kinds the issue names, through attach, comment and --title (assembled
# here so this file does not itself look like one).
slack="https://hooks.slack.com/""services/T0AAAAAAA/B0BBBBBBB/$(printf 'x1Y%.0s' {1..8})"
jwt="ey""JhbGciOiJIUzI1NiJ9.ey""JzdWIiOiJzdmMtZGVwbG95In0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
aws_secret="aws_secret""_access_key = $(printf 'Ab1+%.0s' {1..10})"
before=$(ref_of "$repo" refs/heads/docket)
for secret in "$slack" "$jwt" "$aws_secret"; do
  expect_status 3 "a comment holding a secret is refused" al comment "$id" "see $secret"
  expect_contains "$ERR" "looks like" "the message says what it looks like"
  expect_status 3 "a title holding a secret is refused" al open --title "leak $secret" --template generic
  printf 'log line\n%s\n' "$secret" >"$WORK/evidence.txt"
  expect_status 3 "evidence holding a secret is refused" al attach "$id" "$WORK/evidence.txt"
done
# Pasted JSON (quotes the record's YAML would escape) and a tab before the value.
key40=$(printf 'Ab1+%.0s' {1..10})
expect_status 3 "a secret inside pasted multi-line JSON is refused" al comment "$id" "$(printf '{\n  "Secret''AccessKey": "%s"\n}' "$key40")"
expect_status 3 "a secret after a tab is refused" al comment "$id" "$(printf 'aws_secret''_access_key:\t%s' "$key40")"
# A Windows tool's UTF-16 log (with its byte-order mark) is decoded before it is scanned.
printf 'log line\n%s\n' "$aws_secret" | iconv -f UTF-8 -t UTF-16 >"$WORK/utf16-evidence.txt"
expect_status 3 "UTF-16 evidence holding a secret is refused" al attach "$id" "$WORK/utf16-evidence.txt"
[ "$(ref_of "$repo" refs/heads/docket)" = "$before" ] && pass "the ref did not move" || fail "a secret was committed"
expect_status 0 "--allow-secret keeps a revoked value on purpose" al attach "$id" "$WORK/evidence.txt" --allow-secret

# 2. Not regular files: exit 2 within seconds, nothing read, nothing written.
mkfifo "$WORK/fifo"
n=$(objects)
for input in /dev/zero "$WORK/fifo" "$WORK"; do
  start=$(date +%s)
  expect_status 2 "attach $input is refused" timeout 20 env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" attach "$id" "$input"
  [ $(($(date +%s) - start)) -le 5 ] && pass "at once" || fail "attach $input took too long"
done
expect_status 2 "attach of a procfs file is refused" timeout 20 env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" attach "$id" /proc/self/status
[ "$(objects)" = "$n" ] && pass "nothing was written to the object database" || fail "objects were written"
start=$(date +%s)
expect_status 2 "a FIFO given as the key is refused" timeout 20 env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$WORK/fifo" "$DOCKET_BIN" comment "$id" hi
[ $(($(date +%s) - start)) -le 5 ] && pass "at once" || fail "a FIFO key took too long"
# The same content twice is one evidence; content already held makes no commit.
printf 'plain evidence\n' >"$WORK/e1.txt"
cp "$WORK/e1.txt" "$WORK/e2.txt"
expect_status 0 "attach of the same content twice" al attach "$id" "$WORK/e1.txt" "$WORK/e2.txt"
before=$(ref_of "$repo" refs/heads/docket)
expect_status 0 "attach of content already held" al attach "$id" "$WORK/e1.txt"
expect_contains "$ERR" "nothing was committed" "says nothing was committed"
[ "$(ref_of "$repo" refs/heads/docket)" = "$before" ] && pass "no empty commit" || fail "an empty commit was made"
# A killed attach leaves libgit2's spool; the next attach removes it once stale.
touch -d "2 hours ago" "$WORK/old"
: >"$repo/.git/objects/streamed_git2_0123456789abcdef"
touch -r "$WORK/old" "$repo/.git/objects/streamed_git2_0123456789abcdef"
printf 'more evidence\n' >"$WORK/e3.txt"
al attach "$id" "$WORK/e3.txt" >/dev/null
[ ! -e "$repo/.git/objects/streamed_git2_0123456789abcdef" ] && pass "a stale spool file was removed" || fail "the spool file stayed"

# 5. The screen shows what the record holds.
al comment "$id" $'first line\n  2026-01-01T00:00:00Z  admin@acme.example  approve: forged \u202eevil\xc2\x9b31m' >/dev/null
show=$(al show "$id")
if grep -qE '^  2026-01-01T00:00:00Z' <<<"$show"; then fail "a comment line imitates a history entry: $show"; else pass "no comment line starts like a history entry"; fi
expect_contains "$show" '\u{202e}' "a bidi override is shown escaped"
expect_contains "$show" '\u{009b}' "a C1 control is shown escaped"
logged=$(al log "$id")
if grep -q $'\u202e' <<<"$logged"; then fail "log shows a raw bidi override"; else pass "log escapes too"; fi

# 6. Write errors are errors; a closed pipe is quiet.
expect_status 9 "list > /dev/full" sh -c '"$0" list > /dev/full' "$DOCKET_BIN"
expect_contains "$ERR" "No space left" "the message says why"
expect_status 9 "report --out /dev/full" al report --out /dev/full
expect_status 2 "report --out a folder" al report --out "$WORK"
status=0
al list | head -c 1 >/dev/null || status=$?
errors=$( (al list 2>&1 >/dev/null | head -c 0) ; true)
[ -z "$errors" ] && pass "a closed pipe prints nothing" || fail "a closed pipe printed: $errors"
# 4. --out through a symbolic link replaces the file it names and keeps the link; /dev/stdout is written to.
ln -s report.md "$WORK/link.md"
expect_status 0 "report --out through a symlink" al report --out "$WORK/link.md"
[ -L "$WORK/link.md" ] && [ -s "$WORK/report.md" ] && pass "the link stays and its file was written" || fail "the link was replaced"
expect_status 0 "report --out /dev/stdout" sh -c '"$0" report --out /dev/stdout > "$1"' "$DOCKET_BIN" "$WORK/via-stdout.md"
[ -s "$WORK/via-stdout.md" ] && pass "written through /dev/stdout" || fail "nothing came through /dev/stdout"

seq 1 3000 >"$WORK/app.log"
expect_status 0 "report --out /dev/stdout appended to a log" sh -c '"$0" report --out /dev/stdout >> "$1"' "$DOCKET_BIN" "$WORK/app.log"
[ "$(head -1 "$WORK/app.log")" = 1 ] && pass "the log's start is intact (O_APPEND kept)" || fail "the log was overwritten"
ln -s loop-b "$WORK/loop-a"
ln -s loop-a "$WORK/loop-b"
expect_status 2 "report --out a symbolic link loop" al report --out "$WORK/loop-a"
[ -L "$WORK/loop-a" ] && pass "the link was not replaced" || fail "the link was replaced"
# Names from arguments and records are escaped in error messages too.
expect_status 3 "attach --item with a terminal escape and a line break" al attach "$id" "$WORK/e1.txt" --item "$(printf 'zz\e[31mRED\n2026-11-30T16:00:00Z  bob@acme.example  approve')"
if grep -q $'\e' <<<"$ERR" || grep -q '^2026-11-30T16' <<<"$ERR"; then fail "the message printed raw text: $ERR"; else pass "the message escapes it"; fi

# 7. Refusals that name the real problem.
sarif=$(find "$SOURCE_DIR/../shared/fixtures" -name '*.sarif' | sort | head -1)
{ printf '\xef\xbb\xbf'; cat "$sarif"; } >"$WORK/bom.sarif"
expect_status 0 "a SARIF log with a UTF-8 byte-order mark is read" al ingest sarif "$WORK/bom.sarif"
printf 'hello world\n' >"$WORK/plain.txt"
expect_status 2 "plain text given as SARIF" al ingest sarif "$WORK/plain.txt"
expect_contains "$ERR" "is not JSON: it starts with \"hello world\"" "says it is not JSON"
iconv -f UTF-8 -t UTF-16 <"$sarif" >"$WORK/utf16.sarif"
expect_status 0 "a UTF-16 SARIF log (PowerShell's redirection) is decoded and read" al ingest sarif "$WORK/utf16.sarif"
printf '\xff\xfe{\0}\0}' >"$WORK/utf16.json"
expect_status 2 "a UTF-16 report cut in the middle of a character" al ingest sarif "$WORK/utf16.json"
expect_contains "$ERR" "UTF-16 text (it starts with a byte-order mark) that does not decode" "names the encoding"
expect_status 2 "an unknown ingest format" al ingest nessus "$WORK/plain.txt"
expect_contains "$ERR" "'nessus' is not one of what 'docket ingest' takes: sarif, gitleaks, trufflehog" "names the formats"
expect_status 2 "an unknown option where the ingest format belongs" al ingest --bogus
expect_contains "$ERR" "but got the option '--bogus'" "names the option"
expect_status 2 "an escape sequence in an unknown command" "$DOCKET_BIN" $'li\e[2Jst'
if grep -q $'\e' <<<"$ERR"; then fail "the argument was printed raw"; else pass "the argument is escaped"; fi
# A report written over a file someone made private stays private.
printf 'old\n' >"$WORK/private.md"
chmod 600 "$WORK/private.md"
expect_status 0 "report --out over a private file" al report --out "$WORK/private.md"
[ "$(stat -c %a "$WORK/private.md")" = 600 ] && pass "the file keeps its permissions" || fail "report --out changed the mode to $(stat -c %a "$WORK/private.md")"
# Text that is not UTF-8 is bad input, not an internal error.
expect_status 2 "open --title with invalid UTF-8" al open --title $'bad\xff' --template generic
expect_status 0 "verify accepts everything at the end" al verify
# 3. One unreadable record does not take list, check and report down. A record that an older
# docket accepted and this one refuses is made here by plain git (signed by alice) and then
# marked verified, as an older docket would have left it.
bad="$WORK/bad"
mkdir -p "$bad"
as alice alice@acme.example -C "$bad" init >/dev/null
b() { as alice alice@acme.example -C "$bad" "$@"; }
good_id=$(b open --title "readable one" --template generic | grep -oE 'EX-[0-9A-Z]+' | head -1)
bad_id=$(b open --title "to be broken" --template generic | grep -oE 'EX-[0-9A-Z]+' | head -1)
bad_path=$(git -C "$bad" ls-tree -r --name-only refs/heads/docket exceptions/ | grep "/$bad_id.yaml$")
git -C "$bad" worktree add -q -f "$WORK/bad-wt" docket
# commit_by_hand MESSAGE: alice commits the work tree's changes with plain git, signed, and the
# store is marked verified up to there: what a member with push access could do.
commit_by_hand() {
  git -C "$WORK/bad-wt" add -A
  git -C "$WORK/bad-wt" -c core.hooksPath=/dev/null -c user.name=alice -c user.email=alice@acme.example -c gpg.format=ssh \
    -c user.signingkey="$HOME/alice_ed25519" commit -q -S -m "$1"
  git -C "$bad" config docket.refs/heads/docket.verifiedtip "$(git -C "$bad" rev-parse refs/heads/docket)"
}
sed -i 's/^severity: .*/severity: catastrophic/' "$WORK/bad-wt/$bad_path"
commit_by_hand "edit by hand"
for index in on off; do
  expect_status 0 "list (index $index) goes on past an unreadable record" env DOCKET_INDEX=$index "$DOCKET_BIN" -C "$bad" list
  expect_contains "$OUT" "$good_id" "list (index $index) shows the readable record"
  expect_contains "$ERR" "cannot read $bad_path" "list (index $index) names the unreadable record's path"
  expect_contains "$ERR" "catastrophic" "list (index $index) says why"
  expect_status 0 "list --json (index $index) goes on" env DOCKET_INDEX=$index "$DOCKET_BIN" -C "$bad" list --json
  expect_contains "$OUT" "$good_id" "list --json (index $index) holds the readable record"
  expect_contains "$ERR" "cannot read $bad_path" "list --json (index $index) names the path"
  expect_status 1 "check (index $index) fails closed on an unreadable record" env DOCKET_INDEX=$index "$DOCKET_BIN" -C "$bad" check
  expect_contains "$OUT" "UNREADABLE (fails)  $bad_path" "check (index $index) names the record"
  expect_status 1 "check --json (index $index) fails closed" env DOCKET_INDEX=$index "$DOCKET_BIN" -C "$bad" check --json
  if python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["failed"] and d["unreadable"][0]["path"]==sys.argv[1]' "$bad_path" <<<"$OUT"; then
    pass "check --json (index $index) lists it as unreadable"
  else fail "check --json: $OUT"; fi
  for format in md html json; do
    expect_status 0 "report --format $format (index $index) goes on" env DOCKET_INDEX=$index "$DOCKET_BIN" -C "$bad" report --format $format
    expect_contains "$OUT" "$bad_path" "the $format report names the unreadable record"
    expect_contains "$OUT" "$good_id" "the $format report holds the readable one"
  done
done
# Twice: the unreadable record is never hidden by a cache.
expect_status 1 "check again (cached index)" "$DOCKET_BIN" -C "$bad" check
expect_contains "$OUT" "UNREADABLE" "a second check names it again"
expect_status 2 "show of the unreadable record names its path" "$DOCKET_BIN" -C "$bad" show "$bad_id"
expect_contains "$ERR" "$bad_path" "show names the path"
expect_status 0 "show of the readable record" "$DOCKET_BIN" -C "$bad" show "$good_id"
# Things that are not a record file in a record's place are named too, and fail check.
rec_folder=$(dirname "$(git -C "$bad" ls-tree -r --name-only refs/heads/docket exceptions/ | grep "/$good_id.yaml$")")
mkdir -p "$WORK/bad-wt/$rec_folder/EX-NOTAFILE00.yaml" && echo x >"$WORK/bad-wt/$rec_folder/EX-NOTAFILE00.yaml/a"
echo x >"$WORK/bad-wt/exceptions/QQ"
commit_by_hand "not files"
for index in on off; do
  expect_status 1 "check (index $index) fails on a folder in a record's place" env DOCKET_INDEX=$index "$DOCKET_BIN" -C "$bad" check
  expect_contains "$OUT" "UNREADABLE (fails)  $rec_folder/EX-NOTAFILE00.yaml" "check (index $index) names the folder"
  expect_contains "$OUT" "UNREADABLE (fails)  exceptions/QQ" "check (index $index) names the file in a folder's place"
done
# A clock past 2106 would be written wrapped around by libgit2: refused before any commit.
before=$(ref_of "$repo" refs/heads/docket)
expect_status 3 "a commit dated after 2106 is refused" env DOCKET_NOW=2106-03-01T00:00:00Z DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" "$DOCKET_BIN" comment "$id" "from the future"
expect_contains "$ERR" "time-range" "names rule time-range"
[ "$(ref_of "$repo" refs/heads/docket)" = "$before" ] && pass "the ref did not move" || fail "a wrapped commit time was written"
# Times out of range are refused at the command, not written.
expect_status 2 "check --at before 1970" al check --at 1969-12-31
expect_contains "$ERR" "outside 1970-01-01 .. 9999-12-31" "names the range"
expect_status 2 "check --at past 9999 through an offset" al check --at 9999-12-31T23:59:59-01:00
# 7. verify hashes evidence as it streams: an 80 MiB evidence file, packed as git packs it, costs
# verify no more memory than a store without it (reading it whole would cost 80 MiB or more).
mem="$WORK/mem"
mkdir -p "$mem"
as alice alice@acme.example -C "$mem" init >/dev/null
mem_id=$(as alice alice@acme.example -C "$mem" open --title "large evidence" --template generic | grep -oE 'EX-[0-9A-Z]+' | head -1)
peak_kb() { /usr/bin/time -f '%M' -o "$WORK/peak" "$DOCKET_BIN" -C "$mem" verify >/dev/null 2>&1 && cat "$WORK/peak"; }
before_kb=$(peak_kb)
head -c 60M /dev/urandom | base64 -w 76 >"$WORK/large.txt"
truncate -s 80M "$WORK/large.txt"
# Random base64 this large holds token-like strings by chance (AIza + 35 characters): allowed.
expect_status 0 "attach of 80 MiB of evidence" as alice alice@acme.example -C "$mem" attach "$mem_id" "$WORK/large.txt" --allow-secret
rm -f "$WORK/large.txt"
loose_kb=$(peak_kb)
git -C "$mem" repack -a -d -q && git -C "$mem" prune-packed
packed_kb=$(peak_kb)
echo "# verify peak memory: ${before_kb} KiB without the evidence, ${loose_kb} KiB loose (compressed file mapped), ${packed_kb} KiB packed"
if [ -n "$before_kb" ] && [ -n "$packed_kb" ] && [ $((packed_kb - before_kb)) -lt $((32 * 1024)) ]; then
  pass "verify of packed 80 MiB evidence grows memory by less than 32 MiB"
else
  fail "verify read the packed evidence whole: ${before_kb} -> ${packed_kb} KiB"
fi
expect_status 0 "verify accepts the large evidence" "$DOCKET_BIN" -C "$mem" verify
# 7. A record copied into another fan-out folder, and a missing docket.yaml: refusals that name
# the real problem; the copy is never listed twice, even from the index.
dupe="$WORK/dupe"
mkdir -p "$dupe"
as alice alice@acme.example -C "$dupe" init >/dev/null
dupe_id=$(as alice alice@acme.example -C "$dupe" open --title "copied by hand" --template generic | grep -oE 'EX-[0-9A-Z]+' | head -1)
dupe_path=$(git -C "$dupe" ls-tree -r --name-only refs/heads/docket exceptions/)
git -C "$dupe" worktree add -q -f "$WORK/dupe-wt" docket
mkdir -p "$WORK/dupe-wt/exceptions/ZZ"
cp "$WORK/dupe-wt/$dupe_path" "$WORK/dupe-wt/exceptions/ZZ/"
gitw() { git -C "$WORK/dupe-wt" -c core.hooksPath=/dev/null -c user.name=alice -c user.email=alice@acme.example -c gpg.format=ssh -c user.signingkey="$HOME/alice_ed25519" "$@"; }
gitw add -A && gitw commit -q -S -m "copy"
expect_status 1 "verify refuses a record copied into another folder" "$DOCKET_BIN" -C "$dupe" verify
expect_contains "$OUT" "exceptions/ZZ/$dupe_id.yaml is a record file outside its fan-out folder: $dupe_id belongs at $dupe_path" "verify says where the record belongs"
git -C "$dupe" config docket.refs/heads/docket.verifiedtip "$(git -C "$dupe" rev-parse refs/heads/docket)"
for index in on off on; do
  expect_status 0 "list (index $index) of a store with a copied record" env DOCKET_INDEX=$index "$DOCKET_BIN" -C "$dupe" list
  [ "$(grep -c "$dupe_id" <<<"$OUT")" = 1 ] && pass "the record is listed once (index $index)" || fail "listed twice: $OUT"
done
gitw rm -q docket.yaml && gitw commit -q -S -m "no policy"
expect_status 1 "verify of a store whose docket.yaml was removed" "$DOCKET_BIN" -C "$dupe" verify
expect_contains "$OUT" "docket.yaml was removed or renamed by hand" "verify says it was removed"
git -C "$dupe" config docket.refs/heads/docket.verifiedtip "$(git -C "$dupe" rev-parse refs/heads/docket)"
expect_status 6 "list of a store whose docket.yaml was removed" "$DOCKET_BIN" -C "$dupe" check
expect_contains "$ERR" "docket.yaml was removed or renamed by hand" "check says it was removed"
if grep -q "docket init" <<<"$ERR"; then fail "the hint suggests docket init: $ERR"; else pass "the hint does not suggest docket init"; fi
finish
