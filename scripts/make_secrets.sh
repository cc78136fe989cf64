#!/usr/bin/env bash
# Strong random secrets for a deployment, written to files git ignores (never committed):
#   scripts/make_secrets.sh compose   -> .env                  (docker compose reads it)
#   scripts/make_secrets.sh k8s       -> deploy/k8s/secrets.env (kubectl create secret --from-env-file)
# An existing file is kept (rotating a secret is a decision, not a side effect); OUT=path writes elsewhere.
# For k8s the broker and database are yours: create the account lianxin with these passwords there
# (AMQP_HOST, default rabbitmq:5672, is the broker the AMQP_URI points at).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-}"
random() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }  # 64 hex characters: URL-safe, 256 bits
case "$target" in
  compose) out="${OUT:-.env}" ;;
  k8s) out="${OUT:-deploy/k8s/secrets.env}" ;;
  *) echo "usage: $0 compose|k8s" >&2; exit 2 ;;
esac
if [ -e "$out" ]; then echo "$out exists; kept as it is (delete it to make new secrets)" >&2; exit 0; fi
umask 077
datakey="$(random)"; intake="$(random)"; webhook="$(random)"; pg="$(random)"; amqp="$(random)"
{
  echo "# made by scripts/make_secrets.sh $target on $(date -u +%Y-%m-%dT%H:%MZ); never commit this file"
  echo "IDENTITY_DATA_KEY=$datakey"
  echo "INTAKE_SECRET=$intake"
  echo "WEBHOOK_SECRET=$webhook"
  if [ "$target" = compose ]; then
    echo "POSTGRES_USER=lianxin"
    echo "POSTGRES_PASSWORD=$pg"
    echo "RABBITMQ_USER=lianxin"
    echo "RABBITMQ_PASSWORD=$amqp"
  else
    echo "PGPASSWORD=$pg"
    echo "AMQP_URI=pyamqp://lianxin:$amqp@${AMQP_HOST:-rabbitmq:5672}//"
  fi
} >"$out"
echo "wrote $out"
if [ "$target" = k8s ]; then
  echo "then: kubectl -n lianxin create secret generic lianxin-secrets --from-env-file=$out"
fi
