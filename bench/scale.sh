#!/usr/bin/env bash
# Where docket's time goes at scale (docs/design.md, "Measuring"):
# for each size N, builds a store through docket itself (`init`, then `ingest sarif` of N
# generated findings) and times each command beside stock git doing the nearest equivalent work:
#   ingest (one run)              git add -A && git commit -S of the same files, in a checkout
#   list, list --json, check,     git ls-tree -r docket; git archive docket (every record's
#     report --format json, show    bytes); git show docket:PATH
#   open, comment, assign         one file changed in the checkout: git add F && git commit -S
#   --version                     git --version
#   .git after init + ingest      a copy of it after git gc --aggressive
# Prints one Markdown table per size and a summary: medians (hyperfine), peak RSS (one
# /usr/bin/time run), ratio = baseline time / docket time (above 1: docket is faster).
# Asserts no timings: exits non-zero only when a command fails.
#   bench/scale.sh [--quick] [DOCKET_BINARY] [SIZES...]   (default sizes 1000 10000 100000)
# --quick (or DOCKET_BENCH_QUICK=1) runs each command 3 times after the peak-RSS run, for the
# ctest smoke run (`bench.scale_smoke`); otherwise 1 more warm-up and at least 5 runs. The git
# baseline repository has gc.auto=0, so git, like docket, never packs during the runs.
# Installs hyperfine and GNU time (Debian) when they are missing.
set -Eeuo pipefail
shopt -s inherit_errexit   # a failure inside $(...) stops the script too
trap 'echo "scale.sh: line $LINENO: a command failed (exit $?)" >&2' ERR
here=$(cd "$(dirname "$0")" && pwd)
quick=${DOCKET_BENCH_QUICK:-0}
if [ "${1:-}" = --quick ]; then quick=1; shift; fi
docket=${1:-$here/../build/release/src/cli/docket}
[ $# -gt 0 ] && shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
for n in "${sizes[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "scale.sh: a size is a positive number of records, not '$n'" >&2; exit 2; }
done
[ -x "$docket" ] || { echo "build docket first (bash scripts/demo.sh builds build/release)" >&2; exit 2; }
docket=$(cd "$(dirname "$docket")" && pwd)/$(basename "$docket")

missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null || { "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

# The peak-RSS run before each hyperfine run is a warm-up already.
if [ "$quick" = 1 ]; then runs=(--warmup 0 --runs 3); else runs=(--warmup 1 --min-runs 5); fi

work=$(mktemp -d "${TMPDIR:-/tmp}/docket-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/home/.gitconfig"
unset DOCKET_REPO DOCKET_REF DOCKET_NOW
mkdir -p "$HOME"
ssh-keygen -q -t ed25519 -N "" -C a@bench.example -f "$HOME/key"
export DOCKET_ACTOR_EMAIL=a@bench.example DOCKET_SIGNING_KEY="$HOME/key"
email=a@bench.example
results="$work/results.tsv"   # size, kind, label, docket s, docket KiB, baseline label, baseline s, baseline KiB
: >"$results"

say() { echo "# $*" >&2; }
now_ns() { date +%s%N; }
# medians FILE: the median seconds of each command of a hyperfine --export-json file, in order.
medians() { python3 -c 'import json,sys; print(" ".join("%.6f" % r["median"] for r in json.load(open(sys.argv[1]))["results"]))' "$1"; }
# rss CMD...: peak resident set size in KiB of one run of CMD, its output thrown away.
rss() { /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null; tail -n 1 "$work/rss"; }
# peak CMD...: appends rss CMD... to the caller's array k (one substitution, so a failure stops).
peak() { k+=("$(rss "$@")"); }
row() { (IFS=$'\t'; echo "$*") >>"$results"; }

# sarif N: a SARIF 2.1.0 log of one run with N distinct findings (distinct fingerprints, rules,
# levels, locations) on stdout.
sarif() {
  python3 - "$1" <<'EOF'
import hashlib, json, sys
n = int(sys.argv[1])
levels = ["error", "warning", "note"]
results = [{
    "ruleId": "bench-rule-%d" % (i % 17),
    "level": levels[i % 3],
    "message": {"text": "bench finding %d" % i},
    "locations": [{"physicalLocation": {
        "artifactLocation": {"uri": "src/module%d/file%d.py" % (i % 97, i)},
        "region": {"startLine": 1 + i % 500}}}],
    "partialFingerprints": {"primaryLocationLineHash": hashlib.sha256(b"bench-%d" % i).hexdigest()[:32]},
} for i in range(n)]
json.dump({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "BenchScan", "version": "1.0"}}, "results": results}]},
          sys.stdout)
EOF
}

