#!/usr/bin/env bash
# A working Docker engine and compose for `make compose-test` (and scripts/base_image.sh), idempotently:
# installs Debian's docker.io, docker-compose and debootstrap when missing, and starts dockerd in the
# background when `docker info` fails (no systemd needed; its log in /var/log/lianxin-dockerd.log).
# Prints the compose command to use: `docker compose` when the plugin is there, else `docker-compose`.
set -euo pipefail
say() { echo "[docker] $*" >&2; }
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
if ! docker info >/dev/null 2>&1; then
  exec 9>/run/lianxin-dockerd.lock; flock 9   # two runs at once start one daemon
  if ! docker info >/dev/null 2>&1; then
    if [ -d /run/systemd/system ]; then systemctl start docker >&2
    else say "starting dockerd"; setsid nohup dockerd >>/var/log/lianxin-dockerd.log 2>&1 </dev/null & fi  # outlives this run
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { say "dockerd did not answer; /var/log/lianxin-dockerd.log:"; tail -20 /var/log/lianxin-dockerd.log >&2; exit 1; }
  fi
  flock -u 9
fi
if docker compose version >/dev/null 2>&1; then echo "docker compose"; else echo "docker-compose"; fi
