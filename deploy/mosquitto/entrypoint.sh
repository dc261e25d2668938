#!/bin/sh
# Runs Mosquitto with the dynamic security plugin (deploy/mosquitto/mosquitto.conf).
#
# On the first start (no dynamic-security.json in the data volume yet) it creates the plugin's
# file with what the platform needs, and nothing per gateway:
#   platform-admin  password MQTT_ADMIN_PASSWORD: role platform-admin, only $CONTROL/dynamic-security/#
#                   (the platform creates, rotates and revokes gateways with it at run time)
#   ingestion       password INGESTION_MQTT_PASSWORD: role ingestion, reads gateways' measurements
#                   and status, writes receipts only
#   default access  deny (publish, receive, subscribe)
# Each gateway gets its own client and role from the platform at enrolment (README "Production",
# "Broker accounts"): Mosquitto 2.0's dynamic security has no %u/%c substitution in ACLs (2.1
# adds it), so a shared "gateway" role could not confine a gateway to its own topics.
# It does so through a bootstrap broker on the loopback only, with mosquitto_ctrl, then runs the
# real broker in its place. Later starts keep the file (and every gateway in it) as it is; the
# passwords of platform-admin and ingestion are then changed over $CONTROL (setClientPassword).
#
# Environment (defaults are the container's; the native test points them elsewhere):
#   MOSQUITTO_CONF            the broker configuration (/mosquitto/config/mosquitto.conf)
#   MOSQUITTO_BOOTSTRAP_PORT  loopback port of the bootstrap broker (1884)
set -eu
conf=${MOSQUITTO_CONF:-/mosquitto/config/mosquitto.conf}
bootstrap_port=${MOSQUITTO_BOOTSTRAP_PORT:-1884}

setting() { sed -n "s/^$1[[:space:]]\{1,\}//p" "$conf" | head -n 1; }
dynsec_file=$(setting plugin_opt_config_file)
plugin=$(setting plugin)
[ -n "$dynsec_file" ] && [ -n "$plugin" ] || { echo "entrypoint: $conf names no plugin / plugin_opt_config_file" >&2; exit 1; }
data_dir=$(dirname "$dynsec_file")
mkdir -p "$data_dir"
own() { if [ "$(id -u)" = 0 ] && id mosquitto >/dev/null 2>&1; then chown -R mosquitto:mosquitto "$data_dir"; fi; }

if [ ! -s "$dynsec_file" ]; then
  : "${MQTT_ADMIN_PASSWORD:?MQTT_ADMIN_PASSWORD must be set (the platform's broker administration account)}"
  : "${INGESTION_MQTT_PASSWORD:?INGESTION_MQTT_PASSWORD must be set (the ingestion service's broker account)}"
  echo "entrypoint: first start, creating $dynsec_file"
  umask 077
  tmp="$dynsec_file.new"
  rm -f "$tmp"
  # A throw-away administrator for the bootstrap only (removed at the end); the platform's own
  # account never holds more than its role.
  boot_password=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
  mosquitto_ctrl dynsec init "$tmp" bootstrap "$boot_password" >/dev/null
  boot_conf="$data_dir/bootstrap.conf"
  cat > "$boot_conf" <<EOF
per_listener_settings false
allow_anonymous false
listener $bootstrap_port 127.0.0.1
plugin $plugin
plugin_opt_config_file $tmp
persistence false
log_dest stderr
log_type error
EOF
  own
  mosquitto -c "$boot_conf" &
  boot_pid=$!
  trap 'kill "$boot_pid" 2>/dev/null || true' EXIT
  # One request per account over the plugin's topic (mosquitto_rr waits for the answer). Not
  # mosquitto_ctrl's setDefaultACLAccess: the 2.0.11 one answers success and changes nothing.
  control() {
    user=$1 password=$2 commands=$3
    answer=$(mosquitto_rr -h 127.0.0.1 -p "$bootstrap_port" -u "$user" -P "$password" -q 1 -W 10 \
      -t '$CONTROL/dynamic-security/v1' -e '$CONTROL/dynamic-security/v1/response' \
      -m "{\"commands\":[$commands]}" 2>&1) || { echo "entrypoint: the bootstrap broker did not answer: $answer" >&2; return 1; }
    case "$answer" in
      *'"error"'*) echo "entrypoint: dynamic security refused: $answer" >&2; return 1 ;;
    esac
  }
  tries=0
  until control bootstrap "$boot_password" '{"command":"getDefaultACLAccess"}' 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 50 ] || { echo "entrypoint: the bootstrap broker did not start" >&2; exit 1; }
    sleep 0.2
  done
  json_string() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }
  acl() { printf '{"acltype":"%s","topic":"%s","allow":true}' "$1" "$2"; }
  M=tm/v1/gateways/+/measurements S=tm/v1/gateways/+/status R=tm/v1/gateways/+/receipts
  C='$CONTROL/dynamic-security/#'
  control bootstrap "$boot_password" "$(cat <<JSON
{"command":"createRole","rolename":"platform-admin","textname":"the platform's broker administration: the plugin's control topics only",
 "acls":[$(acl publishClientSend "$C"),$(acl publishClientReceive "$C"),$(acl subscribePattern "$C"),$(acl unsubscribePattern "$C")]},
{"command":"createClient","username":"platform-admin","password":$(json_string "$MQTT_ADMIN_PASSWORD"),"roles":[{"rolename":"platform-admin"}]},
{"command":"createRole","rolename":"ingestion","textname":"reads gateways' batches and status, writes receipts",
 "acls":[$(acl subscribePattern "\$share/ingestion/$M"),$(acl subscribePattern "$M"),$(acl publishClientReceive "$M"),
         $(acl subscribePattern "\$share/ingestion/$S"),$(acl subscribePattern "$S"),$(acl publishClientReceive "$S"),
         $(acl publishClientSend "$R"),
         $(acl subscribeLiteral '$SYS/broker/uptime'),$(acl publishClientReceive '$SYS/broker/uptime')]},
{"command":"createClient","username":"ingestion","password":$(json_string "$INGESTION_MQTT_PASSWORD"),"roles":[{"rolename":"ingestion"}]},
{"command":"setDefaultACLAccess","acls":[{"acltype":"publishClientSend","allow":false},{"acltype":"publishClientReceive","allow":false},
 {"acltype":"subscribe","allow":false},{"acltype":"unsubscribe","allow":true}]}
JSON
)" || exit 1
  # The bootstrap administrator goes, removed by platform-admin (a client removing itself is cut
  # off before it hears the answer).
  control platform-admin "$MQTT_ADMIN_PASSWORD" '{"command":"deleteClient","username":"bootstrap"},{"command":"deleteRole","rolename":"admin"}' || exit 1

  kill "$boot_pid"
  wait "$boot_pid" 2>/dev/null || true
  trap - EXIT
  rm -f "$boot_conf"
  mv "$tmp" "$dynsec_file"
  echo "entrypoint: broker accounts platform-admin and ingestion (roles of the same names) created; gateways are enrolled by the platform"
else
  echo "entrypoint: keeping $dynsec_file (accounts and gateways are administered over \$CONTROL/dynamic-security/v1)"
fi
own
exec mosquitto -c "$conf"