bench_size() {
  local n=$1 dir="$work/$1"
  local store="$dir/store" base="$dir/base"
  mkdir -p "$store"
  sarif "$n" >"$dir/findings.sarif"

  # 1. Build the store through docket: init, then one ingest of N findings (timed once).
  say "$n: init and ingest sarif of $n findings"
  cd "$store"
  "$docket" init >/dev/null
  # The git baseline: a non-bare clone of the store as init left it, its docket branch checked
  # out (init leaves HEAD off the store's ref), signing as git does.
  git clone -q -b docket "$store" "$base"
  git -C "$base" config user.email "$email"
  git -C "$base" config user.name bench
  git -C "$base" config gpg.format ssh
  git -C "$base" config user.signingkey "$HOME/key"
  git -C "$base" config gc.auto 0
  local t0 t1 ingest_s ingest_kib
  t0=$(now_ns)
  /usr/bin/time -f %M -o "$work/rss" "$docket" ingest sarif "$dir/findings.sarif" >/dev/null
  t1=$(now_ns)
  ingest_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
  ingest_kib=$(tail -n 1 "$work/rss")
  local records
  records=$(git ls-tree -r --name-only docket exceptions | wc -l)
  [ "$records" -eq "$n" ] || { echo "scale.sh: ingest of $n findings left $records records" >&2; exit 1; }

  # Storage as the build left it, and a copy after git gc --aggressive.
  local loose loose_kib disk_kib apparent gc_disk_kib gc_apparent
  loose=$(git count-objects -v | awk '$1 == "count:" { print $2 }')
  loose_kib=$(git count-objects -v | awk '$1 == "size:" { print $2 }')
  disk_kib=$(du -sk .git | cut -f1)
  apparent=$(du -sb .git | cut -f1)
  cp -a .git "$dir/gc.git"
  git --git-dir="$dir/gc.git" gc -q --aggressive
  gc_disk_kib=$(du -sk "$dir/gc.git" | cut -f1)
  gc_apparent=$(du -sb "$dir/gc.git" | cut -f1)
  rm -rf "$dir/gc.git"

  # Baseline ingest: the same record files, as plain files in the checkout, added and committed.
  say "$n: baseline, git add -A && git commit -S of the same $n files"
  git archive docket | tar -x -C "$base"
  cd "$base"
  t0=$(now_ns)
  /usr/bin/time -f %M -o "$work/rss" sh -c "git add -A && git commit -q -S -m 'ingest $n'"
  t1=$(now_ns)
  local git_ingest_s git_ingest_kib
  git_ingest_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
  git_ingest_kib=$(tail -n 1 "$work/rss")
  [ "$(git rev-parse HEAD^{tree})" = "$(git -C "$store" rev-parse docket^{tree})" ] ||
    say "$n: note: the baseline's tree differs from docket's (same files expected)"
  row "$n" ingest "\`ingest sarif\` ($n findings, one run)" "$ingest_s" "$ingest_kib" \
    "\`git add -A\` + \`git commit -S\` of the same files" "$git_ingest_s" "$git_ingest_kib"
  row "$n" storage ".git after init + ingest" "$disk_kib" "$apparent" "the same after \`git gc --aggressive\`" \
    "$gc_disk_kib" "$gc_apparent" "$loose" "$loose_kib"

  # One record to read and write: the first one in the tree.
  local path id
  path=$(git -C "$store" ls-tree -r --name-only docket exceptions | awk 'NR == 1')
  id=$(basename "$path" .yaml)

  # 2. Warm reads. The peak-RSS runs come first and warm the caches; then docket and git in one
  # hyperfine run, so the medians are side by side.
  say "$n: warm reads"
  cd "$store"
  local k=()
  peak "$docket" list; peak "$docket" list --json; peak "$docket" check
  peak "$docket" report --format json; peak "$docket" show "$id"
  peak git ls-tree -r docket; peak git archive docket; peak git show "docket:$path"
  hyperfine -N "${runs[@]}" --export-json "$dir/reads.json" \
    "$docket list" "$docket list --json" "$docket check" "$docket report --format json" "$docket show $id" \
    "git ls-tree -r docket" "git archive docket" "git show docket:$path" >/dev/null
  local m
  read -r -a m < <(medians "$dir/reads.json")
  local archive="\`git archive docket\`"
  row "$n" time "\`list\` (warm)" "${m[0]}" "${k[0]}" "\`git ls-tree -r docket\`" "${m[5]}" "${k[5]}"
  row "$n" time "\`list --json\` (warm)" "${m[1]}" "${k[1]}" "$archive (every record's bytes)" "${m[6]}" "${k[6]}"
  row "$n" time "\`check\` (warm)" "${m[2]}" "${k[2]}" "$archive" "${m[6]}" "${k[6]}"
  row "$n" time "\`report --format json\` (warm)" "${m[3]}" "${k[3]}" "$archive" "${m[6]}" "${k[6]}"
  row "$n" time "\`show ID\` (warm)" "${m[4]}" "${k[4]}" "\`git show docket:PATH\`" "${m[7]}" "${k[7]}"

  # 3. One-change writes: each run is one signed commit (open adds a record per run). The git
  # baseline changes one record file in its checkout and commits it; it needs a shell, so this
  # hyperfine run goes through one (hyperfine subtracts the shell's start-up) for both sides.
  say "$n: one-change writes"
  local gitwrite="printf 'x\\n' >>'$base/$path' && git -C '$base' add '$path' && git -C '$base' commit -q -S -m x"
  k=()
  peak "$docket" open --title x; peak "$docket" comment "$id" x; peak "$docket" assign "$id" "$email"
  peak sh -c "$gitwrite"
  hyperfine "${runs[@]}" --export-json "$dir/writes.json" \
    "$docket open --title x" "$docket comment $id x" "$docket assign $id $email" "$gitwrite" >/dev/null
  read -r -a m < <(medians "$dir/writes.json")
  local one="one file changed: \`git add F\` + \`git commit -S\`"
  row "$n" time "\`open --title x\`" "${m[0]}" "${k[0]}" "$one" "${m[3]}" "${k[3]}"
  row "$n" time "\`comment ID x\`" "${m[1]}" "${k[1]}" "same" "${m[3]}" "${k[3]}"
  row "$n" time "\`assign ID EMAIL\`" "${m[2]}" "${k[2]}" "same" "${m[3]}" "${k[3]}"

  # 4. Process start-up.
  say "$n: start-up"
  k=()
  peak "$docket" --version; peak git --version
  hyperfine -N "${runs[@]}" --export-json "$dir/version.json" "$docket --version" "git --version" >/dev/null
  read -r -a m < <(medians "$dir/version.json")
  row "$n" time "\`docket --version\`" "${m[0]}" "${k[0]}" "\`git --version\`" "${m[1]}" "${k[1]}"

  cd "$work"
  rm -rf "$dir"
  report size "$n"
}

