#!/usr/bin/env bash
# THE BENCHMARK COMMAND (issue 8): builds a Release tree (build/bench, no sanitizers), starts or
# reuses a stack of its own (profile "bench": ports +5000, .run/bench), runs every workload of
# wse-load at concurrency 1, 16 and 64 in BENCH_REPS interleaved rounds (so noise hits the
# workloads and their baselines alike), then the memory run, and writes
#   bench/results/latest.md    the table: medians over the rounds, ratio to the baseline, targets
#   bench/results/latest.csv   the same figures as CSV
#   bench/results/runs.csv     every single run;  bench/results/rss.csv  the memory samples
# Settings (environment):
#   BENCH_REPS=3  BENCH_DURATION=5s  BENCH_WARMUP=1s  BENCH_CONCURRENCY="1,16,64"
#   BENCH_WORKLOADS="echo mysql-insert select verify check ext-authz confirm bulk story mail"
#   BENCH_SOAK=600s (memory run under load; 0 skips it)  BENCH_SOAK_CONCURRENCY=16
#   BENCH_ACCESS_TOKEN_TTL=2m  identity-svc's --access_token_ttl on the bench stack
#   BENCH_README=1   also replace the "Performance" section of README.md with the table
#   BENCH_KEEP=1     leave the bench stack running (default: stop it, delete .run/bench)
#   BENCH_WAIT_QUIET=900  seconds to wait for other builds (cc1plus) to finish before a workload
#   BENCH_MAX_FOREIGN_CPU=0.15  a workload is measured again once when processes outside the
#                    stack used more than this share of the CPU meanwhile (shared machines)
# The cost of the gRPC metrics (issue 17: CheckPermission within 5 % of its figure without):
#   bench/run.sh metrics-cost [rounds=5]
#     rights-svc restarted with and without --metrics_listen (without: no interceptors), in
#     interleaved rounds, CheckPermission and echo at concurrency 64 in each; prints the medians
#     of CheckPermission / echo for both and the difference -> bench/results/metrics-cost.txt
# Profiling a workload instead (perf, or valgrind --tool=callgrind if perf is missing; either is
# installed with apt when neither is there):
#   bench/run.sh profile <workload> <service> [concurrency] [seconds]
#     e.g. bench/run.sh profile check rights 64 10  -> bench/results/profile-check-rights.txt
export STACK_PROFILE=bench
export STACK_PORT_BASE="${STACK_PORT_BASE:-5000}"
# Access tokens live 2 minutes on the bench stack (10 by default): the services cache each
# verified token for its lifetime, so only a memory run longer than that lifetime shows whether
# memory levels off or keeps growing.
export STACK_ACCESS_TOKEN_TTL="${BENCH_ACCESS_TOKEN_TTL:-2m}"
HERE="$(cd "$(dirname "$0")" && pwd)"
export STACK_BUILD_DIR="${STACK_BUILD_DIR:-$(cd "$HERE/.." && pwd)/build/bench}"
source "$HERE/../deploy/local/lib.sh"

REPS="${BENCH_REPS:-3}"
DURATION="${BENCH_DURATION:-5s}"
WARMUP="${BENCH_WARMUP:-1s}"
CONCURRENCY="${BENCH_CONCURRENCY:-1,16,64}"
WORKLOADS="${BENCH_WORKLOADS:-echo mysql-insert select verify check ext-authz confirm bulk story mail}"
SOAK="${BENCH_SOAK:-600s}"
SOAK_CONCURRENCY="${BENCH_SOAK_CONCURRENCY:-16}"
WAIT_QUIET="${BENCH_WAIT_QUIET:-900}"
MAX_FOREIGN="${BENCH_MAX_FOREIGN_CPU:-0.15}"
RESULTS="$ROOT/bench/results"
LOAD="$BUILD_DIR/bench/wse-load"
ECHO_PORT=$((50059 + STACK_PORT_BASE))
NOISE=""

# The load generator's "gateway" is nginx's gRPC listener, the production-shaped gateway (Envoy is
# one process there). The local front door on STACK_GATEWAY_PORT adds a byte pipe for plain gRPC
# that production does not have (web/README.md: about a quarter fewer calls per second for a
# cheap call on this machine).
load() { STACK_GATEWAY_PORT="$STACK_GRPC_GATEWAY_PORT" "$LOAD" "$@"; }

