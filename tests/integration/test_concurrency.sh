#!/usr/bin/env bash
# Eight `docket open` processes at once on one store: eight exceptions, a linear history,
# nothing lost, every commit signed.
source "$(dirname "$0")/lib.sh" "$@"

make_user alice alice@acme.example
repo="$WORK/store"
mkdir -p "$repo" && cd "$repo"
as alice alice@acme.example init >/dev/null

pids=()
for i in 1 2 3 4 5 6 7 8; do
  as alice alice@acme.example open --title "concurrent $i" >"$WORK/open.$i" 2>"$WORK/open.$i.err" &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
[ $status -eq 0 ] && pass "all 8 opens succeeded" || fail "an open failed: $(cat "$WORK"/open.*.err)"

n=$(as alice alice@acme.example list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["exceptions"]))')
[ "$n" = 8 ] && pass "8 exceptions in the store" || fail "$n exceptions in the store"
commits=$(git rev-list --count refs/heads/docket)
[ "$commits" = 9 ] && pass "9 commits (init + 8 opens)" || fail "$commits commits"
merges=$(git rev-list --min-parents=2 --count refs/heads/docket)
[ "$merges" = 0 ] && pass "history is linear" || fail "$merges merge commits"
for i in 1 2 3 4 5 6 7 8; do
  id=$(cat "$WORK/open.$i")
  as alice alice@acme.example show "$id" --json | grep -q "concurrent $i" || fail "open $i ($id) lost"
done
pass "every printed id is in the store with its own title"
verify_all_with_git "$repo" refs/heads/docket
finish
