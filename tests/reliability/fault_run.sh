#!/usr/bin/env bash
# The long randomized fault run (issue 15): three rights-svc replicas on one MariaDB, writers,
# readers on every replica and faults all the while, then the checker over the history
# (tests/reliability/revocation_fault_test.cc). The test command runs the same test for 40 s.
#   bash tests/reliability/fault_run.sh [seconds=300] [seed]
# Needs the test stack's build and secrets: run deploy/local/test.sh once first (it builds
# build/test and makes .run/test); this script starts the test stack if it is not running.
set -euo pipefail
STACK_PROFILE=test
source "$(dirname "$0")/../../deploy/local/lib.sh"
export STACK_FAULT_SECONDS="${1:-300}"
[ -n "${2:-}" ] && export STACK_FAULT_SEED="$2"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
BIN="$BUILD_DIR/tests/revocation_fault_test"
[ -x "$BIN" ] || { echo "no $BIN: run deploy/local/test.sh first" >&2; exit 2; }
# The private stack reads the test stack's dev IdP key and operator token.
if ! db_root -e 'DO 1' >/dev/null 2>&1; then stack_up; trap 'stack_down >/dev/null 2>&1 || true' EXIT; fi
"$BIN" --gtest_filter='RevocationFaultTest.*'
