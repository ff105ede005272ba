#!/usr/bin/env bash
# Every command and option the binary has is in its man page and completes in bash (and fish
# or zsh when installed); `docket a<TAB>` offers approve, assign and attach; completion offers
# states, templates and ids; `cmake --install` puts binary, man pages and completions where
# man and the shells find them, with the version stamped from CMake.
# Driven by `docket completion tree`, so a new command fails here until its page exists.
source "$(dirname "$0")/lib.sh" "$@"

BIN_DIR=$(cd "$(dirname "$DOCKET_BIN")" && pwd)
export PATH="$BIN_DIR:$PATH"
MAN_SRC="$SOURCE_DIR/man"
COMPLETIONS="$SOURCE_DIR/completions"

# One line per command, option and nested command of the tree:
#   command PATH…            (path words joined by spaces; hidden commands are marked)
#   option  PATH…|NAME       (non-positional, visible options; -h/--help left out)
"$DOCKET_BIN" completion tree >"$WORK/tree.json"
python3 - "$WORK/tree.json" >"$WORK/tree.txt" <<'EOF'
import json, sys
def walk(node, hidden):
    path = " ".join(node["path"])
    hidden = hidden or node["hidden"]
    if node["path"]:
        print("\t".join(["command", path, "hidden" if hidden else "visible"]))
    for o in node["options"]:
        if o["positional"] or o["hidden"] or "--help" in o["names"]:
            continue
        print("\t".join(["option", path, "hidden" if hidden else "visible", o["name"]]))
    for sub in node["subcommands"]:
        walk(sub, hidden)
walk(json.load(open(sys.argv[1])), False)
EOF
commands=$(grep -c '^command' "$WORK/tree.txt" || true)
[ "$commands" -gt 20 ] && pass "the tree lists $commands commands" || fail "the tree lists only $commands commands"

