#!/usr/bin/env bash
# The full "many CI jobs" load: 8 writers x 50 changes on one store, 4 syncers through one
# remote. Slow on a small machine, so ctest labels it `soak` (ctest -L soak / -LE soak).
SYNC_STRESS_WRITERS=8 SYNC_STRESS_CHANGES=50 SYNC_STRESS_SYNCERS=4 exec bash "$(dirname "$0")/test_sync_stress.sh" "$@"