build_bench() {
  flock /tmp/wse-build.lock cmake -S "$ROOT" -B "$BUILD_DIR" -G "Unix Makefiles" \
    -DCMAKE_BUILD_TYPE=Release -DWSE_BUILD_TESTS=ON -DWSE_BUILD_BENCH=ON -DWSE_WERROR=ON \
    -DWSE_SANITIZE= >/dev/null
  # Only what the suite runs (not the test binaries).
  flock /tmp/wse-build.lock cmake --build "$BUILD_DIR" -j"${STACK_JOBS:-2}" --target \
    identity-svc rights-svc registration-svc notify-svc wse-dev-idp wse-echo-server wse-load
}

start_stack() {
  # Reuse what runs, but restart a service whose binary was rebuilt since it started.
  for svc in "${SERVICES[@]}"; do
    if pid_alive "$RUN_DIR/pids/$svc-svc.pid" &&
       [ "$BUILD_DIR/$svc-svc/$svc-svc" -nt "$RUN_DIR/pids/$svc-svc.pid" ]; then
      stop_pidfile "$RUN_DIR/pids/$svc-svc.pid"
    fi
  done
  stack_up
  local pidfile="$RUN_DIR/pids/echo.pid"
  if pid_alive "$pidfile" && [ "$BUILD_DIR/tests/wse-echo-server" -nt "$pidfile" ]; then
    stop_pidfile "$pidfile"
  fi
  if ! pid_alive "$pidfile"; then
    # --bare: the callback API and nothing else (the fastest unary server gRPC C++ offers here).
    nohup "$BUILD_DIR/tests/wse-echo-server" --bare --listen="127.0.0.1:$ECHO_PORT" \
      >>"$RUN_DIR/logs/echo-server.log" 2>&1 &
    echo $! >"$pidfile"
  fi
  for _ in $(seq 1 80); do
    (exec 3<>"/dev/tcp/127.0.0.1/$ECHO_PORT") 2>/dev/null && return 0
    sleep 0.25
  done
  echo "wse-echo-server did not start; see $RUN_DIR/logs/echo-server.log" >&2
  return 1
}

stop_all() {
  stop_pidfile "$RUN_DIR/pids/echo.pid" 10
  stack_down >/dev/null 2>&1 || true
}

# Waits while another build compiles on this machine (it would skew the figures); false when it
# waited in vain.
BUILDERS='^(cc1plus|cc1|clang|clang\+\+|clang-tidy|ld|ld\.gold|collect2|lto1)$'
wait_quiet() {
  local waited=0
  while pgrep "$BUILDERS" >/dev/null 2>&1; do
    if [ "$waited" -ge "$WAIT_QUIET" ]; then
      echo "    (a build is still running; measuring $1 anyway)"
      return 1
    fi
    [ "$waited" -eq 0 ] && echo "    waiting for another build ($(pgrep -l "$BUILDERS" | awk '{print $2}' | sort -u | tr '\n' ' ')) to finish..."
    sleep 5
    waited=$((waited + 5))
  done
}

# Touches $1 as soon as a build starts (run in the background during a measurement).
watch_builds() {
  while ! pgrep "$BUILDERS" >/dev/null 2>&1; do sleep 1; done
  touch "$1"
}

# Waits until the SMTP sink stored nothing new for 3 s (receipt mails of the last workload).
wait_mail_quiet() {
  local before now still=0
  before=$(find "$STACK_MAIL_DIR" -maxdepth 1 -name '*.eml' 2>/dev/null | wc -l)
  for _ in $(seq 1 600); do
    sleep 0.5
    now=$(find "$STACK_MAIL_DIR" -maxdepth 1 -name '*.eml' 2>/dev/null | wc -l)
    if [ "$now" = "$before" ]; then
      still=$((still + 1))
      [ "$still" -ge 6 ] && return 0
    else
      still=0
      before=$now
    fi
  done
}

