#!/usr/bin/env bash
# Trust gate cost: how long docket takes to verify the one new commit a command finds on top of
# the last verified tip, and how long a full `docket verify` of the whole history takes, each
# beside stock git checking the same commits' signatures (`git verify-commit`, `git log
# --format=%G?`). Prints medians and ratios.
#   bench/verify_incremental.sh [DOCKET_BINARY] [COMMITS]     (default 10000 commits)
# Installs hyperfine (Debian) when it is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
docket=${1:-$here/../build/release/src/cli/docket}
commits=${2:-10000}
[ -x "$docket" ] || { echo "build docket first (bash scripts/demo.sh builds build/release)" >&2; exit 2; }
docket=$(cd "$(dirname "$docket")" && pwd)/$(basename "$docket")
if ! command -v hyperfine >/dev/null; then
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq hyperfine >/dev/null || { "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq hyperfine >/dev/null; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/docket-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/home/.gitconfig"
unset DOCKET_REPO DOCKET_REF DOCKET_NOW
mkdir -p "$HOME" "$work/store"
ssh-keygen -q -t ed25519 -N "" -C a@bench.example -f "$HOME/key"
export DOCKET_ACTOR_EMAIL=a@bench.example DOCKET_SIGNING_KEY="$HOME/key"
cd "$work/store"

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.4f" % x["median"] for x in r))' "$1"; }

echo "# building a history of $commits commits through docket (one process per command)…"
t0=$(date +%s.%N)
"$docket" init >/dev/null
ids=()
for ((i = 0; i < commits - 1; i++)); do
  if ((i % 20 == 0)); then
    ids+=("$("$docket" open --title "bench exception $i" --severity low)")
  else
    "$docket" comment "${ids[$((i % ${#ids[@]}))]}" "note $i" >/dev/null
  fi
done
echo "# built $(git rev-list --count docket) commits in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }') s"
git show docket:allowed_signers >"$work/allowed_signers"
git config gpg.ssh.allowedSignersFile "$work/allowed_signers"
tip=$(git rev-parse docket)
parent=$(git rev-parse docket~1)
id=${ids[0]}

# 1. Incremental: `docket show` with the verified tip one commit behind (it verifies that one
# commit first) against the same command with nothing new to verify, and stock git checking
# that one commit's signature.
hyperfine -N --warmup 3 --runs 30 --export-json "$work/inc.json" \
  --prepare "git config docket.refs/heads/docket.verifiedtip $parent" -n "docket show, 1 new commit to verify" "$docket show $id" \
  --prepare "git config docket.refs/heads/docket.verifiedtip $tip" -n "docket show, nothing new" "$docket show $id" \
  --prepare "true" -n "git verify-commit (1 commit)" "git verify-commit $tip" >/dev/null
read -r inc_one inc_none git_one < <(median "$work/inc.json")

# 2. Full: docket verify of the whole history against git log --format=%G? over it.
hyperfine -N --warmup 1 --runs 5 --export-json "$work/full_docket.json" -n "docket verify" "$docket verify" >/dev/null
# One run of the baseline (it takes minutes at 10,000 commits), timed here so its output can be
# counted too.
t0=$(date +%s.%N)
git log --format=%G? docket >"$work/git.out"
full_git=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
full_docket=$(median "$work/full_docket.json")
good=$(grep -c '^G$' "$work/git.out" || true)

n=$(git rev-list --count docket)
awk -v n="$n" -v one="$inc_one" -v none="$inc_none" -v g1="$git_one" -v fd="$full_docket" -v fg="$full_git" -v good="$good" 'BEGIN {
  printf "history: %d commits (%d with a good signature for git)\n", n, good
  printf "incremental  docket show, 1 new commit  : %7.1f ms   (same command, nothing new: %.1f ms; the check itself: %.1f ms)\n", one * 1000, none * 1000, (one - none) * 1000
  printf "baseline     git verify-commit, 1 commit: %7.1f ms   ratio git / docket check: %.1fx\n", g1 * 1000, g1 / ((one - none) > 0 ? (one - none) : 0.0001)
  printf "full         docket verify              : %7.2f s   %8.0f commits/s\n", fd, n / fd
  printf "baseline     git log --format=%%G?       : %7.2f s   %8.0f commits/s\n", fg, n / fg
  printf "ratio        git / docket (full)        : %.1fx\n", fg / fd
}'
