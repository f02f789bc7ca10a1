#!/usr/bin/env bash
# THE TEST COMMAND: the same set-up as up.sh, on a separate test stack (ports +10000, .run/test),
# built with AddressSanitizer + UndefinedBehaviorSanitizer and warnings as errors; then buf lint,
# every ctest label (unit, integration, e2e), the pages in Chromium, bounded fuzzing and the
# ThreadSanitizer tests.
# Prints how long each phase took.
#   STACK_SANITIZE=""  builds without sanitizers;  STACK_KEEP=1 leaves the test stack running.
STACK_PROFILE=test
source "$(dirname "$0")/lib.sh"
SANITIZE="${STACK_SANITIZE-address,undefined}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

T0=$(date +%s)
phase_start "install packages"; ensure_packages "${TEST_PACKAGES[@]}"; phase_end
phase_start "buf lint"; (cd "$ROOT" && "$BUF" lint proto); phase_end
# The sanitizer trees build at -O1 with line tables only (-g1): the level AddressSanitizer's
# documentation recommends, and enough for symbolized reports; it compiles in about 55 % of the
# time of -O2 -g (docs/architecture.md, "Build time"). The run command's tree keeps -O2 -g.
TEST_FLAGS="-O1 -g1 -DNDEBUG"
phase_start "build (sanitize=${SANITIZE:-none})"
build_tree -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$TEST_FLAGS" \
  -DWSE_BUILD_TESTS=ON -DWSE_WERROR=ON -DWSE_SANITIZE="$SANITIZE"
phase_end
phase_start "build pages (web/)"; build_web; phase_end

# A fresh test database each run: tests must not depend on leftovers.
phase_start "start test stack"
stack_down >/dev/null 2>&1 || true
rm -rf "$RUN_DIR"
stack_up
phase_end
[ "${STACK_KEEP:-0}" = 1 ] || trap 'stack_down >/dev/null 2>&1 || true' EXIT

# One ctest run over every label (unit, integration, e2e, in that order); ctest's own
# "Label Time Summary" gives the time per label.
status=0
phase_start "ctest (unit, integration, e2e)"
(cd "$BUILD_DIR" && ctest --output-on-failure --timeout 300 -j1) || status=1
phase_end

# The pages in a real browser: Debian's Chromium, headless, driven by puppeteer-core; the seed
# story clicked through as the user and the local administrator, the mails read from the sink,
# a screenshot of every step in $RUN_DIR/browser (web/tests/README.md).
phase_start "browser (Chromium)"
(cd "$WEB" && node --test --test-reporter=spec dist/tests/*.test.mjs) || status=1
phase_end

# Fuzzers (build/fuzz: clang, libFuzzer, ASan+UBSan), 10 s each on the committed seeds; a longer
# run is documented in docs/reliability.md.
phase_start "fuzz (libFuzzer, bounded)"
bash "$ROOT/fuzz/run.sh" || status=1
phase_end

# ThreadSanitizer on the concurrency-heavy tests only (build/tsan), against the test stack's
# MariaDB: the outbox relays, the MySQL pool and notify's claiming workers.
phase_start "ThreadSanitizer (concurrency tests)"
flock /tmp/wse-build.lock cmake -S "$ROOT" -B "$ROOT/build/tsan" -G "Unix Makefiles" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$TEST_FLAGS" \
  -DWSE_BUILD_TESTS=ON -DWSE_WERROR=OFF -DWSE_SANITIZE=thread >/dev/null
flock /tmp/wse-build.lock cmake --build "$ROOT/build/tsan" -j"${STACK_JOBS:-2}" \
  --target tsan_common_test tsan_notify_repository_test tsan_rights_cache_test
(cd "$ROOT/build/tsan" && ctest --output-on-failure -L tsan \
  -R 'tsan_(common|notify_repository|rights_cache)_test') || status=1
phase_end
print_phases
echo "total: $(($(date +%s) - T0))s"
exit $status
