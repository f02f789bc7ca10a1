# Shared functions of the local stack scripts (sourced by up.sh, down.sh, test.sh).
# Everything lives under one run folder ($RUN_DIR, git-ignored); nothing is installed as a
# system service. Variables of these scripts are prefixed STACK_ because the services read
# every WSE_* environment variable as a setting (and refuse unknown ones).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_PROFILE="${STACK_PROFILE:-dev}"
if [ "$STACK_PROFILE" = test ]; then
  # The test stack uses its own ports and folders, so it can run beside a dev stack.
  : "${STACK_PORT_BASE:=10000}"
else
  : "${STACK_PORT_BASE:=0}"
fi
RUN_DIR="${STACK_RUN_DIR:-$ROOT/.run/$STACK_PROFILE}"
BUILD_DIR="${STACK_BUILD_DIR:-$ROOT/build/$STACK_PROFILE}"
export STACK_GATEWAY_PORT="${STACK_GATEWAY_PORT:-$((8080 + STACK_PORT_BASE))}"
export STACK_OPERATOR_GATEWAY_PORT="${STACK_OPERATOR_GATEWAY_PORT:-$((8081 + STACK_PORT_BASE))}"
# nginx's public gRPC listener, behind the front door on STACK_GATEWAY_PORT (web/README.md):
# the front door passes plain gRPC here byte for byte and sends gRPC-Web here as gRPC.
export STACK_GRPC_GATEWAY_PORT="${STACK_GRPC_GATEWAY_PORT:-$((8082 + STACK_PORT_BASE))}"
export STACK_IDENTITY_PORT="${STACK_IDENTITY_PORT:-$((50051 + STACK_PORT_BASE))}"
export STACK_RIGHTS_PORT="${STACK_RIGHTS_PORT:-$((50052 + STACK_PORT_BASE))}"
export STACK_REGISTRATION_PORT="${STACK_REGISTRATION_PORT:-$((50053 + STACK_PORT_BASE))}"
export STACK_NOTIFY_PORT="${STACK_NOTIFY_PORT:-$((50054 + STACK_PORT_BASE))}"
# Where Prometheus scrapes each service (--metrics_listen).
export STACK_IDENTITY_METRICS_PORT="${STACK_IDENTITY_METRICS_PORT:-$((9451 + STACK_PORT_BASE))}"
export STACK_RIGHTS_METRICS_PORT="${STACK_RIGHTS_METRICS_PORT:-$((9452 + STACK_PORT_BASE))}"
export STACK_REGISTRATION_METRICS_PORT="${STACK_REGISTRATION_METRICS_PORT:-$((9453 + STACK_PORT_BASE))}"
export STACK_NOTIFY_METRICS_PORT="${STACK_NOTIFY_METRICS_PORT:-$((9454 + STACK_PORT_BASE))}"
# The stack's own Prometheus, scraping the four (prometheus_start).
export STACK_PROMETHEUS_PORT="${STACK_PROMETHEUS_PORT:-$((9090 + STACK_PORT_BASE))}"
export STACK_DB_PORT="${STACK_DB_PORT:-$((3307 + STACK_PORT_BASE))}"
export STACK_SMTP_PORT="${STACK_SMTP_PORT:-$((2525 + STACK_PORT_BASE))}"
export STACK_RUN_DIR="$RUN_DIR" STACK_BUILD_DIR="$BUILD_DIR" STACK_ROOT="$ROOT"
export STACK_DB_SOCKET="$RUN_DIR/mariadb/mysqld.sock"
export STACK_MAIL_DIR="$RUN_DIR/mail"
# One service reaches MariaDB over TCP with TLS and a verified server certificate (the
# production way, --db_tls_ca_file); the others use the local unix socket.
export STACK_DB_TLS_SERVICE="${STACK_DB_TLS_SERVICE:-notify}"

SERVICES=(identity rights registration notify)
BUF="$ROOT/.tools/node_modules/.bin/buf"
WEB="$ROOT/web"

