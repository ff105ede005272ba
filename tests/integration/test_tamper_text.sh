#!/usr/bin/env bash
# The text means what the replay says. Records are byte-for-byte docket's canonical YAML, which
# any YAML 1.2 reader (here PyYAML) reads as docket does, control characters included; a commit's
# subject and Docket-Command trailer say what its replay line did; evidence entries carry the
# stored blob's size and docket's media type; replay lines hold no field docket does not write;
# the committer's name is the one docket.yaml records. Each forgery below is made with plain git
# and signed with the right member's real key, and `verify` names the commit and the rule.
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/tamper_lib.sh"

make_user alice alice@acme.example # admin + approver (founder, recorded as "alice")
make_user bob bob@acme.example     # approver + responder, recorded as "Bob Example"
make_user carol carol@acme.example # responder, recorded as "Carol"
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
C() { as carol carol@acme.example "$@"; }

# ---------------------------------------------------------------------------------------------
# The clean store, with text that YAML writers get wrong.
clean="$WORK/clean"
mkdir -p "$clean" && cd "$clean"
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder --name "Bob Example" >/dev/null
A member add carol@acme.example --key "$HOME/carol_ed25519.pub" --role responder --name Carol >/dev/null
expect_status 2 "a name git would change is refused at member add" \
  A member add dave@acme.example --key "$HOME/carol_ed25519.pub" --role responder --name "Dave <d@x>"

OPEN=$(C open --title "token in pipeline log" --severity high --identity token:pipeline --system github/acme)
comments=(
  $'ends with CR\r'
  $'\rstarts with CR'
  $'windows\r\nline ends'
  $'tab\tinside and trailing tab\t'
  $'multi\nline\n'
  'ünïcödé ✓ 日本語 🔐'
  $'bidi \xe2\x80\xae override \xe2\x81\xa6isolate\xe2\x81\xa9'
  $'nel \xc2\x85 and line separator \xe2\x80\xa8'
  '  leading and trailing spaces  '
  '# not a comment'
  'key: value'
  "'single' and \"double\" quotes"
  'yes'
  '0x1F'
)
for text in "${comments[@]}"; do C comment "$OPEN" "$text" >/dev/null; done
C move "$OPEN" triaged >/dev/null
printf 'rotation ticket OPS-1\r\n' >"$WORK/evidence-1.txt"
C attach "$OPEN" "$WORK/evidence-1.txt" --note $'rotation\tticket\r' >/dev/null
PEND=$(C open --title "unused service account" --severity low --identity service-account:svc-old --system gcp/acme)

expect_status 0 "the clean store verifies" A verify
expect_contains "$OUT" "0 violations" "comments with CR, tabs, non-ASCII and bidi text raise no alarm"
verify_all_with_git "$clean" refs/heads/docket

record_path=$(git -C "$clean" ls-tree -r --name-only refs/heads/docket exceptions/ | grep "/$OPEN.yaml$")
git -C "$clean" cat-file blob "refs/heads/docket:$record_path" >"$WORK/record.yaml"
A show "$OPEN" --json >"$WORK/record.json"
printf '%s\0' "${comments[@]}" >"$WORK/comments.bin"
if python3 - "$WORK/record.yaml" "$WORK/record.json" "$WORK/comments.bin" <<'EOF'; then
import json, sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8").read())
shown = json.load(open(sys.argv[2], encoding="utf-8"))["exception"]
typed = open(sys.argv[3], "rb").read().decode("utf-8").split("\0")[:-1]
problems = []
# Every string PyYAML reads is the string docket reads (docket show --json), wherever both have it.
def walk(a, b, path):
    if isinstance(a, str):
        if a != b:
            problems.append(f"{path}: PyYAML {a!r}, docket {b!r}")
    elif isinstance(a, dict):
        for k, v in a.items():
            if isinstance(b, dict) and k in b:
                walk(v, b[k], f"{path}.{k}")
    elif isinstance(a, list):
        for i, v in enumerate(a):
            if isinstance(b, list) and i < len(b):
                walk(v, b[i], f"{path}[{i}]")
walk(doc, shown, "record")
texts = [c["text"] for c in doc["comments"]]
if texts != typed:
    problems.append(f"comments as PyYAML reads them {texts!r} differ from what was typed {typed!r}")
if doc["evidence"][0]["note"] != "rotation\tticket\r":
    problems.append(f"evidence note {doc['evidence'][0]['note']!r}")
