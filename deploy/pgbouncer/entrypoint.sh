#!/bin/sh
# Writes PgBouncer's config from the environment into /tmp (the root filesystem is read-only), then
# runs it in the foreground on 0.0.0.0:6432.
#   PGBOUNCER_UPSTREAM  postgresql://USER[:PASSWORD]@HOST[:PORT] - PostgreSQL itself (required);
#                       without a password in it, PGPASSWORD is used
#   PGBOUNCER_POOL_SIZE server connections per database (5); PGBOUNCER_MAX_CLIENTS (1000)
# Clients log in with the same user and password (SCRAM); every database is passed through.
set -eu
url="${PGBOUNCER_UPSTREAM:?PGBOUNCER_UPSTREAM (postgresql://user:password@host:port) is not set}"
rest="${url#*://}"; cred="${rest%%@*}"; hostport="${rest#*@}"; hostport="${hostport%%/*}"
user="${cred%%:*}"; password=""
case "$cred" in *:*) password="${cred#*:}" ;; esac
password="${password:-${PGPASSWORD:-}}"
[ -n "$password" ] || { echo "pgbouncer: no password in PGBOUNCER_UPSTREAM nor PGPASSWORD" >&2; exit 1; }
host="${hostport%%:*}"; port=5432
case "$hostport" in *:*) port="${hostport#*:}" ;; esac
dir=/tmp/pgbouncer; mkdir -p "$dir"; umask 077
printf '"%s" "%s"\n' "$user" "$password" >"$dir/userlist.txt"
cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=$host port=$port
[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = ${PGBOUNCER_POOL_SIZE:-5}
max_client_conn = ${PGBOUNCER_MAX_CLIENTS:-1000}
server_idle_timeout = 60
log_connections = 0
log_disconnections = 0
INI
exec pgbouncer "$dir/pgbouncer.ini"
