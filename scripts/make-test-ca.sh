#!/bin/sh
# Makes a THROW-AWAY certificate authority and one server certificate signed by it, for tests and
# local trials of the TLS paths (Mosquitto's 8883 listener, the reverse proxy). Never for patients:
# the CA key is written next to the certificates, unencrypted.
#
#   scripts/make-test-ca.sh <dir> [extra-dns-name ...]
#
# Writes into <dir> (created if missing):
#   ca.crt      the CA certificate: give it to gateways (--ca / "ca") and to ingestion (NODE_EXTRA_CA_CERTS)
#   ca.key      the CA key (throw-away)
#   server.crt  server certificate for localhost, 127.0.0.1, ::1, mosquitto, proxy (+ the extra names), 30 days
#   server.key  its key (mode 0644 so a broker running as another user can read it in a trial)
# Production uses certificates from the region's own CA or ACME instead; the file names are the same.
set -eu
dir=${1:?usage: scripts/make-test-ca.sh <dir> [extra-dns-name ...]}
shift
mkdir -p "$dir"
cd "$dir"

san="DNS:localhost,IP:127.0.0.1,IP:::1,DNS:mosquitto,DNS:proxy"
for name in "$@"; do san="$san,DNS:$name"; done

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 \
  -keyout ca.key -out ca.crt -subj "/CN=telemonitoring throw-away test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -sha256 \
  -extfile server.ext -out server.crt 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 0644 ca.crt server.crt server.key
chmod 0600 ca.key
openssl verify -CAfile ca.crt server.crt >/dev/null
echo "test CA and server certificate ($san) in $(pwd)"
