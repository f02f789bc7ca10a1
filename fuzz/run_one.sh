#!/usr/bin/env bash
# run_one.sh <fuzzer> <seconds> <seed-corpus-dir> <findings-dir>: one bounded libFuzzer run.
# New inputs go to a scratch folder (the committed seeds are only read); a crash, leak, timeout or
# sanitizer report leaves its input in <findings-dir> and fails the run.
set -euo pipefail
fuzzer=$1 seconds=$2 seeds=$3 findings=$4
name=$(basename "$fuzzer")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$findings"
log="$findings/$name.log"
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 -artifact_prefix="$findings/$name-" "$scratch" "$seeds" >"$log" 2>&1 ||
  status=$?
grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$log" || true
if [ "$status" -ne 0 ]; then
  echo "$name FAILED (exit $status); the input is in $findings/, the log in $log:" >&2
  tail -n 60 "$log" >&2
fi
exit "$status"
