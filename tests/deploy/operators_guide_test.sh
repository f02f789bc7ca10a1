#!/usr/bin/env bash
# Runs the commands of docs/operators-guide.md that are marked `<!-- test: NAME -->`, exactly as
# written there, with `buf curl` against the running test stack (the STACK_* variables of
# deploy/local/lib.sh, which ctest inherits from deploy/local/test.sh), and checks what they
# answer. Only commands without lasting effect on other tests are marked (no RetryDeadLetters:
# requeued dead letters would send mails other tests do not expect).
#
#   eval "$(STACK_PROFILE=test bash -c 'source deploy/local/lib.sh; env | grep ^STACK_ | sed "s/^/export /"')"
#   bash tests/deploy/operators_guide_test.sh
set -uo pipefail

for v in STACK_ROOT STACK_RUN_DIR STACK_OPERATOR_GATEWAY_PORT STACK_IDENTITY_PORT STACK_RIGHTS_PORT \
  STACK_REGISTRATION_PORT STACK_NOTIFY_PORT STACK_RIGHTS_METRICS_PORT STACK_PROMETHEUS_PORT; do
  if [ -z "${!v:-}" ]; then
    echo "$v is not set: run this test through deploy/local/test.sh" >&2
    exit 1
  fi
done
GUIDE="$STACK_ROOT/docs/operators-guide.md"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The variables the guide asks the operator to set ("Before you start"), for this stack.
export BUF="$STACK_ROOT/.tools/node_modules/.bin/buf"
export GW="127.0.0.1:$STACK_OPERATOR_GATEWAY_PORT"
TOKEN=$(cat "$STACK_RUN_DIR/secrets/operator.token")
export TOKEN
export IDENTITY="127.0.0.1:$STACK_IDENTITY_PORT" RIGHTS="127.0.0.1:$STACK_RIGHTS_PORT"
export REGISTRATION="127.0.0.1:$STACK_REGISTRATION_PORT" NOTIFY="127.0.0.1:$STACK_NOTIFY_PORT"
export RIGHTS_METRICS="127.0.0.1:$STACK_RIGHTS_METRICS_PORT"
export PROMETHEUS="127.0.0.1:$STACK_PROMETHEUS_PORT" LOGS="$STACK_RUN_DIR/logs"
cd "$STACK_ROOT"  # buf reads --schema proto from here, as the guide says

# Extract every marked block into $WORK/<name>.sh.
awk -v dir="$WORK" '
  /^<!-- test: [a-z0-9-]+ -->$/ { name = $3; next }
  name != "" && /^```sh$/ { out = dir "/" name ".sh"; inblock = 1; next }
  inblock && /^```$/ { inblock = 0; name = ""; next }
  inblock { print > out }
' "$GUIDE"

passed=0 failed=0
pass() { echo "ok   - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1"; sed 's/^/       /' "$WORK/$2.out" | head -40; failed=$((failed + 1)); }

run_block() { # name -> runs it in a fresh bash with the guide's variables; output in .out
  if [ ! -f "$WORK/$1.sh" ]; then
    echo "no block marked '<!-- test: $1 -->' in docs/operators-guide.md" >"$WORK/$1.out"
    return 1
  fi
  bash -euo pipefail "$WORK/$1.sh" >"$WORK/$1.out" 2>&1
}

expect() { # name description grep-pattern [count]
  local name="$1" what="$2" pattern="$3" count="${4:-}"
  if ! run_block "$name"; then fail "$what (exit status)" "$name"; return; fi
  local n; n=$(grep -cE -- "$pattern" "$WORK/$name.out")
  if [ -n "$count" ] && [ "$n" -ne "$count" ]; then
    fail "$what: $n times /$pattern/, expected $count" "$name"
  elif [ "$n" -eq 0 ]; then
    fail "$what: no /$pattern/" "$name"
  elif grep -q "IMPORT_OUTCOME_FAILED" "$WORK/$name.out"; then
    fail "$what: an item failed" "$name"
  else
    pass "$what"
  fi
}

expect health "health: all four services SERVING" '"status": "SERVING"' 4
expect import-organisations-dry-run "organisation import, validate only" '"identifier": "0412345614"'
expect import-organisations "organisation import" \
  '"outcome": "IMPORT_OUTCOME_(CREATED|UPDATED|UNCHANGED)"'
expect lookup-organisation "organisation looked up by KBO number" '^organizations/[0-9a-f]+$' 1
ORG=$(tail -n 1 "$WORK/lookup-organisation.out")
export ORG
expect access-requests "pending access requests listed" '^\{'
expect notify-messages "notify messages listed (all, and dead letters)" '^\{' 2
expect audit-log "audit log read and its chain verified" '"ok": true' 1
expect metrics "metrics scraped, and Prometheus sees four services up" '=> 1 @' 4
expect follow-a-trace "one call found in the logs by its trace id" '"method":"ListRoles"' 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
