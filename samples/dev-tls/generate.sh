#!/usr/bin/env bash
# Regenerates the DEVELOPMENT-ONLY TLS material of the samples (EC P-256): a throw-away CA and one
# certificate for localhost / 127.0.0.1 that every sample uses as server and client identity.
# The CA key is not kept, so nothing else can ever be signed by this CA.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key"
openssl req -x509 -new -key "$tmp/ca.key" -sha256 -days 36500 -subj "/CN=RpcNet Samples DEVELOPMENT ONLY CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out server.key
openssl req -new -key server.key -subj "/CN=localhost" -out "$tmp/server.csr"
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" > "$tmp/ext"
openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey "$tmp/ca.key" -set_serial 0x$(openssl rand -hex 8) -days 36500 -sha256 \
  -extfile "$tmp/ext" -out server.pem
openssl verify -CAfile ca.pem server.pem
