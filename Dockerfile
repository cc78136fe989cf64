# One image for every Lianxin process: the six services, the gateway (which also serves the console's
# build, console/dist), and the one-shot migration / topology jobs. The command is chosen per
# container (docker-compose.yml, deploy/k8s/*.yaml). Migrations never run from here.
#
# Built FROM a Debian 12 base made from a Debian mirror (scripts/base_image.sh -> lianxin-base:bookworm)
# or taken from your registry (--build-arg BASE_IMAGE=harbor.example.org/library/debian:bookworm-slim);
# Python packages come from PIP_INDEX_URL (a PyPI mirror). Only requirements-runtime.lock is installed:
# no test tools. console/dist is copied as built on the host by scripts/console.sh (it needs Node.js
# >= 20.19, newer than Debian 12's 18): build it first.
ARG BASE_IMAGE=lianxin-base:bookworm

# ---- build: a virtualenv with the runtime requirements (no compiler: every package is a wheel but
# jieba, which is pure Python)
FROM ${BASE_IMAGE} AS build
ARG PIP_INDEX_URL=https://pypi.org/simple
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
COPY requirements-runtime.lock /tmp/requirements-runtime.lock
# pip's own CA bundle would not know a local CA the base trusts (a company proxy's): use the system's
RUN python3 -m venv /opt/venv \
 && PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
    /opt/venv/bin/pip install --no-cache-dir --index-url "$PIP_INDEX_URL" -r /tmp/requirements-runtime.lock \
 && /opt/venv/bin/pip uninstall -q -y pip \
 && /opt/venv/bin/python -c "import jieba, psycopg, nameko, PIL, argon2, cryptography"

# ---- runtime: Debian's python3 (the venv's interpreter), tzdata for the office's time zone
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 lianxin \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin lianxin

ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PSYCOPG_WAIT_FUNC=wait_select

WORKDIR /app
COPY --from=build /opt/venv /opt/venv

# Code is owned by root and only readable by the runtime user; compiled here, as nothing can be
# written at run time (read-only root filesystem).
COPY . /app
RUN python3 -m compileall -q /app/services /app/gateway /app/scripts

USER 10001:10001

# gateway HTTP and metrics, then the metrics / healthz ports of the six services
EXPOSE 8000 9100 9101 9102 9103 9104 9105 9106

# No default service: every container states its command, e.g.
#   nameko run --config services/suggestion/config.yml services.suggestion.service:SuggestionService
CMD ["nameko", "--help"]
