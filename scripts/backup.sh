#!/usr/bin/env bash
# Back up every service's database: pg_dump -Fc (custom format, compressed) of <DB_PREFIX>_<service>
# into DIR/<service>.dump, plus DIR/MANIFEST (when, from where, each dump's size). deploy/README.md
# "Backup and restore".
#   scripts/backup.sh DIR
# Where PostgreSQL is: libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD) for this host's
# pg_dump, or PG_EXEC, a command prefix that runs pg_dump next to the server, e.g. in compose:
#   PG_EXEC="docker-compose exec -T postgres" PGUSER=lianxin scripts/backup.sh /srv/backup/$(date +%F)
# DB_PREFIX (lianxin) and SERVICES (the six) name the databases.
set -euo pipefail
dir="${1:?usage: scripts/backup.sh DIR}"
prefix="${DB_PREFIX:-lianxin}"
services="${SERVICES:-suggestion assignment station evaluation notify identity}"
read -r -a exec_prefix <<<"${PG_EXEC:-}"
user_arg=(); [ -n "${PGUSER:-}" ] && user_arg=(-U "$PGUSER")
mkdir -p "$dir"
echo "# lianxin backup $(date -u +%Y-%m-%dT%H:%M:%SZ) prefix=$prefix host=${PGHOST:-${PG_EXEC:-local}}" >"$dir/MANIFEST"
for svc in $services; do
  db="${prefix}_${svc}"
  # to a temporary name first: a dump that fails half-way never looks like a whole one
  "${exec_prefix[@]}" pg_dump -Fc "${user_arg[@]}" -d "$db" >"$dir/$svc.dump.part"
  mv "$dir/$svc.dump.part" "$dir/$svc.dump"
  echo "$svc $db $(stat -c %s "$dir/$svc.dump")" >>"$dir/MANIFEST"
  echo "[backup] $db -> $dir/$svc.dump"
done