for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
  pass "PyYAML reads every string as docket does, CR, tab and bidi controls included"
else
  fail "PyYAML reads the record differently from docket"
fi
if LC_ALL=C grep -q $'\r' "$WORK/record.yaml"; then fail "the record holds a raw CR"; else pass "the record holds no raw CR (written as \\r)"; fi
if LC_ALL=C grep -q $'\t' "$WORK/record.yaml"; then fail "the record holds a raw tab"; else pass "the record holds no raw tab"; fi
if LC_ALL=C grep -q $'\xe2\x80\xae' "$WORK/record.yaml"; then fail "the record holds a raw bidi override"; else pass "bidi controls are escaped"; fi
subject=$(git -C "$clean" log -1 --format=%s refs/heads/docket~3)
expect_contains "$subject" "docket: comment $OPEN" "the comment's subject names the command"
if LC_ALL=C grep -q $'[\r\t]' <<<"$(git -C "$clean" log --format=%s refs/heads/docket)"; then
  fail "a subject holds a CR or a tab"
else
  pass "no subject holds a CR or a tab"
fi
[ "$(git -C "$clean" log -1 --format=%cn refs/heads/docket)" = Carol ] && pass "carol's commits carry her recorded name" ||
  fail "committer name $(git -C "$clean" log -1 --format=%cn refs/heads/docket)"
expect_status 0 "log shows the timeline" C log "$OPEN"
expect_contains "$OUT" 'comment "ends with CR' "log shows what the comment replay did"
expect_contains "$OUT" "attach 1 file (evidence-1.txt)" "log shows what the attach replay did"
expect_contains "$OUT" "move to triaged" "log shows the move"

# ---------------------------------------------------------------------------------------------
# Helpers beyond tamper_lib.sh.
# The tip's message, byte for byte (git log would add a newline).
message() {
  git -C "$T" cat-file commit refs/heads/docket | python3 -c 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().split(b"\n\n", 1)[1])'
}
# amend_as NAME EMAIL KEY MESSAGE-FILE: re-commits the tip with the work tree's changes and that
# exact message, signed with KEY, at the tip's time (the records' stamps keep matching).
amend_as() {
  local when
  when="@$(git -C "$T" log -1 --format=%ct refs/heads/docket) +0000"
  GIT_COMMITTER_DATE="$when" GIT_AUTHOR_DATE="$when" gitas "$1" "$2" "$3" commit -q -a --amend --cleanup=verbatim -F "$4" --reset-author -S
  seen_up_to refs/heads/docket~1
}
# only_rule RULE: the report holds that rule and no other (the forgery is otherwise perfect).
only_rule() {
  local others
  others=$(grep -o 'rule [a-z-]*:' <<<"$OUT" | sort -u | grep -v "rule $1:" || true)
  [ -z "$others" ] && pass "only rule $1 fires" || fail "other rules fire besides $1: $others"
}
# A comment by carol at the tip, re-made by hand below.
comment_tip() { C -C "$T" comment "$PEND" "$1" >/dev/null; }

# ---------------------------------------------------------------------------------------------
# 1. A YAML comment added to a record: the record reads the same, but its text is not docket's.
fresh yaml-comment
comment_tip "looking at it"
worktree
f=$(record_file "$PEND")
echo "# approved by the CISO" >>"$W/$f"
message >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "a YAML comment in a record" record-canonical
only_rule record-canonical
expect_contains "$OUT" "canonical form" "the report says the text is not canonical"

# 2. An explicit tag on a value.
fresh yaml-tag
comment_tip "looking at it"
worktree
f=$(record_file "$PEND")
sed -i 's/^title: /title: !!str /' "$W/$f"
message >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "a !!str tag in a record" record-canonical

# 3. Single quotes where docket writes double quotes (the same string).
fresh single-quotes
comment_tip "yes"
worktree
f=$(record_file "$PEND")
grep -q '^    text: "yes"$' "$W/$f" && pass "docket double-quotes 'yes'" || fail "no double-quoted yes in $(cat "$W/$f")"
sed -i "s/^    text: \"yes\"$/    text: 'yes'/" "$W/$f"
message >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "single-quoted spelling of a value" record-canonical
only_rule record-canonical

