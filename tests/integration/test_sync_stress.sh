#!/usr/bin/env bash
# Many CI jobs at once: WRITERS processes each make CHANGES comments on one shared exception,
# spread over SYNCERS clones, while one `docket sync` loop per clone exchanges the store through
# one bare remote. No change may be lost, every clone must converge on the same commit, and the
# history (full of merges) must verify. The normal suite runs 4 x 10 with 2 syncers;
# test_sync_soak.sh runs 8 x 50 with 4 (ctest label `soak`).
source "$(dirname "$0")/lib.sh" "$@"

WRITERS=${SYNC_STRESS_WRITERS:-4}
CHANGES=${SYNC_STRESS_CHANGES:-10}
SYNCERS=${SYNC_STRESS_SYNCERS:-2}
started=$(date +%s)

make_user alice alice@acme.example
A() { as alice alice@acme.example "$@"; }
remote="$WORK/remote.git"
git init -q --bare "$remote"

mkdir -p "$WORK/c1" && cd "$WORK/c1"
A init >/dev/null
git remote add origin "$remote"
shared=$(A open --title "shared by every CI job")
A sync >/dev/null
for s in $(seq 2 "$SYNCERS"); do
  git clone -q "$remote" "$WORK/c$s" 2>/dev/null
  (cd "$WORK/c$s" && A sync >/dev/null)
done
pass "$SYNCERS clones share the store"

syncers=()
# Syncers: one loop per clone until the writers are done. A sync that gives up under contention
# (exit 5) is allowed here; the final rounds below must succeed.
for s in $(seq 1 "$SYNCERS"); do
  (
    cd "$WORK/c$s"
    n=0
    while [ ! -e "$WORK/writers-done" ]; do
      status=0
      A sync >/dev/null 2>>"$WORK/sync-$s.err" || status=$?
      n=$((n + 1))
      [ "$status" -eq 0 ] || [ "$status" -eq 5 ] || { echo "sync exit $status" >>"$WORK/sync-$s.fatal"; exit 1; }
    done
    echo "$n" >"$WORK/sync-$s.rounds"
  ) &
  syncers+=($!)
done

writers=()
for w in $(seq 1 "$WRITERS"); do
  (
    cd "$WORK/c$(((w - 1) % SYNCERS + 1))"
    for j in $(seq 1 "$CHANGES"); do
      A comment "$shared" "w$w-$j" >/dev/null 2>>"$WORK/writer-$w.err" || { echo "w$w-$j failed" >>"$WORK/writer-$w.fatal"; exit 1; }
    done
  ) &
  writers+=($!)
done
status=0
for p in "${writers[@]}"; do wait "$p" || status=1; done
[ $status -eq 0 ] && pass "$WRITERS writers made $CHANGES changes each" || fail "a writer failed: $(cat "$WORK"/writer-*.fatal "$WORK"/writer-*.err 2>/dev/null | head -5)"
touch "$WORK/writers-done"
status=0
for p in "${syncers[@]}"; do wait "$p" || status=1; done
[ $status -eq 0 ] && pass "sync loops ran without hard failures ($(cat "$WORK"/sync-*.rounds | awk '{s+=$1} END {print s}') syncs)" ||
  fail "a sync loop failed: $(cat "$WORK"/sync-*.fatal "$WORK"/sync-*.err 2>/dev/null | head -5)"

# Converge: two rounds over every clone, one at a time.
for round in 1 2; do
  for s in $(seq 1 "$SYNCERS"); do
    (cd "$WORK/c$s" && A sync >/dev/null 2>"$WORK/final.err") || fail "final sync round $round in c$s: $(cat "$WORK/final.err")"
  done
done
tip=$(ref_of "$WORK/c1" refs/heads/docket)
same=1
for s in $(seq 1 "$SYNCERS"); do [ "$(ref_of "$WORK/c$s" refs/heads/docket)" = "$tip" ] || same=0; done
[ "$(ref_of "$remote" refs/heads/docket)" = "$tip" ] || same=0
[ $same -eq 1 ] && pass "every clone and the remote converge on one commit" || fail "clones differ after converging"

cd "$WORK/c1"
A show "$shared" --json | python3 -c '
import json, sys
texts = [c["text"] for c in json.load(sys.stdin)["exception"]["comments"]]
want = {"w%d-%d" % (w, j) for w in range(1, int(sys.argv[1]) + 1) for j in range(1, int(sys.argv[2]) + 1)}
missing = want - set(texts)
dupes = len(texts) - len(set(texts))
print(len(texts), len(missing), dupes)
' "$WRITERS" "$CHANGES" >"$WORK/count"
read -r total missing dupes <"$WORK/count"
[ "$missing" = 0 ] && pass "no change lost: all $((WRITERS * CHANGES)) comments present ($total in total)" || fail "$missing comments lost"
[ "$dupes" = 0 ] && pass "no comment duplicated" || fail "$dupes duplicated comments"
merges=$(git rev-list --min-parents=2 --count refs/heads/docket)
commits=$(git rev-list --count refs/heads/docket)
pass "history: $commits commits, $merges merges"
expect_status 0 "docket verify passes on the merged history" A verify
expect_contains "$OUT" "0 violations" "verify reports no violation"
echo "elapsed: $(($(date +%s) - started)) s for $WRITERS x $CHANGES changes with $SYNCERS syncers"
finish
