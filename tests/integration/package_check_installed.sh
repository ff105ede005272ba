#!/usr/bin/env bash
# Run by test_package.sh on the system docket's .deb was just installed into (a throw-away root,
# or the machine itself): checks what a user gets from `apt-get install ./docket_*.deb`.
# Usage: bash package_check_installed.sh VERSION
set -euo pipefail
version=$1
failures=0
pass() { echo "ok - installed: $*"; }
fail() { echo "not ok - installed: $*" >&2; failures=$((failures + 1)); }

path=$(command -v docket || true)
[ "$path" = /usr/bin/docket ] && pass "docket is /usr/bin/docket on PATH" || fail "docket on PATH is '$path', not /usr/bin/docket"

out=$(docket --version 2>&1) || fail "docket --version failed: $out"
grep -qF -- "$version" <<<"$out" && pass "docket --version prints $version ($out)" ||
  fail "docket --version printed '$out', which does not name version $version"

# man renders the installed, compressed page; its NAME section names the command.
page=$(MANPAGER=cat MANWIDTH=80 man -P cat docket-approve 2>&1) || fail "man docket-approve failed: $page"
if grep -q '^NAME' <<<"$page" && grep -qE '^ +docket-approve +- +' <<<"$page"; then
  pass "man docket-approve renders its NAME section"
else
  fail "man docket-approve did not render a NAME line 'docket-approve - ...': $(head -n 12 <<<"$page")"
fi
page=$(MANPAGER=cat man -P cat 5 docket 2>&1) || fail "man 5 docket failed: $page"
grep -qE '^ +docket +- +' <<<"$page" && pass "man 5 docket renders" || fail "man 5 docket: $(head -n 8 <<<"$page")"

# Bash completion as an interactive shell gets it: bash-completion loads the installed file on
# first use of `docket`; `docket app<TAB>` must offer approve.
reply=$(bash --norc --noprofile -c '
  set +o posix
  source /usr/share/bash-completion/bash_completion
  __load_completion docket || { echo "bash-completion found no completion for docket" >&2; exit 1; }
  spec=$(complete -p docket) || exit 1
  [[ $spec =~ -F\ ([^ ]+) ]] || { echo "complete -p docket names no function: $spec" >&2; exit 1; }
  fn=${BASH_REMATCH[1]}
  COMP_WORDS=(docket app); COMP_CWORD=1; COMP_LINE="docket app"; COMP_POINT=${#COMP_LINE}
  "$fn" docket app docket
  printf "%s\n" "${COMPREPLY[@]}"
' 2>&1) || fail "bash completion could not be loaded: $reply"
grep -qx approve <<<"$reply" && pass "bash completion of 'docket app' offers approve" ||
  fail "bash completion of 'docket app' offered: $reply"

for f in /usr/share/zsh/vendor-completions/_docket /usr/share/fish/vendor_completions.d/docket.fish \
  /usr/share/doc/docket/copyright /usr/share/doc/docket/changelog.gz; do
  [ -f "$f" ] && pass "$f is installed" || fail "$f is not installed"
done

if [ "$failures" -ne 0 ]; then echo "$failures installed check(s) failed" >&2; exit 1; fi
echo "all installed checks passed"
