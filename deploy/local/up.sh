#!/usr/bin/env bash
# THE RUN COMMAND: installs what is missing, builds, and starts the whole suite on 127.0.0.1
# (MariaDB from .run/dev/mariadb, the SMTP sink, the four services, the nginx gateway and the
# front door on :8080 (the WSE-loket pages, gRPC-Web and plain gRPC), Prometheus on :9090).
# Re-running keeps the data. Stop with deploy/local/down.sh.
source "$(dirname "$0")/lib.sh"

phase_start "install packages"; ensure_packages; phase_end
phase_start "build (release)"; build_tree -DCMAKE_BUILD_TYPE=Release -DWSE_BUILD_TESTS=OFF; phase_end
phase_start "build pages (web/)"; build_web; phase_end
phase_start "start stack"; stack_up; phase_end
phase_start "seed demo data"; seed_demo; phase_end
print_phases

cat <<TXT

The WSE-loket VOV suite is running (logs, data and mails under $RUN_DIR).
  WSE-loket      http://127.0.0.1:$STACK_GATEWAY_PORT/   (the pages; sign in as a demo person)
  gateway        127.0.0.1:$STACK_GATEWAY_PORT   (same port: gRPC and gRPC-Web on
                                   /wse.<area>.v1.<Service>/; persons' access tokens only)
  operators      127.0.0.1:$STACK_OPERATOR_GATEWAY_PORT   (the gateway's internal listener: the operator
                                   token in $RUN_DIR/secrets/operator.token)
  identity-svc   127.0.0.1:$STACK_IDENTITY_PORT   metrics: http://127.0.0.1:$STACK_IDENTITY_METRICS_PORT/metrics
  rights-svc     127.0.0.1:$STACK_RIGHTS_PORT   metrics: http://127.0.0.1:$STACK_RIGHTS_METRICS_PORT/metrics
  registration   127.0.0.1:$STACK_REGISTRATION_PORT   metrics: http://127.0.0.1:$STACK_REGISTRATION_METRICS_PORT/metrics
  notify-svc     127.0.0.1:$STACK_NOTIFY_PORT   metrics: http://127.0.0.1:$STACK_NOTIFY_METRICS_PORT/metrics
  Prometheus     http://127.0.0.1:$STACK_PROMETHEUS_PORT  (scrapes the four; alerts: /alerts; try the
                 queries in README.md "Seeing it run")
  MariaDB        127.0.0.1:$STACK_DB_PORT (socket $STACK_DB_SOCKET)
  SMTP sink      127.0.0.1:$STACK_SMTP_PORT  -> mails as files in $STACK_MAIL_DIR

Try:
  $BUF curl --protocol grpc --http2-prior-knowledge --list-services http://127.0.0.1:$STACK_RIGHTS_PORT
  $BUF curl --protocol grpc --http2-prior-knowledge -d '{"service":"wse.rights.v1.RightsService"}' \\
      http://127.0.0.1:$STACK_RIGHTS_PORT/grpc.health.v1.Health/Check
  # through the gateway (no reflection there: give the schema)
  $BUF curl --protocol grpc --http2-prior-knowledge --schema $ROOT/proto \\
      http://127.0.0.1:$STACK_GATEWAY_PORT/wse.identity.v1.IdentityService/GetJwks
Log in as a demo person (deploy/local/demo/README.md) and list where they may act:
  TOKEN=\$($BUILD_DIR/identity-svc/wse-dev-idp --dev_environment --key_dir=$RUN_DIR/dev-idp \\
      --insz=75031512353 --given_name=Marie --family_name=Lambert)
  $BUF curl --protocol grpc --http2-prior-knowledge --schema $ROOT/proto -d "{\"idToken\":\"\$TOKEN\"}" \\
      http://127.0.0.1:$STACK_GATEWAY_PORT/wse.identity.v1.IdentityService/ExchangeIdToken
Stop with: deploy/local/down.sh
TXT
