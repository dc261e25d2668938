#!/bin/sh
# Backs up the platform's database (README "Production", "Backup and restore").
#
#   scripts/backup.sh embedded <DATA_DIR> <backup.tar.gz>
#       The embedded TimescaleDB (no DATABASE_URL): a file copy of <DATA_DIR>/db, taken while the
#       service is STOPPED (its database serves one process and has no online dump: PGlite is
#       PostgreSQL 17 in WebAssembly, served only while the service runs, and Debian's pg_dump 15
#       cannot dump a newer server). Refused while a process still serves that directory.
#   scripts/backup.sh server <DATABASE_URL> <backup.dump>
#       A database server, online: pg_dump's custom format (pg_restore reads it; compressed).
#       pg_dump must be at least the server's major version.
#
# restore.sh puts either back. Keep backups off the machine, encrypted: they hold health data.
set -eu
usage() { echo "usage: scripts/backup.sh embedded <DATA_DIR> <backup.tar.gz> | server <DATABASE_URL> <backup.dump>" >&2; exit 2; }
[ $# -eq 3 ] || usage
kind=$1 source=$2 out=$3
umask 077

case "$kind" in
  embedded)
    db="$source/db"
    [ -f "$db/PG_VERSION" ] || { echo "backup: $db holds no embedded database" >&2; exit 1; }
    abs=$(cd "$db" && pwd -P)
    # the service's database process names its directory in its environment
    for env in /proc/[0-9]*/environ; do
      if { tr '\0' '\n' < "$env"; } 2>/dev/null | grep -qx "TM_EMBEDDED_DB_DIR=$abs"; then
        pid=${env#/proc/}; pid=${pid%/environ}
        echo "backup: the embedded database in $db is in use (process $pid): stop the service first" >&2
        exit 1
      fi
    done
    tmp="$out.partial"
    tar -czf "$tmp" -C "$source" db
    tar -tzf "$tmp" >/dev/null
    mv "$tmp" "$out"
    ;;
  server)
    command -v pg_dump >/dev/null || { echo "backup: pg_dump is not installed" >&2; exit 1; }
    tmp="$out.partial"
    pg_dump --format=custom --no-owner --no-privileges --dbname="$source" --file="$tmp"
    pg_restore --list "$tmp" >/dev/null
    mv "$tmp" "$out"
    ;;
  *) usage ;;
esac
echo "backup: $kind database saved to $out ($(wc -c < "$out") bytes)"
