#!/usr/bin/env bash
# The base every Lianxin image is built FROM (Dockerfile, deploy/images/*, deploy/pgbouncer): a minimal
# Debian 12 made with debootstrap from a Debian mirror and `docker import`ed - no Docker Hub needed.
#   scripts/base_image.sh            make lianxin-base:bookworm unless an image with that tag exists
#   REBUILD=1 scripts/base_image.sh  make it again (e.g. for the mirror's security updates)
# Environment:
#   DEBIAN_MIRROR   the mirror (default: the first Debian mirror in this host's apt sources,
#                   else http://deb.debian.org/debian)
#   DEBIAN_SECURITY_MIRROR  bookworm-security's mirror (default: this host's, else deb.debian.org's;
#                   "none" leaves it out)
#   LOCAL_CA_DIR    certificates (*.crt) the images must trust - a company's proxy or registry CA
#                   (default /usr/local/share/ca-certificates, Debian's place for local CAs; "" for none)
#   BASE_IMAGE      use this image instead (e.g. harbor.example.org/library/debian:bookworm-slim):
#                   it is pulled when missing and nothing is bootstrapped
# Prints the base image's name on its last line.
set -euo pipefail
TAG=lianxin-base:bookworm
BASE_IMAGE="${BASE_IMAGE:-$TAG}"
say() { echo "[base_image] $*" >&2; }

if [ "$BASE_IMAGE" != "$TAG" ]; then
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || docker pull "$BASE_IMAGE" >&2
  echo "$BASE_IMAGE"; exit 0
fi
if [ "${REBUILD:-0}" != 1 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  say "$TAG exists (REBUILD=1 makes it again)"; echo "$TAG"; exit 0
fi

# The host's own mirror: one-line (sources.list) and deb822 (*.sources) formats.
host_mirror() {  # $1: a regex the URL must match
  { grep -hs -E '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'
    grep -hs -E '^\s*URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
  } | grep -E "$1" | head -n 1
}
mirror="${DEBIAN_MIRROR:-$(host_mirror '/debian/?$' || true)}"; mirror="${mirror:-http://deb.debian.org/debian}"
security="${DEBIAN_SECURITY_MIRROR:-$(host_mirror '/debian-security/?$' || true)}"
security="${security:-http://deb.debian.org/debian-security}"
ca_dir="${LOCAL_CA_DIR-/usr/local/share/ca-certificates}"

command -v debootstrap >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

root="$(mktemp -d /tmp/lianxin-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
say "debootstrap bookworm (minbase) from $mirror"
debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$mirror" >&2

{ echo "deb $mirror bookworm main"
  echo "deb $mirror bookworm-updates main"
  [ "$security" = none ] || echo "deb $security bookworm-security main"
} >"$root/etc/apt/sources.list"
# As Debian's own container images: no recommends, no docs/man pages/locales, no apt caches.
cat >"$root/etc/apt/apt.conf.d/90lianxin" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
EOF
cat >"$root/etc/dpkg/dpkg.cfg.d/90lianxin" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
if [ -n "$ca_dir" ] && compgen -G "$ca_dir/*.crt" >/dev/null; then
  say "trusting the local CAs in $ca_dir"
  cp "$ca_dir"/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/log/* "$root"/usr/share/doc/* \
       "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/tmp/* "$root"/dev/*
find "$root/usr/share/info" -mindepth 1 -delete 2>/dev/null || true

say "docker import as $TAG"
tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' \
  --message "debootstrap --variant=minbase bookworm $mirror" - "$TAG" >&2
echo "$TAG"
