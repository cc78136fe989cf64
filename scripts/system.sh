#!/usr/bin/env bash
# Make sure PostgreSQL and RabbitMQ are installed (apt-get, as root) and running, and the venv exists.
# `system.sh browser` also installs what only the test suite needs: headless Chromium, the test
# OpenID provider (tests/oidc, npm ci) and Debian's prometheus (promtool) (make test).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

say() { echo "[system] $*"; }
as_root() { [ "$(id -u)" = 0 ] || { echo "need root to $*" >&2; exit 1; }; }
apt_updated=""
apt_install() {
  as_root "install $*"
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null; then say "installing postgresql"; apt_install postgresql; fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "starting postgresql"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "postgresql did not come up" >&2; exit 1; }
  # a fresh Debian install has no role for root: create it (the machine's convention is trust for root)
  if ! psql -h 127.0.0.1 -U root -d postgres -Atc "select 1" >/dev/null 2>&1; then
    as_root "create the root role"
    su postgres -c "psql -Atc \"DO \\\$\\\$BEGIN CREATE ROLE root SUPERUSER LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END\\\$\\\$\"" >/dev/null
    hba="$(su postgres -c "psql -Atc 'show hba_file'")"
    if ! grep -q "lianxin-trust" "$hba"; then
      sed -i "1i host all root 127.0.0.1/32 trust # lianxin-trust\nhost all root ::1/128 trust # lianxin-trust" "$hba"
      su postgres -c "psql -Atc 'select pg_reload_conf()'" >/dev/null
    fi
  fi
}

ensure_rabbitmq_prometheus() {
  # RabbitMQ's own Prometheus endpoint on :15692 (queue depth, consumers per queue) for
  # deploy/monitoring/prometheus.yml; enabling it on the running node needs no restart
  # (the port answering is the cheap check: rabbitmq-plugins takes seconds)
  (exec 3<>/dev/tcp/127.0.0.1/15692) 2>/dev/null && return
  say "enabling rabbitmq_prometheus (:15692)"
  rabbitmq-plugins -q enable rabbitmq_prometheus >/dev/null
}

ensure_rabbitmq() {
  if ! command -v rabbitmqctl >/dev/null; then say "installing rabbitmq-server"; apt_install rabbitmq-server; fi
  if ! rabbitmqctl -q status >/dev/null 2>&1; then
    say "starting rabbitmq"
    rabbitmq-server -detached >/dev/null 2>&1 || true
    rabbitmqctl -q await_startup --timeout 60 >/dev/null 2>&1 || sleep 5
  fi
  rabbitmqctl -q status >/dev/null 2>&1 || { echo "rabbitmq did not come up" >&2; exit 1; }
  ensure_rabbitmq_prometheus
  if [ "$AMQP_VHOST" != "/" ]; then
    rabbitmqctl -q add_vhost "$AMQP_VHOST" >/dev/null 2>&1 || true
    rabbitmqctl -q set_permissions -p "$AMQP_VHOST" guest ".*" ".*" ".*" >/dev/null
  fi
}

ensure_tools() {
  command -v curl >/dev/null || { say "installing curl"; apt_install curl; }
  local python; python="$(command -v python3.11 || command -v python3 || true)"
  if [ -z "$python" ]; then say "installing python3"; apt_install python3 python3-venv python3-dev; fi
  # Debian splits venv (and ensurepip) out of python3
  python3 -c "import venv, ensurepip" 2>/dev/null || { say "installing python3-venv"; apt_install python3-venv; }
}

ensure_venv() {
  local stamp="$VENV/.installed"
  if [ ! -x "$PY" ]; then
    local python; python="$(command -v python3.11 || command -v python3)"
    say "creating $VENV with $python"
    "$python" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
    say "installing requirements.lock"
    "$PY" -m pip install -q --disable-pip-version-check -r requirements.lock
    touch "$stamp"
  fi
}

ensure_pgbouncer() {
  # (where systemd runs, the package also starts a system-wide one on 6432; scripts/pgbouncer.sh
  # starts one of its own per run dir, on PGBOUNCER_PORT)
  command -v pgbouncer >/dev/null || { say "installing pgbouncer"; apt_install pgbouncer; }
}

ensure_oidc_provider() {
  # tests/oidc: the OpenID provider the single sign-on tests sign in at (node-oidc-provider, pinned
  # by its package-lock.json; it supports Node 18 LTS and later, Debian 12 ships 18)
  command -v node >/dev/null && command -v npm >/dev/null || { say "installing nodejs and npm"; apt_install nodejs npm; }
  if [ ! -f tests/oidc/node_modules/oidc-provider/package.json ]; then
    say "installing the test OpenID provider (npm ci in tests/oidc)"
    (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

ensure_console() {
  # the web console (console/, Node >= 20.19): npm ci and a build when stale (scripts/console.sh)
  bash scripts/console.sh
}

ensure_prometheus() {
  # promtool (tests/unit/test_monitoring.py checks and unit-tests deploy/monitoring) and the
  # prometheus binary the e2e test scrapes the system with; the tests start their own, never
  # the package's service
  command -v promtool >/dev/null && command -v prometheus >/dev/null && return
  say "installing prometheus (promtool)"
  as_root "install prometheus"
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # where services start on install (no policy-rc.d), the package's own one would scrape on :9090 for
  # nothing: stop it (only here, right after installing it; an operator's own Prometheus is left alone)
  invoke-rc.d prometheus stop >/dev/null 2>&1 || true
}

ensure_browser() {
  # tests/e2e/test_docs.py renders /docs in Debian's Chromium (no browser download of its own)
  command -v chromium >/dev/null || { say "installing chromium"; apt_install chromium; }
  # a small Chinese font, so screenshots show the Chinese text instead of empty boxes
  [ -n "$(fc-list :lang=zh 2>/dev/null)" ] || { say "installing fonts-wqy-microhei"; apt_install fonts-wqy-microhei; }
}

ensure_tools
ensure_postgres
ensure_rabbitmq
if [ "$PGBOUNCER" = 1 ]; then ensure_pgbouncer; fi
ensure_venv
ensure_console
for extra in "$@"; do
  case "$extra" in
    browser) ensure_browser; ensure_oidc_provider; ensure_prometheus ;;
    *) echo "system.sh: unknown extra '$extra' (known: browser)" >&2; exit 2 ;;
  esac
done