# 4. A flow-style mapping where docket writes block style.
fresh flow-style
comment_tip "looking at it"
worktree
f=$(record_file "$PEND")
python3 - "$W/$f" <<'EOF'
import sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().split("\n")
i = lines.index("identity:")
kind, name, system = (lines[i + k].split(": ", 1)[1] for k in (1, 2, 3))
lines[i:i + 4] = [f"identity: {{kind: {kind}, name: {name}, system: {system}}}"]
open(path, "w", encoding="utf-8").write("\n".join(lines))
EOF
grep -q '^identity: {' "$W/$f" && pass "the identity is now a flow mapping" || fail "flow style not applied"
message >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "flow-style mapping in a record" record-canonical
only_rule record-canonical

# 5. A subject that lies: it says approve, the replay line says comment.
fresh lying-subject
comment_tip "looking at it"
worktree
message | sed "1s/.*/docket: approve $PEND: approved/" >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "a subject that says approve for a comment" message-mismatch
only_rule message-mismatch
expect_contains "$OUT" "does not say what the replay did" "the report explains the subject"

# 6. A Docket-Command trailer that disagrees with the replay line.
fresh lying-trailer
comment_tip "looking at it"
worktree
message | sed "s/^Docket-Command: comment$/Docket-Command: approve/" >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "a Docket-Command trailer that says approve" message-mismatch
only_rule message-mismatch
expect_contains "$OUT" "Docket-Command trailer says 'approve'" "the report names the trailer"

# 7. Evidence listed with another size, in the record and in the replay line alike.
fresh evidence-size
echo "twelve bytes" >"$WORK/evidence-2.txt"
C -C "$T" attach "$PEND" "$WORK/evidence-2.txt" >/dev/null
worktree
f=$(record_file "$PEND")
grep -q '^    size: 13$' "$W/$f" && pass "the evidence entry says 13 bytes" || fail "no size 13 in $(cat "$W/$f")"
sed -i 's/^    size: 13$/    size: 4096/' "$W/$f"
message | sed 's/"size":13/"size":4096/' >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "evidence listed with a false size" evidence-metadata
only_rule evidence-metadata
expect_contains "$OUT" "size 4096 but the stored blob is 13 bytes" "the report gives both sizes"

# 8. Evidence listed with a media type docket never records.
fresh evidence-type
C -C "$T" attach "$PEND" "$WORK/evidence-1.txt" >/dev/null
worktree
f=$(record_file "$PEND")
sed -i 's#^    media_type: application/octet-stream$#    media_type: text/html#' "$W/$f"
grep -q 'media_type: text/html' "$W/$f" && pass "the forged entry says text/html" || fail "media type not changed"
message | sed 's#"media_type":"application/octet-stream"#"media_type":"text/html"#' >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "evidence listed as text/html" evidence-metadata
only_rule evidence-metadata

# 9. A replay line with a field docket does not write.
fresh unknown-field
comment_tip "looking at it"
worktree
message | sed 's/^Docket-Replay: {/Docket-Replay: {"approved":true,/' >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "an unknown field in the replay line" replay
expect_contains "$OUT" "unknown field 'approved'" "the report names the unknown field"

# 10. A replay line with a key given twice (a JSON reader would keep one of them).
fresh duplicate-key
comment_tip "looking at it"
worktree
message | sed 's/^Docket-Replay: {/Docket-Replay: {"text":"approved",/' >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "a duplicate key in the replay line" replay
expect_contains "$OUT" "appears twice" "the report names the duplicate"

# 11. The committer's name is not the member's recorded name.
fresh committer-name
comment_tip "looking at it"
worktree
message >"$WORK/msg"
amend_as "Carol the CISO" carol@acme.example carol "$WORK/msg"
expect_violation "a committer name other than the recorded one" committer-name
only_rule committer-name
expect_contains "$OUT" "records 'Carol'" "the report names the recorded name"

# 12. A record re-spelled with other indentation and key quoting (same content).
fresh respelled
comment_tip "looking at it"
worktree
f=$(record_file "$PEND")
sed -i 's/^state: /"state": /' "$W/$f"
message >"$WORK/msg"
amend_as Carol carol@acme.example carol "$WORK/msg"
expect_violation "a quoted key in a record" record-canonical

# Every tampered copy started from this store, which is still clean.
T=$clean
expect_status 0 "the clean store still verifies" "$DOCKET_BIN" -C "$clean" verify
expect_contains "$OUT" "0 violations" "still no violation"
finish
