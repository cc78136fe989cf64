#!/usr/bin/env bash
# Build the web console (console/) when it is missing or stale; the gateway serves console/dist at "/"
# (gateway/console.py). Run by scripts/system.sh (make up, make test-tools) and scripts/test_all.py.
#   npm ci       when console/node_modules is missing or older than console/package-lock.json
#   npm run build when a source is newer than console/dist/index.html
# CONSOLE_BUILD=0 skips it (the gateway then answers / with a 503 text saying how to build it).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[console] $*"; }
apt_install() {
  [ "$(id -u)" = 0 ] || { echo "need root to install $*" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

node_ok() {
  # Vite 8 needs Node >= 20.19 (Debian 12's own nodejs is 18: install Node 20 from NodeSource then)
  command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'
}

build_console() {
  # console/: the web console, served by the gateway from console/dist (gateway/console.py).
  # npm ci when node_modules is missing or older than the lock file; a build when a source is newer
  # than the build. CONSOLE_BUILD=0 skips it (the gateway then answers / with a 503 text).
  [ "${CONSOLE_BUILD:-1}" = 1 ] || return 0
  command -v node >/dev/null && command -v npm >/dev/null || { say "installing nodejs and npm"; apt_install nodejs npm; }
  if ! node_ok; then
    say "the console needs Node.js >= 20.19 (found $(node --version 2>/dev/null || echo none)): not built; / answers 503"
    return 0
  fi
  local stamp=console/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ console/package-lock.json -nt "$stamp" ]; then
    say "installing the console's packages (npm ci in console)"
    (cd console && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  local index=console/dist/index.html
  if [ ! -f "$index" ] || [ -n "$(find console/src console/index.html console/vite.config.ts console/tsconfig.json \
        console/package.json console/package-lock.json -newer "$index" -print -quit 2>/dev/null)" ]; then
    say "building the console (npm run build in console)"
    (cd console && npm run build --silent >/dev/null)
  fi
}

build_console