PACKAGES=(build-essential cmake ccache pkg-config git ca-certificates openssl
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libmysqlcppconn-dev libspdlog-dev libgtest-dev libgmock-dev libssl-dev libcurl4-openssl-dev
  libcpp-jwt-dev nlohmann-json3-dev libctemplate-dev grpc-proto golang-github-gogo-googleapis-dev
  prometheus-cpp-dev prometheus curl
  mariadb-server mariadb-client nginx-light nghttp2-client python3 python3-aiosmtpd
  python3-grpcio python3-protobuf python3-yaml clang libclang-rt-dev)
# Only the test command needs a browser (web/tests: the pages clicked through in Chromium).
TEST_PACKAGES=(chromium fonts-dejavu-core)

phase_start() { PHASE_NAME="$1"; PHASE_T0=$(date +%s); echo "==> $1"; }
phase_end() {
  local dt=$(($(date +%s) - PHASE_T0))
  PHASE_REPORT="${PHASE_REPORT:-}$(printf '  %-28s %5ss' "$PHASE_NAME" "$dt")"$'\n'
}
print_phases() { printf 'Phase timings:\n%s' "${PHASE_REPORT:-}"; }

port_of() { # service -> port
  case "$1" in
    identity) echo "$STACK_IDENTITY_PORT" ;; rights) echo "$STACK_RIGHTS_PORT" ;;
    registration) echo "$STACK_REGISTRATION_PORT" ;; notify) echo "$STACK_NOTIFY_PORT" ;;
  esac
}
metrics_port_of() { # service -> its metrics port
  case "$1" in
    identity) echo "$STACK_IDENTITY_METRICS_PORT" ;; rights) echo "$STACK_RIGHTS_METRICS_PORT" ;;
    registration) echo "$STACK_REGISTRATION_METRICS_PORT" ;;
    notify) echo "$STACK_NOTIFY_METRICS_PORT" ;;
  esac
}
full_name_of() { # service -> full gRPC service name
  case "$1" in
    identity) echo wse.identity.v1.IdentityService ;; rights) echo wse.rights.v1.RightsService ;;
    registration) echo wse.registration.v1.RegistrationService ;;
    notify) echo wse.notify.v1.NotifyService ;;
  esac
}

ensure_packages() { # [extra packages...]
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # Node/npm only for buf; a machine may already have them from elsewhere than Debian.
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    # Debian starts the package's own Prometheus as a system service on :9090 where systemd
    # runs; the stack runs its own (prometheus_start), so the one just installed is stopped.
    if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1 &&
      systemctl is-active --quiet prometheus 2>/dev/null; then
      $sudo systemctl disable --now prometheus || true
    fi
  fi
  if [ ! -x "$BUF" ]; then
    echo "installing buf (npm @bufbuild/buf) into .tools/"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" @bufbuild/buf@1 >/dev/null
  fi
  ensure_envoy_protos
}

# Envoy's v3 API protos (and the xds, validate and googleapis ones they import), to check
# deploy/envoy/envoy.yaml against Envoy's own schema (tests/deploy/envoy_proto_test.py). Debian
# has no Envoy; gRPC's xDS package on npm ships the protos of the Envoy API it implements. Only
# its tarball is fetched and unpacked: nothing of it is installed or run.
ENVOY_PROTOS="$ROOT/.tools/envoy-protos"
ENVOY_PROTOS_PACKAGE="@grpc/grpc-js-xds@1.14.1"
ensure_envoy_protos() {
  [ -f "$ENVOY_PROTOS/.from" ] && [ "$(cat "$ENVOY_PROTOS/.from")" = "$ENVOY_PROTOS_PACKAGE" ] &&
    return 0
  echo "fetching Envoy's API protos ($ENVOY_PROTOS_PACKAGE) into .tools/envoy-protos"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$ENVOY_PROTOS_PACKAGE" >/dev/null && tar xzf ./*.tgz package/deps)
  rm -rf "$ENVOY_PROTOS"
  mv "$tmp/package/deps" "$ENVOY_PROTOS"
  echo "$ENVOY_PROTOS_PACKAGE" >"$ENVOY_PROTOS/.from"
  rm -rf "$tmp"
}