# A page's text as a reader sees it: roff's \- as -, font escapes dropped.
page_text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(ti/~/g' "$1"; }
mentions() { grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|$)" <<<"$1"; }

# ---- man pages ----
missing_pages=0 missing_options=0
main_page=$(page_text "$MAN_SRC/docket.1")
while IFS=$'\t' read -r kind path visibility name; do
  top=${path%% *}
  page="$MAN_SRC/docket${top:+-$top}.1"
  if [ ! -f "$page" ]; then
    [ "$kind" = command ] && { fail "docket $path has no man page $page"; missing_pages=$((missing_pages + 1)); }
    continue
  fi
  text=$(page_text "$page")
  if [ "$kind" = command ]; then
    # A nested command (member add) is named in its parent's page; a visible one in docket(1).
    [ "$path" != "$top" ] && ! mentions "$text" "${path##* }" && { fail "docket-$top.1 does not mention '${path##* }'"; missing_pages=$((missing_pages + 1)); }
    [ "$path" = "$top" ] && [ "$visibility" = visible ] && ! mentions "$main_page" "docket-$top" &&
      { fail "docket.1 does not list docket-$top"; missing_pages=$((missing_pages + 1)); }
  elif ! mentions "$text" "$name"; then
    fail "$(basename "$page") does not document ${path:+docket $path }$name"
    missing_options=$((missing_options + 1))
  fi
done <"$WORK/tree.txt"
[ $missing_pages -eq 0 ] && pass "every command has its man page and is listed in docket(1)"
[ $missing_options -eq 0 ] && pass "every option is documented in its command's man page"
for v in DOCKET_REPO DOCKET_REF DOCKET_SIGNING_KEY DOCKET_ACTOR_EMAIL DOCKET_ACTOR_NAME DOCKET_NOW docket.ref user.signingkey gpg.format; do
  mentions "$main_page" "${v//./\\.}" || fail "docket.1 does not document $v"
done
for code in 0 1 2 3 4 5 6 7 8 70; do grep -qE "^\.B $code$" "$MAN_SRC/docket.1" || fail "docket.1 does not list exit status $code"; done
store_page=$(page_text "$MAN_SRC/docket.5")
for fact in docket.yaml allowed_signers templates/ exceptions/ evidence/ Docket-Command Docket-Record Docket-Replay fail_on max_acceptance; do
  grep -qF -- "$fact" <<<"$store_page" || fail "docket.5 does not describe $fact"
done
pass "docket(1) lists environment, git config and exit codes; docket(5) the store format"
# Pages for commands the binary does not have (yet): worth knowing, not a failure.
for page in "$MAN_SRC"/docket-*.1; do
  name=$(basename "$page" .1)
  grep -qP "^command\t${name#docket-}\t" "$WORK/tree.txt" || echo "note: $name.1 documents a command this binary does not have"
done

if command -v man >/dev/null; then
  warnings=0
  for page in "$MAN_SRC"/*.[15]; do
    out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    [ -z "$out" ] || { fail "$(basename "$page") renders with warnings: $out"; warnings=$((warnings + 1)); }
  done
  [ $warnings -eq 0 ] && pass "every page renders without groff warnings"
fi

# ---- bash completion ----
# complete_bash WORD...: what _docket offers for `docket WORD…`, the last word being completed.
complete_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _docket; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$COMPLETIONS/docket.bash" docket "$@"
}
offers() { grep -qxF -- "$2" <<<"$1"; }

got=$(complete_bash a | sort | tr '\n' ' ')
[ "$got" = "approve assign attach " ] && pass "bash: docket a<TAB> offers approve assign attach" || fail "bash: docket a<TAB> offered: $got"

missing=0
while IFS=$'\t' read -r kind path visibility name; do
  [ "$visibility" = visible ] || continue
  read -ra words <<<"$path"
  if [ "$kind" = command ]; then
    parent=("${words[@]:0:${#words[@]}-1}")
    offers "$(complete_bash "${parent[@]}" "")" "${words[-1]}" || { fail "bash does not complete command '$path'"; missing=$((missing + 1)); }
  else
    prefix=-
    [[ $name == --* ]] && prefix=--
    offers "$(complete_bash "${words[@]}" "$prefix")" "$name" || { fail "bash does not complete 'docket $path $name'"; missing=$((missing + 1)); }
  fi
done <"$WORK/tree.txt"
[ $missing -eq 0 ] && pass "bash completes every visible command and option"
offers "$(complete_bash "")" completion && fail "bash offers the hidden completion command"

# Values: states, severities, move targets, roles — and ids and templates from the store.
got=$(complete_bash list --state "" | tr '\n' ' ')
[ "$got" = "open triaged investigating remediating pending-approval accepted closed " ] &&
  pass "bash completes states after --state" || fail "bash --state offered: $got"
got=$(complete_bash move EX-1 "" | tr '\n' ' ')
[ "$got" = "triaged investigating remediating " ] && pass "bash completes move targets" || fail "bash move offered: $got"
offers "$(complete_bash open --severity c)" critical && pass "bash completes severities" || fail "bash does not complete severities"
offers "$(complete_bash member add bob@x --role a)" approver && pass "bash completes roles" || fail "bash does not complete roles"
[ -z "$(complete_bash show "")" ] && pass "outside a store, ids complete to nothing, silently" || fail "ids offered outside a store"

make_user alice alice@acme.example
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
as alice alice@acme.example init >/dev/null
id=$(as alice alice@acme.example open --template leaked-secret --title "token in CI log")
offers "$(complete_bash show "")" "$id" && pass "bash completes ids from the store" || fail "bash does not offer $id"
offers "$(complete_bash show "${id:0:4}")" "$id" && pass "bash completes an id from its prefix" || fail "bash does not complete ${id:0:4}"
offers "$(complete_bash open --template l)" leaked-secret && pass "bash completes templates from the store" || fail "bash does not complete templates"
offers "$(complete_bash assign "$id" "")" alice@acme.example && pass "bash completes member e-mails" || fail "bash does not complete members"
cd "$WORK"
offers "$(complete_bash -C "$repo" show "")" "$id" && pass "bash completes ids of the store named by -C" || fail "-C not honoured by completion"
touch "$WORK/evidence.log"
offers "$(complete_bash attach "$id" evid)" evidence.log && pass "bash completes file names for FILE" || fail "bash does not complete files"

# ---- zsh and fish ----
if command -v zsh >/dev/null; then
  # Without a terminal there is no completion widget: stand in for zsh's _describe and _files.
  got=$(zsh -c 'compdef() { :; }; source "$1"; _describe() { print -l -- "${(@P)4}"; }; _files() { print files; }
    words=(docket a); CURRENT=2; _docket; words=(docket attach X ""); CURRENT=4; _docket' _ "$COMPLETIONS/_docket" | tr '\n' ' ')
  [ "$got" = "assign:Assign an exception to a member attach:Attach evidence files approve:Approve the current request files " ] &&
    pass "zsh: docket a<TAB> offers approve assign attach with descriptions" || fail "zsh offered: $got"
fi
if command -v fish >/dev/null; then
  got=$(fish -c "source '$COMPLETIONS/docket.fish'; complete -C 'docket a'" | cut -f1 | sort | tr '\n' ' ')
  [ "$got" = "approve assign attach " ] && pass "fish: docket a<TAB> offers approve assign attach" || fail "fish offered: $got"
fi
grep -q '^#compdef docket' "$COMPLETIONS/_docket" && grep -q 'completion words' "$COMPLETIONS/_docket" &&
  grep -q '^complete -c docket' "$COMPLETIONS/docket.fish" && grep -q 'completion words' "$COMPLETIONS/docket.fish" &&
  pass "zsh and fish scripts complete through docket completion words" || fail "zsh or fish script is not wired to docket completion words"

# ---- install ----
build=$BIN_DIR
while [ "$build" != / ] && [ ! -f "$build/CMakeCache.txt" ]; do build=$(dirname "$build"); done
if [ -f "$build/CMakeCache.txt" ]; then
  prefix="$WORK/prefix"
  cmake --install "$build" --prefix "$prefix" >"$WORK/install.log" 2>&1 || fail "cmake --install failed: $(tail -5 "$WORK/install.log")"
  version=$("$DOCKET_BIN" --version | awk '{print $2}')
  for f in bin/docket share/man/man1/docket.1 share/man/man1/docket-approve.1 share/man/man5/docket.5 \
    share/bash-completion/completions/docket share/zsh/vendor-completions/_docket share/fish/vendor_completions.d/docket.fish; do
    [ -e "$prefix/$f" ] || fail "cmake --install did not install $f"
  done
  installed_pages=$(ls "$prefix/share/man/man1" | wc -l)
  [ "$installed_pages" -eq "$(ls "$MAN_SRC"/*.1 | wc -l)" ] && pass "cmake --install installs all $installed_pages section-1 pages" ||
    fail "installed $installed_pages section-1 pages"
  grep -qF "\"docket $version\"" "$prefix/share/man/man1/docket-approve.1" && ! grep -rq '@PROJECT_VERSION@' "$prefix/share/man" &&
    pass "installed pages carry version $version from CMake" || fail "installed pages do not carry version $version"
  if command -v man >/dev/null; then
    found=$(MANPATH="$prefix/share/man" man -w docket-approve 2>&1)
    [ "$found" = "$prefix/share/man/man1/docket-approve.1" ] && pass "man -w docket-approve finds the installed page" ||
      fail "man -w docket-approve: $found"
    rendered=$(MANPATH="$prefix/share/man" MANWIDTH=80 man docket-approve 2>/dev/null || true)
    grep -q "docket approve ID" <<<"$rendered" &&
      pass "man docket-approve renders the installed page" || fail "man docket-approve does not render"
  fi
  got=$(PATH="$prefix/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(docket a); COMP_CWORD=1; _docket; echo "${COMPREPLY[@]}"' _ \
    "$prefix/share/bash-completion/completions/docket")
  [ "$got" = "assign attach approve" ] || [ "$(tr ' ' '\n' <<<"$got" | sort | tr '\n' ' ')" = "approve assign attach " ] &&
    pass "the installed bash completion completes docket a<TAB>" || fail "installed bash completion offered: $got"
else
  echo "note: no CMakeCache.txt above $BIN_DIR; install checks skipped"
fi

finish
