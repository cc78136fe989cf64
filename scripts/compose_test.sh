#!/usr/bin/env bash
# `make compose-test`: what a new machine of ours does with the deployment files. Installs Docker, compose
# and debootstrap when missing and starts dockerd (scripts/docker_engine.sh), makes the Debian base from
# the mirror unless it exists (scripts/base_image.sh: the cache between runs), builds the four images,
# then tests/compose brings the compose stack up on its own ports and project name (LIANXIN_TEST_ID),
# runs the README's lifecycle with real sign-in, a few end-to-end checks, backup and restore, checks
# that every container runs as non-root on a read-only root filesystem, and takes it all down again.
# Arguments go to pytest. Environment: BASE_IMAGE, DEBIAN_MIRROR (scripts/base_image.sh), PIP_INDEX_URL
# (else pip's configured index-url when it is http(s), else PyPI), CONSOLE_BUILD=0 (use console/dist as is).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
COMPOSE="$(bash scripts/docker_engine.sh)"
BASE_IMAGE="$(bash scripts/base_image.sh | tail -n 1)"
if [ -z "${PIP_INDEX_URL:-}" ]; then
  PIP_INDEX_URL="$(.venv/bin/python -m pip config get global.index-url 2>/dev/null || true)"
  case "$PIP_INDEX_URL" in http://*|https://*) ;; *) PIP_INDEX_URL=https://pypi.org/simple ;; esac
fi
IMAGE_TAG="ct${LIANXIN_TEST_ID:-0}"
export COMPOSE BASE_IMAGE PIP_INDEX_URL IMAGE_TAG

# The image carries the console as built on this host (it needs Node.js >= 20.19; Debian 12 has 18).
if [ "${CONSOLE_BUILD:-1}" != 0 ] && command -v npm >/dev/null; then bash scripts/console.sh; fi
[ -f console/dist/index.html ] || { echo "[compose-test] console/dist is missing: run scripts/console.sh" >&2; exit 1; }

build() {  # tag, context, extra build args; the classic builder (docker.io 20.10 has no buildx)
  echo "[compose-test] building $1 from $BASE_IMAGE" >&2
  local log; log="$(mktemp)"
  DOCKER_BUILDKIT=0 docker build --label lianxin.built-by=compose-test --build-arg BASE_IMAGE="$BASE_IMAGE" \
    -t "$1" "${@:3}" "$2" >"$log" 2>&1 \
    || { tail -40 "$log" >&2; rm -f "$log"; echo "[compose-test] building $1 failed" >&2; exit 1; }
  rm -f "$log"
}
build "lianxin:$IMAGE_TAG" . --build-arg PIP_INDEX_URL="$PIP_INDEX_URL"
build "lianxin-pgbouncer:$IMAGE_TAG" deploy/pgbouncer
build "lianxin-postgres:$IMAGE_TAG" deploy/images/postgres
build "lianxin-rabbitmq:$IMAGE_TAG" deploy/images/rabbitmq
# the images these builds replaced (untagged now): they would pile up run after run
docker image prune -f --filter label=lianxin.built-by=compose-test >/dev/null
echo "[compose-test] images ready in $((SECONDS - started))s" >&2
exec .venv/bin/python -m pytest tests/compose "$@"
