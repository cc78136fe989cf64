#!/bin/sh
# Writes RabbitMQ's config from the environment into /tmp (the root filesystem is read-only), then runs
# the broker in the foreground, logging to the console.
#   RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS  the account made on first start (required)
set -eu
: "${RABBITMQ_DEFAULT_USER:?RABBITMQ_DEFAULT_USER is not set}"
: "${RABBITMQ_DEFAULT_PASS:?RABBITMQ_DEFAULT_PASS is not set}"
dir=/tmp/rabbitmq; mkdir -p "$dir"; umask 077
cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 5672
management.tcp.port = 15672
default_user = $RABBITMQ_DEFAULT_USER
default_pass = $RABBITMQ_DEFAULT_PASS
loopback_users = none
log.console = true
log.console.level = info
log.file = false
CONF
export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_LOG_BASE="$dir/log"
# the server itself, not Debian's /usr/sbin wrapper (which writes /var/log/rabbitmq/startup_log)
cd /var/lib/rabbitmq
exec /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
