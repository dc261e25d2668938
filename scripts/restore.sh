#!/bin/sh
# Restores a backup made by scripts/backup.sh (README "Production", "Backup and restore").
#
#   scripts/restore.sh embedded <backup.tar.gz> <DATA_DIR>
#       Into a DATA_DIR that has no database yet (move the old <DATA_DIR>/db aside first), with the
#       service stopped; start the service on that DATA_DIR afterwards.
#   scripts/restore.sh server <backup.dump> <DATABASE_URL>
#       Into an existing, empty database (CREATE DATABASE ... first). When the backup holds the
#       timescaledb extension, the extension is created and the restore is wrapped in
#       timescaledb_pre_restore() / timescaledb_post_restore(), as TimescaleDB requires (the server
#       needs the same timescaledb version as the one backed up). Stops at the first error.
set -eu
usage() { echo "usage: scripts/restore.sh embedded <backup.tar.gz> <DATA_DIR> | server <backup.dump> <DATABASE_URL>" >&2; exit 2; }
[ $# -eq 3 ] || usage
kind=$1 backup=$2 target=$3
[ -f "$backup" ] || { echo "restore: no backup at $backup" >&2; exit 1; }

case "$kind" in
  embedded)
    if [ -e "$target/db" ] && [ -n "$(ls -A "$target/db" 2>/dev/null)" ]; then
      echo "restore: $target/db already holds a database; move it aside (the service stopped) and run this again" >&2
      exit 1
    fi
    tar -tzf "$backup" | grep -qx 'db/PG_VERSION' || { echo "restore: $backup is not an embedded-database backup" >&2; exit 1; }
    mkdir -p "$target"
    tar -xzf "$backup" -C "$target" db
    ;;
  server)
    command -v pg_restore >/dev/null || { echo "restore: pg_restore is not installed" >&2; exit 1; }
    tables=$(psql -X -A -t -v ON_ERROR_STOP=1 -d "$target" -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema','_timescaledb_catalog','_timescaledb_config','_timescaledb_internal','_timescaledb_cache','timescaledb_information','timescaledb_experimental')")
    [ "$tables" = 0 ] || { echo "restore: the target database is not empty ($tables tables); restore into a new database" >&2; exit 1; }
    if pg_restore --list "$backup" | grep -q ' EXTENSION - timescaledb'; then
      psql -X -q -v ON_ERROR_STOP=1 -d "$target" -c 'CREATE EXTENSION IF NOT EXISTS timescaledb' -c 'SELECT timescaledb_pre_restore()' >/dev/null
      pg_restore --exit-on-error --no-owner --no-privileges --dbname="$target" "$backup"
      psql -X -q -v ON_ERROR_STOP=1 -d "$target" -c 'SELECT timescaledb_post_restore()' -c 'ANALYZE' >/dev/null
    else
      pg_restore --exit-on-error --no-owner --no-privileges --dbname="$target" "$backup"
      psql -X -q -v ON_ERROR_STOP=1 -d "$target" -c 'ANALYZE' >/dev/null
    fi
    ;;
  *) usage ;;
esac
echo "restore: $kind database restored from $backup"
