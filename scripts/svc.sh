#!/usr/bin/env bash
# Start, stop or kill one process of the system: scripts/svc.sh start|stop|kill|status NAME
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
action="$1"; name="$2"
mkdir -p "$RUN_DIR"
pidfile="$RUN_DIR/$name.pid"; log="$RUN_DIR/$name.log"
alive() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
# the HTTP port this process listens on (gateway: the API; services: metrics and health)
address() { if [ "$name" = gateway ]; then echo "$GATEWAY_ADDRESS"; else v="${name^^}_METRICS_ADDRESS"; echo "${!v:-}"; fi; }
listening() { local a; a="$(address)"; [ -n "$a" ] && (echo >"/dev/tcp/${a%:*}/${a##*:}") 2>/dev/null; }
case "$action" in
  start)
    if alive; then echo "$name already running (pid $(cat "$pidfile"))"; exit 0; fi
    # a process this run dir does not know (an interrupted run whose pid files are gone, another
    # checkout) would answer in our place, with its own code: refuse rather than test it
    if listening; then echo "$name: $(address) is already taken by a process not started from $RUN_DIR" >&2; exit 1; fi
    # shellcheck disable=SC2046
    nohup "$VENV/bin/nameko" run $(svc_target "$name") >>"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    echo "started $name (pid $!), log $log" ;;
  stop|kill)
    if ! alive; then rm -f "$pidfile"; exit 0; fi
    pid="$(cat "$pidfile")"
    if [ "$action" = kill ]; then kill -9 "$pid"; else kill -TERM "$pid"; fi
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$pidfile"
    echo "$name: $action done" ;;
  status)
    if alive; then echo "$name running (pid $(cat "$pidfile"))"; else echo "$name stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|kill|status NAME" >&2; exit 2 ;;
esac