# name=pid,... of every process of the stack, for the CPU time per operation.
stack_pids() {
  local list="" pid n=0
  for svc in "${SERVICES[@]}"; do list="$list${list:+,}$svc-svc=$(cat "$RUN_DIR/pids/$svc-svc.pid")"; done
  list="$list,mariadbd=$(cat "$RUN_DIR/mariadb/mariadbd.pid"),echo-server=$(cat "$RUN_DIR/pids/echo.pid")"
  list="$list,smtp-sink=$(cat "$RUN_DIR/pids/smtp-sink.pid")"
  for pid in $(pgrep -P "$(cat "$RUN_DIR/nginx/nginx.pid")"); do
    n=$((n + 1))
    list="$list,nginx-$n=$pid"
  done
  echo "$list"
}

# One wse-load invocation; measured again once when another build started meanwhile. Its rows go
# to runs.csv; a run that stayed noisy is named in the results.
run_load() { # workload concurrency round [flags...]
  local workload="$1" concurrency="$2" round="$3" tmp="$RESULTS/.run.csv" flag="$RESULTS/.noisy"
  local attempt quiet watcher rc
  shift 3
  for attempt in 1 2; do
    quiet=1
    wait_quiet "$workload" || quiet=0
    rm -f "$tmp" "$flag"
    [ "$quiet" = 1 ] || touch "$flag"
    watch_builds "$flag" &
    watcher=$!
    rc=0
    { load --workload="$workload" --concurrency="$concurrency" --repetition="$round" \
        --duration="$DURATION" --warmup="$WARMUP" --echo_address="127.0.0.1:$ECHO_PORT" \
        --cpu_pids="$(stack_pids)" --max_foreign_cpu="$MAX_FOREIGN" --csv="$tmp" "$@" 2>&1 |
        sed 's/^/    /'; } || rc=$?
    [ "$rc" = 3 ] && touch "$flag"  # Others used the CPU meanwhile (a test, a build).
    kill "$watcher" 2>/dev/null || true
    wait "$watcher" 2>/dev/null || true
    wait_mail_quiet
    if [ -f "$flag" ] && [ "$quiet" = 1 ] && [ "$attempt" = 1 ]; then
      echo "    (other processes used the CPU meanwhile: measuring $workload again)"
      continue
    fi
    break
  done
  [ -f "$flag" ] && NOISE="$NOISE $workload/round$round"
  if [ -f "$tmp" ]; then
    if [ -s "$RESULTS/runs.csv" ]; then tail -n +2 "$tmp" >>"$RESULTS/runs.csv"; else cat "$tmp" >"$RESULTS/runs.csv"; fi
  fi
  rm -f "$tmp" "$flag"
}

machine_info() {
  cat <<INFO
date=$(date -u '+%Y-%m-%d %H:%M UTC')
nproc=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
kernel=$(uname -sr)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo "+local changes")
mariadb=$(mariadbd --version 2>/dev/null | sed 's/.*Ver \([^ ]*\).*/\1/')
grpc=$(dpkg-query -W -f='${Version}' libgrpc++-dev 2>/dev/null)
settings=rounds $REPS, $DURATION measured after $WARMUP warm-up per run, concurrency $CONCURRENCY
soak=$SOAK at concurrency $SOAK_CONCURRENCY
noise=${NOISE:-none}
INFO
}

