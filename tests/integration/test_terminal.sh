#!/usr/bin/env bash
# Reading at a terminal (issue 13, parts 3, 4, 7, 8): colour on a terminal only (--color,
# NO_COLOR, CLICOLOR_FORCE), tables that fit 80 columns with an ellipsis, the pager (run without a
# shell), EXPIRED in show, expiry in list, --local; help, grouped command list and did-you-mean;
# completions that read the store; messages for a fresh clone, a shallow clone and a missing key
# file. Terminals are real: `script` gives docket a pseudo-terminal.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example
make_user bob bob@acme.example
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
A() { as alice alice@acme.example "$@"; }
B() { as bob bob@acme.example "$@"; }
A init >/dev/null
A member add bob@acme.example --key "$HOME/bob_ed25519.pub" --role approver --role responder --name Bob >/dev/null

long_title="Service account svc-billing-export holds roles/owner on the production billing project and nobody remembers why"
A open --title "$long_title" --severity critical --identity service-account:svc-billing --system gcp/acme-prod >/dev/null
A open --title "short one" --severity low >/dev/null
# An acceptance that expires in 1 day.
tid=$(B open --template temporary-elevated-access --title "Vendor admin for the migration" --severity high)
for s in triaged investigating remediating; do B move "$tid" "$s" >/dev/null; done
for item in $(A show "$tid" --json | python3 -c 'import json,sys; print(" ".join(i["id"]+":"+("e" if i["evidence"]=="required" else "n") for i in json.load(sys.stdin)["exception"]["checklist"]))'); do
  name=${item%:*}
  if [ "${item#*:}" = e ]; then echo "record for $name" >"$WORK/t-$name.txt"; B attach "$tid" "$WORK/t-$name.txt" --item "$name" >/dev/null
  else B done "$tid" "$name" --note done >/dev/null; fi
done
B request "$tid" --resolution accepted --reason "migration window" --control "session recording" --expires 1d >/dev/null
A approve "$tid" >/dev/null
expires=$(A show "$tid" --json | json_field "['exception']['outcome']['expires']")
later=$(date -u -d "+3 days" +%Y-%m-%dT%H:%M:%SZ)

