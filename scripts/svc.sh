#!/usr/bin/env bash
# Start, stop or kill one process of the system: scripts/svc.sh start|stop|kill|status NAME
#   start   runs it under scripts/supervise.sh, which starts it again whenever it dies
#   stop    stops the process and its supervisor (SIGTERM, SIGKILL after 10 s)
#   kill    SIGKILLs the process only (a crash): its supervisor starts it again
#   status  running (pids of the process and of its supervisor), restarting, or stopped
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
action="$1"; name="$2"
mkdir -p "$RUN_DIR"
pidfile="$RUN_DIR/$name.pid"; suppidfile="$RUN_DIR/$name.sup.pid"; log="$RUN_DIR/$name.log"
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# the HTTP port this process listens on (gateway: the API; services: metrics and health)
address() { if [ "$name" = gateway ]; then echo "$GATEWAY_ADDRESS"; else v="${name^^}_METRICS_ADDRESS"; echo "${!v:-}"; fi; }
listening() { local a; a="$(address)"; [ -n "$a" ] && (echo >"/dev/tcp/${a%:*}/${a##*:}") 2>/dev/null; }
wait_gone() { for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
case "$action" in
  start)
    if running "$suppidfile"; then echo "$name already running (supervisor pid $(cat "$suppidfile"))"; exit 0; fi
    if running "$pidfile"; then echo "$name already running unsupervised (pid $(cat "$pidfile"))"; exit 0; fi
    # a process this run dir does not know (an interrupted run whose pid files are gone, another
    # checkout) would answer in our place, with its own code: refuse rather than test it
    if listening; then echo "$name: $(address) is already taken by a process not started from $RUN_DIR" >&2; exit 1; fi
    rm -f "$pidfile"
    nohup bash scripts/supervise.sh "$name" >>"$log" 2>&1 </dev/null &
    echo $! >"$suppidfile"
    for _ in $(seq 50); do [ -f "$pidfile" ] && break; sleep 0.1; done
    echo "started $name (pid $(cat "$pidfile" 2>/dev/null || echo '?'), supervisor $(cat "$suppidfile")), log $log" ;;
  stop)
    pids=""
    for f in "$suppidfile" "$pidfile"; do running "$f" && pids="$pids $(cat "$f")"; done
    if [ -z "$pids" ]; then rm -f "$pidfile" "$suppidfile"; exit 0; fi
    # the supervisor passes SIGTERM on to the process and waits for it (nameko stops gracefully)
    if running "$suppidfile"; then kill -TERM "$(cat "$suppidfile")"; else kill -TERM "$(cat "$pidfile")"; fi
    for pid in $pids; do wait_gone "$pid" || kill -9 "$pid" 2>/dev/null || true; done
    rm -f "$pidfile" "$suppidfile"
    echo "$name: stop done" ;;
  kill)
    if ! running "$pidfile"; then exit 0; fi
    pid="$(cat "$pidfile")"
    kill -9 "$pid"
    wait_gone "$pid" || true
    echo "$name: kill done (pid $pid)$(running "$suppidfile" && echo '; its supervisor starts it again')" ;;
  status)
    if running "$pidfile"; then echo "$name running (pid $(cat "$pidfile")$(running "$suppidfile" && echo ", supervisor $(cat "$suppidfile")"))"
    elif running "$suppidfile"; then echo "$name restarting (supervisor $(cat "$suppidfile"))"; exit 1
    else echo "$name stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|kill|status NAME" >&2; exit 2 ;;
esac