profile() { # workload service [concurrency] [seconds]
  local workload="$1" svc="$2" concurrency="${3:-64}" seconds="${4:-10}"
  local pid mariadb out="$RESULTS/profile-$workload-$svc.txt" data="$RESULTS/perf.data"
  pid=$(cat "$RUN_DIR/pids/$svc-svc.pid")
  mariadb=$(cat "$RUN_DIR/mariadb/mariadbd.pid")
  if ! command -v perf >/dev/null 2>&1 && ! command -v valgrind >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -qq --no-install-recommends linux-perf ||
      $sudo apt-get install -y -qq --no-install-recommends valgrind || true
  fi
  wait_quiet "$workload" || true
  if command -v perf >/dev/null 2>&1; then
    load --workload="$workload" --concurrency="$concurrency" --duration="$((seconds + 6))s" \
      --warmup=1s --echo_address="127.0.0.1:$ECHO_PORT" --confirm_drafts=3000 \
      --story_users=768 --cpu_pids="$(stack_pids)" >"$RESULTS/profile-load.log" 2>&1 &
    local load=$!
    # Past the preparation (users, drafts), into the measured load.
    local ready=prepared
    case "$workload" in
      echo | mysql-insert | mail) ready="" ;;
      confirm) ready="drafts with" ;;
    esac
    if [ -n "$ready" ]; then
      for _ in $(seq 1 240); do
        grep -q "$ready" "$RESULTS/profile-load.log" 2>/dev/null && break
        sleep 0.5
      done
    fi
    sleep 2
    # System-wide: the sync gRPC server starts handler threads after a per-process attach,
    # which `perf record -p` would miss.
    perf record -F 299 --call-graph dwarf,16384 -a -o "$data" -- sleep "$seconds" 2>/dev/null
    wait "$load" || true
    {
      echo "# $svc-svc under $workload at concurrency $concurrency ($seconds s, perf, all CPUs)"
      tail -2 "$RESULTS/profile-load.log"
      echo; echo "## CPU by process"
      perf report -i "$data" --no-children --sort comm --stdio -g none 2>/dev/null |
        grep -v '^#' | grep -v '^$' | head -12 || true
      echo; echo "## $svc-svc: inclusive (children) by function"
      perf report -i "$data" --children --pid "$pid" --sort symbol --stdio -g none \
        --percent-limit 1 2>/dev/null | grep -v '^#' | grep -v '^$' | grep -v ' 0x0000' | head -80 || true
      echo; echo "## $svc-svc: self by library and function"
      perf report -i "$data" --no-children --pid "$pid" --sort dso,symbol --stdio -g none \
        --percent-limit 0.3 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40 || true
      echo; echo "## mariadbd: inclusive by function"
      perf report -i "$data" --children --pid "$mariadb" --sort symbol --stdio -g none \
        --percent-limit 1.5 2>/dev/null | grep -v '^#' | grep -v '^$' | grep -v ' 0x0000' | head -50 || true
    } | cut -c1-200 >"$out"
    rm -f "$data" "$data.old" "$RESULTS/profile-load.log"
  else
    echo "perf not available: restarting $svc-svc under valgrind --tool=callgrind"
    stop_pidfile "$RUN_DIR/pids/$svc-svc.pid"
    local extra; mapfile -t extra < <(service_args "$svc")
    valgrind --tool=callgrind --callgrind-out-file="$RESULTS/callgrind.out" \
      "$BUILD_DIR/$svc-svc/$svc-svc" --listen="127.0.0.1:$(port_of "$svc")" \
      --db_socket="$STACK_DB_SOCKET" --db_user="wse_$svc" \
      --db_password_file="$RUN_DIR/secrets/wse_$svc.password" \
      --jwks_file="$RUN_DIR/jwks/identity.json" "${extra[@]}" >>"$RUN_DIR/logs/$svc-svc.log" 2>&1 &
    echo $! >"$RUN_DIR/pids/$svc-svc.pid"
    wait_serving "$svc"
    load --workload="$workload" --concurrency="$concurrency" --duration="${seconds}s" \
      --warmup=1s --echo_address="127.0.0.1:$ECHO_PORT" || true
    stop_pidfile "$RUN_DIR/pids/$svc-svc.pid"
    callgrind_annotate --inclusive=yes "$RESULTS/callgrind.out" | head -150 >"$out"
    rm -f "$RESULTS/callgrind.out"
    service_start "$svc"
    wait_serving "$svc"
  fi
  echo "profile of $svc-svc under $workload (concurrency $concurrency): $out"
}

