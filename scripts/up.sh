#!/usr/bin/env bash
# make up: install what is missing, start PostgreSQL and RabbitMQ, migrate, declare the
# topology, start every service and the gateway, and return when /readyz is 200.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
bash scripts/system.sh
mkdir -p "$RUN_DIR"
if [ "$PGBOUNCER" = 1 ]; then bash scripts/pgbouncer.sh start; fi
echo "[up] migrating (${DB_PREFIX}_*)"
PG_URL="$PG_DIRECT_URL" "$PY" -m services.common.migrate   # straight to PostgreSQL, never through PgBouncer
# first run: the first administrator and security administrator (one-time passwords shown once;
# later runs say they exist). docs/identity.md "How a new office creates its accounts"
PG_URL="$PG_DIRECT_URL" "$PY" -m services.identity.bootstrap
echo "[up] declaring the RabbitMQ topology"
"$PY" -m services.common.topology >/dev/null
for name in $SERVICES gateway; do bash scripts/svc.sh start "$name"; done
url="$(gateway_url)/readyz"
deadline=$((SECONDS + ${READY_TIMEOUT:-90}))
while [ $SECONDS -lt $deadline ]; do
  if curl -fsS -m 3 "$url" >/dev/null 2>&1; then echo "[up] ready: $url"; exit 0; fi
  sleep 0.5
done
echo "[up] not ready after ${READY_TIMEOUT:-90}s: $(curl -s -m 3 "$url" || echo 'gateway not answering')" >&2
for name in $SERVICES gateway; do
  bash scripts/svc.sh status "$name" >/dev/null || { echo "--- $name is not running; last log lines:" >&2; tail -n 15 "$RUN_DIR/$name.log" >&2; }
done
exit 1