# tty CMD...: runs CMD in a pseudo-terminal 80 columns wide; its output in $WORK/tty.
tty() {
  local cmd="stty cols 80 rows 40 2>/dev/null;"
  local a
  for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
  script -qec "$cmd" /dev/null >"$WORK/tty" 2>&1 </dev/null || true
}
esc=$'\x1b'
strip() { sed -e "s/${esc}\[[0-9;]*m//g" -e 's/\r$//' "$1"; }
cols_ok() { # FILE: every line fits 80 columns once colour is removed
  strip "$1" | python3 -c 'import sys,unicodedata
w=max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n")) for l in sys.stdin), default=0)
sys.exit(0 if w <= 80 else 1)'
}
env_docket=(env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" DOCKET_PAGER=cat "$DOCKET_BIN")

# ---- colour and width ----
tty "${env_docket[@]}" list
grep -q "${esc}\[" "$WORK/tty" && pass "list on a terminal is coloured" || fail "list on a terminal has no colour: $(cat -v "$WORK/tty")"
cols_ok "$WORK/tty" && pass "list on an 80-column terminal fits 80 columns" || fail "list is wider than 80 columns: $(strip "$WORK/tty")"
grep -q "…" "$WORK/tty" && pass "the long title is shortened with an ellipsis" || fail "no ellipsis: $(strip "$WORK/tty")"
strip "$WORK/tty" | grep -q "^ID .*STATE.*SEVERITY.*DUE / EXPIRES.*TITLE" && pass "the header names the columns" || fail "header: $(strip "$WORK/tty")"
tty env NO_COLOR=1 "${env_docket[@]}" list
grep -q "${esc}\[" "$WORK/tty" && fail "NO_COLOR=1 still colours: $(cat -v "$WORK/tty")" || pass "NO_COLOR=1 removes colour on a terminal"
tty "${env_docket[@]}" --color never list
grep -q "${esc}\[" "$WORK/tty" && fail "--color never still colours" || pass "--color never removes colour on a terminal"
piped=$(A list)
grep -q "${esc}" <<<"$piped" && fail "piped list has escape sequences" || pass "piped list has no escape sequences"
grep -qF "$long_title" <<<"$piped" && pass "piped list keeps the whole title" || fail "piped list cut the title: $piped"
grep -q "${esc}\[" <<<"$(A --color always list)" && pass "--color always colours a pipe" || fail "--color always did not colour"
grep -q "${esc}\[" <<<"$(CLICOLOR_FORCE=1 A list)" && pass "CLICOLOR_FORCE=1 colours a pipe" || fail "CLICOLOR_FORCE did not colour"
grep -q "${esc}\[" <<<"$(CLICOLOR_FORCE=1 NO_COLOR=1 A list)" && fail "NO_COLOR did not win over CLICOLOR_FORCE" || pass "NO_COLOR wins over CLICOLOR_FORCE"
expect_status 2 "--color with a bad value" A --color sometimes list
expect_contains "$ERR" "auto, always, never" "the message names the values"
# A comment that tries to paint the terminal is shown escaped, colour or not.
A comment "$tid" $'evil \x1b[31mred\x1b[0m text' >/dev/null
out=$(A --color always show "$tid")
grep -q "evil ${esc}" <<<"$out" && fail "a comment's escape sequence reached the terminal" || pass "a comment's escape sequence is escaped even with colour on"
grep -q "${esc}\[" <<<"$out" && pass "show --color always is coloured" || fail "show --color always has no colour"

# ---- expiry ----
line=$(A list | grep "$tid")
expect_contains "$line" "${expires:0:10} ${expires:11:5}" "list shows the accepted exception's expiry"
expect_status 0 "show after expiry" env DOCKET_NOW="$later" "${env_docket[@]}" show "$tid"
expect_contains "$OUT" "EXPIRED" "show marks an acceptance past its expiry as EXPIRED"
expect_status 0 "show before expiry" A show "$tid"
grep -q EXPIRED <<<"$OUT" && fail "show marks a running acceptance EXPIRED" || pass "a running acceptance is not marked EXPIRED"

# ---- --local ----
utc=$(A show "$tid" | grep "opened:" | awk '{print $2}')
loc=$(TZ=IST-5:30 A --local show "$tid" | grep "opened:" | awk '{print $2}')
[[ "$utc" == *Z && "$loc" == *+05:30 ]] && pass "--local shows the local zone with its offset ($loc)" || fail "--local: utc=$utc local=$loc"
[ "$(date -u -d "$utc" +%s)" = "$(date -u -d "$loc" +%s)" ] && pass "--local names the same instant" || fail "$utc != $loc"

# ---- pager ----
tty env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" DOCKET_PAGER="sed s/^/PAGED:/" "$DOCKET_BIN" list
strip "$WORK/tty" | grep -q "^PAGED:ID" && pass "list on a terminal goes through DOCKET_PAGER" || fail "no pager: $(cat -v "$WORK/tty")"
tty env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" PAGER="sed s/^/VIAPAGER:/" "$DOCKET_BIN" show "$tid"
grep -q "^VIAPAGER:" "$WORK/tty" && pass "show goes through PAGER when DOCKET_PAGER is unset" || fail "PAGER unused: $(cat -v "$WORK/tty")"
tty env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" DOCKET_PAGER="sed s/^/PAGED:/" "$DOCKET_BIN" --no-pager list
grep -q "PAGED:" "$WORK/tty" && fail "--no-pager still pages" || pass "--no-pager prints directly"
tty env DOCKET_ACTOR_EMAIL=alice@acme.example DOCKET_SIGNING_KEY="$HOME/alice_ed25519" DOCKET_PAGER="touch $WORK/pwned \$(touch $WORK/pwned2)" "$DOCKET_BIN" list
[ ! -e "$WORK/pwned2" ] && pass "the pager variable runs no command substitution" || fail "command substitution ran"
grep -q "no shell is used" "$WORK/tty" && pass "a pager that is not a plain command is named in a warning" || fail "no warning: $(cat -v "$WORK/tty")"
grep -q "short one" "$WORK/tty" && pass "the output is still printed without the pager" || fail "output lost: $(cat -v "$WORK/tty")"
out=$(DOCKET_PAGER="sed s/^/PAGED:/" A list)
grep -q "PAGED:" <<<"$out" && fail "piped output went through the pager" || pass "piped output never goes through the pager"

# ---- help ----
expect_status 0 "bare docket prints the command list" "$DOCKET_BIN"
for g in Lifecycle: Reading: Audit: CI: Administration:; do expect_contains "$OUT" "$g" "the list has the group $g"; done
grep -q "completion" <<<"$OUT" && fail "the hidden completion command is listed" || pass "machinery (completion) is not listed"
expect_status 0 "docket --help prints the grouped list" "$DOCKET_BIN" --help
expect_contains "$OUT" "Lifecycle:" "--help is grouped"
expect_status 0 "docket help open" "$DOCKET_BIN" help open
expect_contains "$OUT" "--title" "help open shows open's options"
expect_status 0 "docket help member add" "$DOCKET_BIN" help member add
expect_contains "$OUT" "--role" "help member add shows its options"
expect_status 2 "docket help member ad" "$DOCKET_BIN" help member ad
expect_contains "$ERR" "did you mean 'docket help member add'" "help suggests the subcommand"
expect_status 2 "docket help opn" "$DOCKET_BIN" help opn
expect_contains "$ERR" "did you mean 'docket help open'" "help suggests the command"
expect_status 2 "an unknown command with no close match" "$DOCKET_BIN" xyzzy
expect_contains "$ERR" "'xyzzy' is not a docket command" "it is named, not an internal error"
expect_status 2 "an unknown command after --color" "$DOCKET_BIN" --color never lst
expect_contains "$ERR" "'lst' is not a docket command" "--color's value is not taken for the command"
expect_status 2 "--color with a bad value and no command" "$DOCKET_BIN" --color foo
expect_contains "$ERR" "auto, always, never" "a bad --color is refused even with nothing to print"
expect_status 0 "docket help open names the whole command" "$DOCKET_BIN" help open
expect_contains "$OUT" "docket open" "help's usage line starts with docket"
expect_status 2 "a mistyped --template on check" A check --template leaked-secrt
expect_contains "$ERR" "leaked-secret" "the message names the store's templates"
expect_status 2 "a mistyped option" A list --stat open
expect_contains "$ERR" "did you mean '--state'" "the closest option is suggested"
expect_status 2 "member ad" A member ad x@acme.example
expect_contains "$ERR" "did you mean 'docket member add'" "nested commands get did-you-mean"
expect_status 2 "approve without an id" A approve
expect_contains "$ERR" "see docket approve --help" "a missing required argument names the command's own --help"

# ---- completions that know the store ----
comp() { A completion words -- "$@"; }
out=$(comp move "$tid" "")
grep -qx "revoke\|closed\|investigating\|triaged" <<<"$out" && fail "move offers states the exception cannot reach: $out" || pass "move from accepted offers no move target ($(echo $out))"
oid=$(A open --title "to move" --severity low)
out=$(comp move "$oid" "")
[ "$(sed 1d <<<"$out" | tr '\n' ' ')" = "triaged " ] && pass "move from open offers triaged only" || fail "move from open: $out"
A move "$oid" triaged >/dev/null
out=$(comp move "$oid" "")
grep -qx investigating <<<"$out" && ! grep -qx triaged <<<"$out" && pass "move from triaged offers the next states" || fail "move from triaged: $out"
gid=$(A open --template leaked-secret --title "checklist" --severity low)
items=$(A show "$gid" --json | python3 -c 'import json,sys; print(" ".join(sorted(i["id"] for i in json.load(sys.stdin)["exception"]["checklist"])))')
noev=$(A show "$gid" --json | python3 -c 'import json,sys; print(" ".join(sorted(i["id"] for i in json.load(sys.stdin)["exception"]["checklist"] if i["evidence"]!="required")))')
[ "$(comp attach "$gid" --item "" | sed 1d | cut -f1 | sort | tr '\n' ' ' | sed 's/ $//')" = "$items" ] && pass "attach --item completes the checklist items" || fail "attach --item: $(comp attach "$gid" --item "")"
[ "$(comp done "$gid" "" | sed 1d | cut -f1 | sort | tr '\n' ' ' | sed 's/ $//')" = "$noev" ] && pass "done completes the items that need no evidence" || fail "done: $(comp done "$gid" "")"
git remote add upstream "$WORK/nowhere.git"
[ "$(comp sync "" | sed 1d)" = "upstream" ] && pass "sync completes the remotes" || fail "sync: $(comp sync "")"
[ "$(comp report --format "" | sed 1d | tr '\n' ' ')" = "md json csv html " ] && pass "report --format completes its formats" || fail "report --format: $(comp report --format "")"
[ "$(comp export --format "" | sed 1d | tr '\n' ' ')" = "sarif trivyignore gitleaksignore " ] && pass "export --format completes its formats" || fail "export --format: $(comp export --format "")"

comp help "" | grep -q "^open" && pass "help completes the commands" || fail "help: $(comp help "")"
comp help member "" | grep -q "^add" && pass "help member completes its subcommands" || fail "help member: $(comp help member "")"
[ "$(comp --color "" | sed 1d | tr '\n' ' ')" = "auto always never " ] && pass "--color completes its values" || fail "--color: $(comp --color "")"
B edit "$oid" --title $'\u202eevil title' >/dev/null
comp show "" | grep -q $'\u202e' && fail "a completion description carries a raw bidi override" || pass "completion descriptions are escaped"

# ---- messages ----
# A project repository whose default branch is main and which also carries the store: a clone
# has main and only the remote-tracking origin/docket.
git init -q --bare "$WORK/origin.git"
git push -q "$WORK/origin.git" refs/heads/docket:refs/heads/docket
git -C "$WORK/origin.git" symbolic-ref HEAD refs/heads/main
git init -q "$WORK/project" && echo code >"$WORK/project/app.txt" && git -C "$WORK/project" add app.txt &&
  git -C "$WORK/project" commit -q -m app && git -C "$WORK/project" push -q "$WORK/origin.git" HEAD:refs/heads/main
git clone -q "$WORK/origin.git" "$WORK/clone" 2>/dev/null
git -C "$WORK/clone" rev-parse -q --verify refs/heads/docket >/dev/null && fail "the clone has a local docket branch" || pass "the clone has only origin/docket"
expect_status 6 "list in a fresh clone" A -C "$WORK/clone" list
expect_contains "$ERR" "docket sync origin" "a fresh clone is told to run docket sync origin"
grep -q "docket init" <<<"$ERR" && ! grep -q "do not run docket init" <<<"$ERR" && fail "a fresh clone is told to init: $ERR" || pass "a fresh clone is not told to run docket init"
expect_status 0 "docket sync origin in the fresh clone" A -C "$WORK/clone" sync origin
expect_status 0 "then list works" A -C "$WORK/clone" list
git clone -q --depth 1 --no-single-branch "file://$WORK/origin.git" "$WORK/shallow" 2>/dev/null
git -C "$WORK/shallow" fetch -q --depth 1 origin docket:docket 2>/dev/null
expect_status 6 "list in a shallow clone" A -C "$WORK/shallow" list
expect_contains "$ERR" "shallow clone" "the message says the clone is shallow"
expect_contains "$ERR" "git fetch --unshallow" "and how to unshallow"
expect_status 7 "member add --key with a missing file" A member add dan@acme.example --key "$WORK/no-such.pub" --role responder
expect_contains "$ERR" "$WORK/no-such.pub" "the message names the missing key file"

finish
