#!/bin/sh
# Writes the broker's password file from the environment, then runs Mosquitto.
# INGESTION_MQTT_PASSWORD: the platform's password. GATEWAY_CREDENTIALS: "id:secret id:secret ...".
set -eu
passwd=/mosquitto/data/passwd
: > "$passwd"
chmod 0700 "$passwd"
mosquitto_passwd -b "$passwd" ingestion "$INGESTION_MQTT_PASSWORD"
for pair in ${GATEWAY_CREDENTIALS:-}; do
  mosquitto_passwd -b "$passwd" "${pair%%:*}" "${pair#*:}"
done
chown mosquitto:mosquitto "$passwd" 2>/dev/null || true
exec mosquitto -c /mosquitto/config/mosquitto.conf
