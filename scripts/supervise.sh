#!/usr/bin/env bash
# Runs one process of the system and starts it again whenever it dies, backing off from 1 s to
# 30 s (reset once it has run a minute); each restart is logged to the process's log as JSON.
# Started by `scripts/svc.sh start NAME`: the process's pid is in $RUN_DIR/NAME.pid, this loop's
# in $RUN_DIR/NAME.sup.pid. SIGTERM stops the process (gracefully, as nameko does) and the loop.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
name="$1"
pidfile="$RUN_DIR/$name.pid"; log="$RUN_DIR/$name.log"
stopping=0; child=""; pause=""
say() {
  printf '{"ts":"%s","level":"%s","logger":"supervisor","msg":"%s","service":"%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$2" "$name" >>"$log"
}
on_term() {
  stopping=1
  [ -n "$pause" ] && kill "$pause" 2>/dev/null
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
}
trap on_term TERM INT
delay=1
while :; do
  started=$SECONDS
  # shellcheck disable=SC2046
  "$VENV/bin/nameko" run $(svc_target "$name") >>"$log" 2>&1 </dev/null &
  child=$!
  echo "$child" >"$pidfile"
  wait "$child"; code=$?
  # a trapped signal ends `wait` early: wait on until the process itself has ended
  while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done
  [ "$stopping" = 1 ] && break
  ran=$((SECONDS - started))
  [ "$ran" -ge 60 ] && delay=1
  say WARNING "$name (pid $child) exited with status $code after ${ran}s; restarting in ${delay}s"
  sleep "$delay" & pause=$!
  wait "$pause"; pause=""
  [ "$stopping" = 1 ] && break
  delay=$((delay * 2 > 30 ? 30 : delay * 2))
done
rm -f "$pidfile"
say INFO "$name stopped"
