#!/usr/bin/env bash
# Restore scripts/backup.sh's dumps into fresh databases <PREFIX>_<service> (created here; an existing
# one is refused, never overwritten: drop it yourself, or restore beside it under another prefix and
# point DB_PREFIX at it). deploy/README.md "Backup and restore".
#   scripts/restore.sh DIR [PREFIX]      PREFIX defaults to DB_PREFIX (lianxin)
# Where PostgreSQL is: as scripts/backup.sh (libpq's environment, or PG_EXEC, e.g.
# PG_EXEC="docker-compose exec -T postgres" PGUSER=lianxin). Stop the services before restoring over
# the names they use.
set -euo pipefail
dir="${1:?usage: scripts/restore.sh DIR [PREFIX]}"
prefix="${2:-${DB_PREFIX:-lianxin}}"
read -r -a exec_prefix <<<"${PG_EXEC:-}"
user_arg=(); [ -n "${PGUSER:-}" ] && user_arg=(-U "$PGUSER")
[ -f "$dir/MANIFEST" ] || { echo "[restore] $dir/MANIFEST is missing: not a scripts/backup.sh directory" >&2; exit 1; }
services="$(awk '!/^#/ {print $1}' "$dir/MANIFEST")"
for svc in $services; do
  db="${prefix}_${svc}"
  exists="$("${exec_prefix[@]}" psql "${user_arg[@]}" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")"
  [ -z "$exists" ] || { echo "[restore] $db exists; refusing to restore over it" >&2; exit 1; }
done
for svc in $services; do
  db="${prefix}_${svc}"
  "${exec_prefix[@]}" createdb "${user_arg[@]}" "$db"
  # --no-owner: the restoring user owns what it restores (the account may differ from the backup's);
  # a single transaction: a dump that does not restore whole leaves an empty database, not half a one
  "${exec_prefix[@]}" pg_restore "${user_arg[@]}" --no-owner --exit-on-error --single-transaction -d "$db" <"$dir/$svc.dump"
  echo "[restore] $dir/$svc.dump -> $db"
done