# The pages and the front door (web/): npm packages from web/package-lock.json (again only when
# the lock file changed), then TypeScript generated from proto/, type-checked and bundled.
build_web() {
  if [ ! -f "$WEB/node_modules/.lock-stamp" ] ||
    ! cmp -s "$WEB/package-lock.json" "$WEB/node_modules/.lock-stamp"; then
    echo "installing the web tools (npm ci in web/)"
    (cd "$WEB" && npm ci --silent --no-audit --no-fund >/dev/null)
    cp "$WEB/package-lock.json" "$WEB/node_modules/.lock-stamp"
  fi
  (cd "$WEB" && npm run --silent build)
}

build_tree() { # extra cmake args...
  # One build at a time on this machine (2 cores): concurrent builds wait for the lock.
  flock /tmp/wse-build.lock cmake -S "$ROOT" -B "$BUILD_DIR" -G "Unix Makefiles" "$@" >/dev/null
  flock /tmp/wse-build.lock cmake --build "$BUILD_DIR" -j"${STACK_JOBS:-2}"
}

db_root() { mariadb --no-defaults --socket="$STACK_DB_SOCKET" -uroot "$@"; }

mariadb_start() {
  mkdir -p "$RUN_DIR/mariadb" "$RUN_DIR/logs"
  if [ ! -d "$RUN_DIR/mariadb/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$RUN_DIR/mariadb/data" --user=root \
      --auth-root-authentication-method=normal >"$RUN_DIR/logs/mariadb-install.log" 2>&1
  fi
  if db_root -e 'DO 1' >/dev/null 2>&1; then return 0; fi
  # TLS on its TCP port (development CA, dev_certs.sh): the service that connects over TCP
  # (STACK_DB_TLS_SERVICE) verifies this certificate.
  bash "$ROOT/deploy/local/dev_certs.sh" "$RUN_DIR/tls"
  nohup mariadbd --no-defaults --datadir="$RUN_DIR/mariadb/data" --socket="$STACK_DB_SOCKET" \
    --port="$STACK_DB_PORT" --bind-address=127.0.0.1 --user=root \
    --ssl-ca="$RUN_DIR/tls/ca.pem" --ssl-cert="$RUN_DIR/tls/mariadb.pem" \
    --ssl-key="$RUN_DIR/tls/mariadb.key" \
    --pid-file="$RUN_DIR/mariadb/mariadbd.pid" --log-error="$RUN_DIR/logs/mariadb.log" \
    --max-connections=1000 --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    db_root -e 'DO 1' >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "MariaDB did not start; see $RUN_DIR/logs/mariadb.log" >&2
  return 1
}

mariadb_stop() {
  local pidfile="$RUN_DIR/mariadb/mariadbd.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$pidfile"
}

# One schema and one user per service; passwords generated once and kept in secrets/.
db_bootstrap() {
  mkdir -p "$RUN_DIR/secrets"; chmod 700 "$RUN_DIR/secrets"
  for svc in "${SERVICES[@]}"; do
    local db="wse_$svc" pwfile="$RUN_DIR/secrets/wse_$svc.password"
    [ -s "$pwfile" ] || (umask 077; openssl rand -hex 24 >"$pwfile")
    local pw; pw=$(cat "$pwfile")
    db_root <<SQL
CREATE DATABASE IF NOT EXISTS $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$db'@'localhost' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS '$db'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON $db.* TO '$db'@'localhost', '$db'@'127.0.0.1';
SQL
  done
  # The service that reaches the database over TCP may do so only over TLS: a plain-text login
  # is refused by the server, so a SERVING service proves its connections are encrypted.
  # Both accounts: MariaDB may match a TCP login from 127.0.0.1 to the one of 'localhost'.
  db_root -e "ALTER USER 'wse_$STACK_DB_TLS_SERVICE'@'127.0.0.1' REQUIRE SSL;
    ALTER USER 'wse_$STACK_DB_TLS_SERVICE'@'localhost' REQUIRE SSL"
}

db_args() { # service -> how it reaches the database
  if [ "$1" = "$STACK_DB_TLS_SERVICE" ]; then
    printf '%s\n' --db_host=127.0.0.1 --db_port="$STACK_DB_PORT" \
      --db_tls_ca_file="$RUN_DIR/tls/ca.pem"
  else
    printf '%s\n' --db_socket="$STACK_DB_SOCKET"
  fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

smtp_start() {
  mkdir -p "$STACK_MAIL_DIR" "$RUN_DIR/pids" "$RUN_DIR/logs"
  pid_alive "$RUN_DIR/pids/smtp-sink.pid" && return 0
  nohup /usr/bin/python3 "$ROOT/deploy/local/smtp_sink.py" --port "$STACK_SMTP_PORT" \
    --maildir "$STACK_MAIL_DIR" >"$RUN_DIR/logs/smtp-sink.log" 2>&1 &
  echo $! >"$RUN_DIR/pids/smtp-sink.pid"
  for _ in $(seq 1 40); do
    (exec 3<>"/dev/tcp/127.0.0.1/$STACK_SMTP_PORT") 2>/dev/null && return 0
    sleep 0.25
  done
  echo "SMTP sink did not start; see $RUN_DIR/logs/smtp-sink.log" >&2; return 1
}

# Secrets of the local stack, made once: the key sealing identity-svc's signing keys, the
# operators' bearer token, each service's own token and the list of their hashes every service
# reads (common/service_identity.h), and the development identity provider's key (its JWKS is
# what identity-svc trusts locally, with --allow_dev_idp).
identity_secrets() {
  mkdir -p "$RUN_DIR/secrets" "$RUN_DIR/jwks"; chmod 700 "$RUN_DIR/secrets"
  [ -s "$RUN_DIR/secrets/key-encryption.key" ] ||
    (umask 077; openssl rand -hex 32 >"$RUN_DIR/secrets/key-encryption.key")
  [ -s "$RUN_DIR/secrets/operator.token" ] ||
    (umask 077; openssl rand -hex 32 >"$RUN_DIR/secrets/operator.token")
  local svc identities="$RUN_DIR/secrets/service-identities"
  (umask 077; : >"$identities.new")  # Public values, but kept with the secrets they describe.
  for svc in identity rights registration notify; do
    [ -s "$RUN_DIR/secrets/$svc.service-token" ] ||
      (umask 077; openssl rand -hex 32 >"$RUN_DIR/secrets/$svc.service-token")
    printf '%s-svc %s\n' "$svc" \
      "$(tr -d '\n' <"$RUN_DIR/secrets/$svc.service-token" | sha256sum | cut -d' ' -f1)" \
      >>"$identities.new"
  done
  mv "$identities.new" "$identities"
  "$BUILD_DIR/identity-svc/wse-dev-idp" --dev_environment --key_dir="$RUN_DIR/dev-idp" \
    --print_jwks_path >/dev/null
}

service_args() { # service -> its own flags besides the common ones
  case "$1" in
    notify) printf '%s\n' --smtp_url="smtp://127.0.0.1:$STACK_SMTP_PORT" \
      --identity_address="127.0.0.1:$STACK_IDENTITY_PORT" \
      --templates_dir="$ROOT/notify-svc/templates" ;;
    identity) printf '%s\n' --idp_issuer=https://dev-idp.wse-loket.invalid --allow_dev_idp \
      --norequire_login_nonce \
      --idp_jwks_file="$RUN_DIR/dev-idp/dev-idp-jwks.json" \
      --key_encryption_key_file="$RUN_DIR/secrets/key-encryption.key" \
      --rights_address="127.0.0.1:$STACK_RIGHTS_PORT" \
      --notify_address="127.0.0.1:$STACK_NOTIFY_PORT" \
      --replica_address="127.0.0.1:$STACK_IDENTITY_PORT" \
      ${STACK_ACCESS_TOKEN_TTL:+--access_token_ttl=$STACK_ACCESS_TOKEN_TTL} ;;
    registration) printf '%s\n' --rights_address="127.0.0.1:$STACK_RIGHTS_PORT" \
      --identity_address="127.0.0.1:$STACK_IDENTITY_PORT" \
      --notify_address="127.0.0.1:$STACK_NOTIFY_PORT" \
      --replica_address="127.0.0.1:$STACK_REGISTRATION_PORT" ;;
    rights) printf '%s\n' --identity_address="127.0.0.1:$STACK_IDENTITY_PORT" \
      --notify_address="127.0.0.1:$STACK_NOTIFY_PORT" \
      --replica_address="127.0.0.1:$STACK_RIGHTS_PORT" ;;
  esac
}

