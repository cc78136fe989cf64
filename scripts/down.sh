#!/usr/bin/env bash
# make down: stop the gateway and every service (PostgreSQL and RabbitMQ keep running).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
for name in gateway $SERVICES; do bash scripts/svc.sh stop "$name"; done
