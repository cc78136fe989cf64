#!/usr/bin/env bash
# make down: stop the gateway, every service and PgBouncer (PostgreSQL and RabbitMQ keep running).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
for name in gateway $SERVICES; do bash scripts/svc.sh stop "$name"; done
bash scripts/pgbouncer.sh stop   # if `PGBOUNCER=1 make up` started one