service_start() { # service
  local svc="$1" bin="$BUILD_DIR/$1-svc/$1-svc"
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs"
  pid_alive "$RUN_DIR/pids/$svc-svc.pid" && return 0
  local extra db; mapfile -t extra < <(service_args "$svc"); mapfile -t db < <(db_args "$svc")
  if tls_on; then
    extra+=(--tls_cert_file="$RUN_DIR/tls/service.pem" --tls_key_file="$RUN_DIR/tls/service.key"
      --tls_ca_file="$RUN_DIR/tls/ca.pem" --tls_require_client_cert)
  fi
  # STACK_METRICS=0: no metrics endpoint and no gRPC metrics (bench/run.sh metrics-cost).
  local metrics="127.0.0.1:$(metrics_port_of "$svc")"
  [ "${STACK_METRICS:-1}" = 0 ] && metrics=""
  nohup "$bin" --listen="127.0.0.1:$(port_of "$svc")" "${db[@]}" \
    --metrics_listen="$metrics" \
    --db_user="wse_$svc" --db_password_file="$RUN_DIR/secrets/wse_$svc.password" \
    --jwks_file="$RUN_DIR/jwks/identity.json" --drain_timeout=10s \
    --operator_token_file="$RUN_DIR/secrets/operator.token" \
    --service_token_file="$RUN_DIR/secrets/$svc.service-token" \
    --service_identities_file="$RUN_DIR/secrets/service-identities" "${extra[@]}" \
    >>"$RUN_DIR/logs/$svc-svc.log" 2>&1 &
  echo $! >"$RUN_DIR/pids/$svc-svc.pid"
}

