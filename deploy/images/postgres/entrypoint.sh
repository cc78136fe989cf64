#!/bin/sh
# First start: initdb into $PGDATA with POSTGRES_USER as superuser (password POSTGRES_PASSWORD, SCRAM).
# Every start: the server in the foreground, listening on every address, its socket in /tmp (PGHOST: a
# tmpfs where the root filesystem is read-only; a tmpfs on /var/run/postgresql would be root's).
set -eu
: "${POSTGRES_USER:?POSTGRES_USER is not set}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set}"
  pwfile="$(mktemp)"; printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
         --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "postgres: made the cluster in $PGDATA (superuser $POSTGRES_USER)"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "$@"
