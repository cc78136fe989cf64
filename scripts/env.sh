# Sourced by the scripts: every setting has a default and can be overridden from the environment.
export RUN_DIR="${RUN_DIR:-.run}"
export DB_PREFIX="${DB_PREFIX:-lianxin}"
export AMQP_VHOST="${AMQP_VHOST:-/}"
if [ "$AMQP_VHOST" = "/" ]; then _vh="/"; else _vh="$AMQP_VHOST"; fi
export AMQP_URI="${AMQP_URI:-pyamqp://guest:guest@127.0.0.1:5672/$_vh}"
# PostgreSQL: PG_DIRECT_URL is the server (migrations, admin); PG_URL is what the processes use.
# PGBOUNCER=1 puts a PgBouncer (transaction pooling, scripts/pgbouncer.sh) on PGBOUNCER_PORT in between.
export PGBOUNCER="${PGBOUNCER:-0}"
export PGBOUNCER_PORT="${PGBOUNCER_PORT:-6543}"  # not 6432: Debian's own pgbouncer service may hold that
export PG_DIRECT_URL="${PG_DIRECT_URL:-${PG_URL:-postgresql+psycopg://root@127.0.0.1:5432}}"
if [ "$PGBOUNCER" = 1 ]; then
  export PG_URL="postgresql+psycopg://root@127.0.0.1:$PGBOUNCER_PORT" DB_PGBOUNCER=1
else
  export PG_URL="${PG_URL:-$PG_DIRECT_URL}" DB_PGBOUNCER="${DB_PGBOUNCER:-0}"
fi
export GATEWAY_ADDRESS="${GATEWAY_ADDRESS:-0.0.0.0:8000}"
# metrics ports answer anyone who reaches them: loopback only in development (containers bind 0.0.0.0
# for Prometheus, see docker-compose.yml and deploy/k8s/configmap.yaml)
export GATEWAY_METRICS_ADDRESS="${GATEWAY_METRICS_ADDRESS:-127.0.0.1:9100}"
export SUGGESTION_METRICS_ADDRESS="${SUGGESTION_METRICS_ADDRESS:-127.0.0.1:9101}"
export ASSIGNMENT_METRICS_ADDRESS="${ASSIGNMENT_METRICS_ADDRESS:-127.0.0.1:9102}"
export STATION_METRICS_ADDRESS="${STATION_METRICS_ADDRESS:-127.0.0.1:9103}"
export EVALUATION_METRICS_ADDRESS="${EVALUATION_METRICS_ADDRESS:-127.0.0.1:9104}"
export NOTIFY_METRICS_ADDRESS="${NOTIFY_METRICS_ADDRESS:-127.0.0.1:9105}"
export IDENTITY_METRICS_ADDRESS="${IDENTITY_METRICS_ADDRESS:-127.0.0.1:9106}"
# `make up`, `make token` and the tests are development: unset secrets take the published development
# values (services/common/secret_check.py). Anything else (LIANXIN_ENV=production) must set real ones.
export LIANXIN_ENV="${LIANXIN_ENV:-development}"
export PSYCOPG_WAIT_FUNC=wait_select
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
SERVICES="suggestion assignment station evaluation notify identity"
# process name -> nameko service path
svc_target() {
  case "$1" in
    gateway) echo "--config gateway/config.yml gateway.service:GatewayService" ;;
    *) local cls="$(echo "${1:0:1}" | tr a-z A-Z)${1:1}Service"
       echo "--config services/$1/config.yml services.$1.service:$cls" ;;
  esac
}
gateway_url() { echo "http://127.0.0.1:${GATEWAY_ADDRESS##*:}"; }