# STACK_TLS=1: the services serve mutual TLS with development certificates (dev_certs.sh); the
# gateway and these scripts present a client certificate. Clients of the gateway still speak h2c.
tls_on() { [ "${STACK_TLS:-0}" = 1 ]; }

service_curl() { # port method [buf curl args...]  (straight to a service, TLS when enabled)
  local port="$1" method="$2"; shift 2
  if tls_on; then
    "$BUF" curl --protocol grpc --cacert "$RUN_DIR/tls/ca.pem" --cert "$RUN_DIR/tls/service.pem" \
      --key "$RUN_DIR/tls/service.key" "$@" "https://localhost:$port/$method"
  else
    "$BUF" curl --protocol grpc --http2-prior-knowledge "$@" "http://127.0.0.1:$port/$method"
  fi
}

health_of() { # service -> SERVING / NOT_SERVING / ""
  service_curl "$(port_of "$1")" grpc.health.v1.Health/Check --timeout 2s \
    -d "{\"service\":\"$(full_name_of "$1")\"}" 2>/dev/null |
    sed -n 's/.*"status": *"\([A-Z_]*\)".*/\1/p'
}

wait_serving() { # service
  for _ in $(seq 1 120); do
    [ "$(health_of "$1")" = SERVING ] && return 0
    pid_alive "$RUN_DIR/pids/$1-svc.pid" || break
    sleep 0.5
  done
  echo "$1-svc did not become SERVING; last log lines:" >&2
  tail -n 20 "$RUN_DIR/logs/$1-svc.log" >&2
  return 1
}

