#!/usr/bin/env bash
# Builds the libFuzzer fuzzers (build/fuzz, clang, ASan+UBSan) and runs each for FUZZ_SECONDS
# (default 10) on its committed seed corpus, as ctest label `fuzz`. A finding fails the run and
# leaves its input in build/fuzz/findings/.
#   bash fuzz/run.sh                      # the bounded run of the test command
#   FUZZ_SECONDS=900 bash fuzz/run.sh     # a longer run (docs/reliability.md)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${FUZZ_BUILD_DIR:-$ROOT/build/fuzz}"
flock /tmp/wse-build.lock cmake -S "$ROOT/fuzz" -B "$BUILD" -G "Unix Makefiles" \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFUZZ_SECONDS="${FUZZ_SECONDS:-10}" >/dev/null
flock /tmp/wse-build.lock cmake --build "$BUILD" -j"${STACK_JOBS:-2}"
cd "$BUILD" && ctest --output-on-failure -L fuzz -j"${STACK_JOBS:-2}" "$@"
