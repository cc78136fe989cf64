# One image for every Lianxin process: the five services, the gateway, and the
# one-shot migration / topology jobs. The command is chosen per container
# (docker-compose.yml, deploy/k8s/*.yaml). Migrations never run from here.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    PSYCOPG_WAIT_FUNC=wait_select

WORKDIR /app

RUN groupadd --system --gid 10001 lianxin \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin lianxin

# Dependencies first so code changes do not invalidate this layer.
COPY requirements.lock /app/requirements.lock
RUN pip install --no-cache-dir -r /app/requirements.lock

# Code is owned by root and only readable by the runtime user (works with a
# read-only root filesystem; no .pyc files are written).
COPY . /app

USER 10001:10001

# gateway HTTP, then the metrics / healthz ports of the five services
EXPOSE 8000 9100 9101 9102 9103 9104 9105

# No default service: every container states its command, e.g.
#   nameko run --config services/suggestion/config.yml services.suggestion.service
CMD ["nameko", "--help"]