gateway_start() {
  mkdir -p "$RUN_DIR/nginx" "$RUN_DIR/logs"
  sed -e "s#@RUN@#$RUN_DIR#g" \
    -e "s#@OPERATOR_GATEWAY_PORT@#$STACK_OPERATOR_GATEWAY_PORT#g" \
    -e "s#@IDENTITY_PORT@#$STACK_IDENTITY_PORT#g" -e "s#@RIGHTS_PORT@#$STACK_RIGHTS_PORT#g" \
    -e "s#@REGISTRATION_PORT@#$STACK_REGISTRATION_PORT#g" \
    -e "s#@NOTIFY_PORT@#$STACK_NOTIFY_PORT#g" \
    -e "s#@GRPC_GATEWAY_PORT@#$STACK_GRPC_GATEWAY_PORT#g" \
    "$ROOT/deploy/local/nginx.conf.in" >"$RUN_DIR/nginx/nginx.conf"
  if tls_on; then # Upstreams over mutual TLS; the gateway's own port stays h2c.
    sed -i -e 's#grpc_pass grpc://#grpc_pass grpcs://#' \
      -e "s#.*@UPSTREAM_TLS@.*#    grpc_ssl_certificate $RUN_DIR/tls/gateway.pem; grpc_ssl_certificate_key $RUN_DIR/tls/gateway.key; grpc_ssl_trusted_certificate $RUN_DIR/tls/ca.pem; grpc_ssl_verify on; grpc_ssl_name localhost;#" \
      "$RUN_DIR/nginx/nginx.conf"
  fi
  if pid_alive "$RUN_DIR/nginx/nginx.pid"; then
    nginx -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -s reload
  else
    nginx -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -e "$RUN_DIR/logs/nginx-error.log"
  fi
}

# The public port: the pages, gRPC-Web and plain gRPC (web/src/frontdoor). The local stack always
# runs the development identity provider, so the front door offers its sign-in page.
front_door_start() {
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs"
  pid_alive "$RUN_DIR/pids/front-door.pid" && stop_pidfile "$RUN_DIR/pids/front-door.pid" 5
  nohup node "$WEB/dist/front-door.mjs" --listen="127.0.0.1:$STACK_GATEWAY_PORT" \
    --grpc="127.0.0.1:$STACK_GRPC_GATEWAY_PORT" --static="$WEB/dist/www" \
    --dev-idp-tool="$BUILD_DIR/identity-svc/wse-dev-idp" --dev-idp-key-dir="$RUN_DIR/dev-idp" \
    --demo-persons="$ROOT/deploy/local/demo/persons.json" \
    >"$RUN_DIR/logs/front-door.log" 2>&1 &
  echo $! >"$RUN_DIR/pids/front-door.pid"
  for _ in $(seq 1 40); do
    curl -sf -o /dev/null "http://127.0.0.1:$STACK_GATEWAY_PORT/config.json" && return 0
    pid_alive "$RUN_DIR/pids/front-door.pid" || break
    sleep 0.25
  done
  echo "the front door did not start; see $RUN_DIR/logs/front-door.log" >&2; return 1
}

