#!/usr/bin/env bash
# What the tests need from Debian, installed when missing, so `npm test` is the only step on a
# fresh Debian machine: Chromium for the browser tests, Mosquitto (with mosquitto_ctrl and the
# dynamic security plugin) for the broker and production-path tests, nginx to check the reverse
# proxy's configuration, openssl for the throw-away CA, redis-server for the production path.
# Nothing is downloaded by npm. Without root (or sudo) it names what to install and stops.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
{ command -v mosquitto && command -v mosquitto_ctrl && command -v mosquitto_passwd; } >/dev/null || need+=(mosquitto mosquitto-clients)
command -v nginx >/dev/null || need+=(nginx)
command -v openssl >/dev/null || need+=(openssl)
command -v redis-server >/dev/null || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo -n); else
    echo "npm test needs these Debian packages: ${need[*]} — install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "npm test needs: ${need[*]} (no apt-get here: install them with your system's package manager)" >&2
  exit 1
fi
echo "installing the Debian packages the tests need: ${need[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