# report size N: the Markdown table for size N; report summary: one row per command, one column
# per size, with RSS, baseline and ratio at the largest size.
report() {
  python3 - "$results" "$@" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
mode, args = sys.argv[2], sys.argv[3:]

def t(s):
    s = float(s)
    return "%.2f s" % s if s >= 1 else ("%.0f ms" % (s * 1e3) if s >= 0.1 else "%.1f ms" % (s * 1e3))
def mib(kib):
    m = int(kib) / 1024
    return "%.0f MiB" % m if m >= 10 else "%.1f MiB" % m
def mb(kib):
    return "%.1f MB" % (int(kib) * 1024 / 1e6)
def ratio(base, docket):
    return "%.2fx" % (float(base) / float(docket)) if float(docket) > 0 else "-"
def num(x):
    return "{:,}".format(int(x))

def cells(r):
    """docket figure, its RSS, baseline label, baseline figure, baseline RSS, ratio"""
    size, kind, label = r[0], r[1], r[2]
    if kind == "storage":
        disk, apparent, blabel, gdisk, gapparent, loose, loose_kib = r[3:10]
        return (label, "%s on disk (%s), %s loose objects" % (mb(disk), mb(int(apparent) // 1024), num(loose)), "",
                blabel, "%s on disk (%s)" % (mb(gdisk), mb(int(gapparent) // 1024)), "", ratio(gdisk, disk))
    d, dk, blabel, b, bk = r[3:8]
    fig = t(d)
    if kind == "ingest":
        fig += ", %s findings/s" % num(round(int(size) / float(d)))
    return (label, fig, mib(dk), blabel, t(b), mib(bk), ratio(b, d))

if mode == "size":
    n = args[0]
    print()
    print("## %s records" % num(n))
    print()
    print("| command | docket | peak RSS | baseline | baseline time | baseline RSS | ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        if r[0] == n:
            print("| " + " | ".join(cells(r)) + " |")
else:
    key = lambda r: r[2].replace(" (%s findings, one run)" % r[0], " (one run)")
    sizes = list(dict.fromkeys(r[0] for r in rows))
    labels = list(dict.fromkeys(key(r) for r in rows))
    last = sizes[-1]
    print()
    print("## Summary (ratio = baseline time / docket time, or size / size for storage)")
    print()
    print("| command | " + " | ".join(num(s) for s in sizes) + " | baseline at %s | ratio at %s |" % (num(last), num(last)))
    print("|---" * (len(sizes) + 3) + "|")
    for label in labels:
        line, base, rat = [label], "", ""
        for s in sizes:
            match = [r for r in rows if r[0] == s and key(r) == label]
            if not match:
                line.append("")
                continue
            c = cells(match[0])
            line.append(c[1] + (", " + c[2] if s == last and c[2] else ""))
            if s == last:
                base, rat = "%s: %s" % (c[3], c[4]), c[6]
        print("| " + " | ".join(line + [base, rat]) + " |")
EOF
}

say "docket $("$docket" --version | awk '{ print $NF }'), $(git --version), $(hyperfine --version), $(nproc) cores, sizes ${sizes[*]}$([ "$quick" = 1 ] && echo ', quick')"
for n in "${sizes[@]}"; do
  bench_size "$n"
done
report summary