prometheus_start() {
  mkdir -p "$RUN_DIR/prometheus/data" "$RUN_DIR/pids" "$RUN_DIR/logs"
  sed -e "s#@ROOT@#$ROOT#g" -e "s#@PROMETHEUS_PORT@#$STACK_PROMETHEUS_PORT#g" \
    -e "s#@IDENTITY_METRICS_PORT@#$STACK_IDENTITY_METRICS_PORT#g" \
    -e "s#@RIGHTS_METRICS_PORT@#$STACK_RIGHTS_METRICS_PORT#g" \
    -e "s#@REGISTRATION_METRICS_PORT@#$STACK_REGISTRATION_METRICS_PORT#g" \
    -e "s#@NOTIFY_METRICS_PORT@#$STACK_NOTIFY_METRICS_PORT#g" \
    "$ROOT/deploy/local/prometheus.yml.in" >"$RUN_DIR/prometheus/prometheus.yml"
  promtool check config --syntax-only "$RUN_DIR/prometheus/prometheus.yml" >/dev/null
  pid_alive "$RUN_DIR/pids/prometheus.pid" && return 0
  nohup prometheus --config.file="$RUN_DIR/prometheus/prometheus.yml" \
    --storage.tsdb.path="$RUN_DIR/prometheus/data" --storage.tsdb.retention.time=2d \
    --web.listen-address="127.0.0.1:$STACK_PROMETHEUS_PORT" \
    >"$RUN_DIR/logs/prometheus.log" 2>&1 &
  echo $! >"$RUN_DIR/pids/prometheus.pid"
  # Ready, and the four services scraped once: the stack is up when its monitoring sees it.
  local query='count(up{job=~".+-svc"} == 1)'
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$STACK_PROMETHEUS_PORT/api/v1/query" \
      --data-urlencode "query=$query" 2>/dev/null | grep -q '"value":\[[0-9.]*,"4"\]' && return 0
    pid_alive "$RUN_DIR/pids/prometheus.pid" || break
    sleep 0.25
  done
  echo "Prometheus did not start or does not see the four services (port $STACK_PROMETHEUS_PORT" \
    "taken?); see" \
    "$RUN_DIR/logs/prometheus.log" >&2
  tail -n 5 "$RUN_DIR/logs/prometheus.log" >&2
  return 1
}