metrics_cost() { # [rounds]
  local rounds="${1:-5}" runs="$RESULTS/metrics-cost.csv" tmp="$RESULTS/.cost.csv" mode round
  rm -f "$runs"
  for round in $(seq 1 "$rounds"); do
    for mode in on off; do
      stop_pidfile "$RUN_DIR/pids/rights-svc.pid"
      STACK_METRICS=$([ "$mode" = on ] && echo 1 || echo 0) service_start rights
      wait_serving rights
      for workload in check echo; do
        wait_quiet "$workload" || true
        rm -f "$tmp"
        load --workload="$workload" --concurrency=64 --repetition="$round" \
          --duration="$DURATION" --warmup="$WARMUP" --echo_address="127.0.0.1:$ECHO_PORT" \
          --csv="$tmp" 2>&1 | sed "s/^/    metrics $mode: /"
        if [ -s "$runs" ]; then
          tail -n +2 "$tmp" | sed "s/^/$mode,/" >>"$runs"
        else
          { head -n 1 "$tmp" | sed 's/^/metrics,/'; tail -n +2 "$tmp" | sed "s/^/$mode,/"; } >"$runs"
        fi
      done
    done
  done
  # Leave rights-svc as the stack runs it.
  stop_pidfile "$RUN_DIR/pids/rights-svc.pid"
  service_start rights
  wait_serving rights
  /usr/bin/python3 - "$runs" <<'PY' | tee "$RESULTS/metrics-cost.txt"
import collections, csv, statistics, sys
by = collections.defaultdict(dict)  # (metrics, round) -> workload -> throughput
for r in csv.DictReader(open(sys.argv[1])):
    by[(r["metrics"], r["repetition"])][r["workload"]] = float(r["throughput"])
ratio = collections.defaultdict(list)
for (mode, _), w in by.items():
    if w.get("echo"):
        ratio[mode].append(w["check"] / w["echo"])
on, off = statistics.median(ratio["on"]), statistics.median(ratio["off"])
print(f"CheckPermission / echo at 64, median of {len(ratio['on'])} rounds:"
      f" metrics on {on:.3f}, off {off:.3f}; with metrics {100 * (on / off - 1):+.1f} %")
PY
}

mkdir -p "$RESULTS"
phase_start "build (release, build/bench)"; build_bench; phase_end
phase_start "start bench stack"; start_stack; phase_end
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'stop_all; rm -rf "$RUN_DIR"' EXIT

if [ "${1:-}" = metrics-cost ]; then
  shift
  metrics_cost "$@"
  exit 0
fi

if [ "${1:-}" = profile ]; then
  shift
  profile "$@"
  exit 0
fi

rm -f "$RESULTS/runs.csv" "$RESULTS/rss.csv"
for round in $(seq 1 "$REPS"); do
  phase_start "round $round of $REPS"
  for workload in $WORKLOADS; do
    echo "  $workload"
    case "$workload" in
      bulk) run_load bulk 1 "$round" ;;
      *) run_load "$workload" "$CONCURRENCY" "$round" ;;
    esac
  done
  phase_end
done

if [ "$SOAK" != 0 ] && [ "$SOAK" != 0s ]; then
  phase_start "memory run ($SOAK, concurrency $SOAK_CONCURRENCY)"
  pids=""
  for svc in "${SERVICES[@]}"; do pids="$pids${pids:+,}$svc-svc=$(cat "$RUN_DIR/pids/$svc-svc.pid")"; done
  pids="$pids,mariadbd=$(cat "$RUN_DIR/mariadb/mariadbd.pid")"
  wait_quiet soak || NOISE="$NOISE soak"
  watch_builds "$RESULTS/.noisy" &
  watcher=$!
  load --workload=soak --concurrency="$SOAK_CONCURRENCY" --duration="$SOAK" --warmup=0s \
    --rss_pids="$pids" --rss_out="$RESULTS/rss.csv" --rss_interval=5s --cpu_pids="$(stack_pids)" \
    --csv="$RESULTS/runs.csv" 2>&1 | sed 's/^/    /' || true
  kill "$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  [ -f "$RESULTS/.noisy" ] && NOISE="$NOISE soak"
  rm -f "$RESULTS/.noisy"
  phase_end
fi

machine_info >"$RESULTS/machine.txt"
readme=()
[ "${BENCH_README:-0}" = 1 ] && readme=(--readme "$ROOT/README.md")
/usr/bin/python3 "$ROOT/bench/report.py" --results "$RESULTS" "${readme[@]}"
rm -f "$RESULTS/machine.txt"
print_phases
echo "results: $RESULTS/latest.md"
