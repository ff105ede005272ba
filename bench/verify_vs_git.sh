#!/usr/bin/env bash
# Measures docket's signature and rule checking against stock git's signature checking over the
# same store, side by side, and prints figures and ratios.
#   bench/verify_vs_git.sh [DOCKET_BINARY] [COMMITS]
# The baseline is `git log --format=%G?` (git runs ssh-keygen twice per commit); docket verify
# does more per commit (signature, role, replay of the lifecycle rules, evidence hashes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
docket=${1:-$here/../build/release/src/cli/docket}
commits=${2:-300}
[ -x "$docket" ] || { echo "build docket first (bash scripts/demo.sh builds build/release)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/docket-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/home/.gitconfig"
unset DOCKET_REPO DOCKET_REF DOCKET_NOW
mkdir -p "$HOME" "$work/store"
ssh-keygen -q -t ed25519 -N "" -C a@bench.example -f "$HOME/key"
export DOCKET_ACTOR_EMAIL=a@bench.example DOCKET_SIGNING_KEY="$HOME/key"
cd "$work/store"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }

t0=$(now)
"$docket" init >/dev/null
ids=()
for ((i = 0; i < commits - 1; i++)); do
  if ((i % 5 == 0)); then
    ids+=("$("$docket" open --title "bench exception $i" --severity low)")
  else
    "$docket" comment "${ids[$((i % ${#ids[@]}))]}" "note $i" >/dev/null
  fi
done
t1=$(now)
write_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

git show docket:allowed_signers >"$work/allowed_signers"
t2=$(now)
git -c gpg.ssh.allowedSignersFile="$work/allowed_signers" log --format=%G? docket >"$work/git.out"
t3=$(now)
"$docket" verify >"$work/docket.out"
t4=$(now)
git_s=$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')
docket_s=$(awk -v a="$t3" -v b="$t4" 'BEGIN { print b - a }')
n=$(git rev-list --count docket)
good=$(grep -c '^G$' "$work/git.out" || true)

echo "store: $n commits written by docket in ${write_s}s ($(rate "$n" "$write_s") commands/s, one process per command)"
echo "baseline  git log --format=%G?  : ${git_s}s  $(rate "$n" "$git_s") commits/s  ($good of $n good)"
echo "docket    verify                : ${docket_s}s  $(rate "$n" "$docket_s") commits/s  ($(tail -1 "$work/docket.out"))"
echo "ratio     docket / git speed    : $(awk -v g="$git_s" -v d="$docket_s" 'BEGIN { printf "%.1fx", g / d }')"