stop_pidfile() { # pidfile [timeout-seconds]
  local f="$1" t="${2:-30}"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 $((t * 4))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

stack_up() {
  mariadb_start
  db_bootstrap
  identity_secrets
  if tls_on; then bash "$ROOT/deploy/local/dev_certs.sh" "$RUN_DIR/tls"; fi
  smtp_start
  # identity-svc first: it publishes the JWKS the others verify tokens with.
  service_start identity
  wait_serving identity
  for svc in "${SERVICES[@]}"; do service_start "$svc"; done
  for svc in "${SERVICES[@]}"; do wait_serving "$svc"; done
  gateway_start
  [ -f "$WEB/dist/front-door.mjs" ] || build_web
  front_door_start
  prometheus_start
}

operator_call() { # method json-file-or-string  (straight to the service's port, as an operator)
  local data="$2"; [ -f "$data" ] && data="@$data"
  local svc; svc=$(echo "$1" | sed -n 's#^wse\.\([a-z]*\)\.v1\..*#\1#p')
  service_curl "$(port_of "${svc:-identity}")" "$1" --schema "$ROOT/proto" \
    -H "authorization: Bearer $(cat "$RUN_DIR/secrets/operator.token")" -d "$data"
}

# Demo persons and organisations (idempotent: a re-run reports them UNCHANGED).
seed_demo() {
  operator_call wse.identity.v1.IdentityService/BatchImportPersons \
    "$ROOT/deploy/local/demo/persons.json" >"$RUN_DIR/logs/seed-persons.json"
  operator_call wse.identity.v1.IdentityService/BatchImportOrganizations \
    "$ROOT/deploy/local/demo/organizations.json" >"$RUN_DIR/logs/seed-organizations.json"
  if grep -q IMPORT_OUTCOME_FAILED "$RUN_DIR/logs/seed-"*.json; then
    echo "seeding failed; see $RUN_DIR/logs/seed-*.json" >&2; return 1
  fi
  # Jan works at the school without the right yet; Sofie holds the right at her company.
  # Fixed request ids make a re-run answer the same records instead of adding new ones.
  local ids; ids=$(/usr/bin/python3 - "$RUN_DIR/logs" <<'PY'
import json, sys
d = sys.argv[1]
persons = [r["resource"] for r in json.load(open(d + "/seed-persons.json"))["results"]]
orgs = [r["resource"] for r in json.load(open(d + "/seed-organizations.json"))["results"]]
print(persons[1], persons[2], orgs[0], orgs[1])
PY
)
  local jan sofie school company
  read -r jan sofie school company <<<"$ids"
  rights_call CreateWorkRelation "{\"parent\":\"$school\",\"requestId\":\"seed-jan-school\",
    \"workRelation\":{\"person\":\"$jan\",\"type\":\"WORK_RELATION_TYPE_VASTE_MEDEWERKER\"}}" \
    >"$RUN_DIR/logs/seed-rights.json"
  rights_call CreateGrant "{\"parent\":\"$company\",\"requestId\":\"seed-sofie-vov\",
    \"grant\":{\"person\":\"$sofie\",\"role\":\"DWSE_ORGANISATIEVERANTWOORDELIJKE\",
    \"context\":\"opleidingsverlof\"}}" >>"$RUN_DIR/logs/seed-rights.json"
  # The opleidingsdatabank: trainings of the school and of the company (idempotent on ODB).
  /usr/bin/python3 - "$school" "$company" >"$RUN_DIR/logs/seed-trainings-request.json" <<'PY'
import json, sys
school, company = sys.argv[1], sys.argv[2]
recognised = {"year": 2020, "month": 9, "day": 1}
print(json.dumps({"trainings": [
  {"odbNumber": "ODB-Y000123", "providerOrganization": school, "title": "Boekhouding (CVO)",
   "type": "TRAINING_TYPE_LESTIJDEN", "lestijden": 120, "deliveryMode": "DELIVERY_MODE_CLASSROOM",
   "recognitionStartDate": recognised},
  {"odbNumber": "ODB-D004567", "providerOrganization": school,
   "title": "Webontwikkeling (afstandsonderwijs)", "type": "TRAINING_TYPE_CONTACT_HOURS",
   "plannedHours": 60, "deliveryMode": "DELIVERY_MODE_DISTANCE", "recognitionStartDate": recognised,
   "modules": [{"code": "M1", "title": "HTML en CSS", "hours": 30},
               {"code": "M2", "title": "JavaScript", "hours": 30}]},
  {"odbNumber": "ODB-C007890", "providerOrganization": company, "title": "Heftruckchauffeur",
   "type": "TRAINING_TYPE_CONTACT_HOURS", "plannedHours": 40,
   "deliveryMode": "DELIVERY_MODE_CLASSROOM", "recognitionStartDate": recognised}]}))
PY
  operator_call wse.registration.v1.RegistrationService/BatchImportTrainings \
    "$RUN_DIR/logs/seed-trainings-request.json" >"$RUN_DIR/logs/seed-trainings.json"
  if grep -q IMPORT_OUTCOME_FAILED "$RUN_DIR/logs/seed-trainings.json"; then
    echo "seeding trainings failed; see $RUN_DIR/logs/seed-trainings.json" >&2; return 1
  fi
}

rights_call() { # method json (as an operator, straight to rights-svc)
  service_curl "$STACK_RIGHTS_PORT" "wse.rights.v1.RightsService/$1" --schema "$ROOT/proto" \
    -H "authorization: Bearer $(cat "$RUN_DIR/secrets/operator.token")" -d "$2"
}

stack_down() {
  stop_pidfile "$RUN_DIR/pids/front-door.pid" 5
  if pid_alive "$RUN_DIR/nginx/nginx.pid"; then
    nginx -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -s quit || true
  fi
  for svc in "${SERVICES[@]}"; do stop_pidfile "$RUN_DIR/pids/$svc-svc.pid"; done
  stop_pidfile "$RUN_DIR/pids/smtp-sink.pid" 10
  stop_pidfile "$RUN_DIR/pids/prometheus.pid" 10
  mariadb_stop
}
