#!/usr/bin/env bash
# Development certificates for running TLS on one machine: a throwaway CA, one certificate the
# services share (server and client use, for 127.0.0.1 and localhost), one for the gateway as a
# client and one for MariaDB as a server. Never for production: keys are unencrypted and live in
# the run folder.
#   deploy/local/dev_certs.sh <folder>     (makes only what is missing)
set -euo pipefail
dir="$1"
mkdir -p "$dir"
cd "$dir"
umask 077
[ -f ca.pem ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -keyout ca.key -out ca.pem -subj "/CN=WSE-loket development CA" 2>/dev/null
issue() { # name extendedKeyUsage
  [ -f "$1.pem" ] && return 0
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$1.key" -out "$1.csr" -subj "/CN=wse-$1" 2>/dev/null
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
    "extendedKeyUsage=$2" "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue service serverAuth,clientAuth
issue gateway clientAuth
issue mariadb serverAuth
chmod 644 ca.pem service.pem gateway.pem mariadb.pem
