#!/bin/sh
# The twin's service manager for one broker: there is no systemd in the twin, so Ansible restarts
# brokers through kafka_listeners_service_manager=command with this script, as it would restart a
# systemd unit. Every transition is appended to <dir>/service.events with a millisecond timestamp,
# which is what the twin measures the rollout by.
#   broker-service.sh run <dir> <command…>   keeps <command> running while <dir>/service.enabled exists
#   broker-service.sh restart <dir>          stops the running broker and waits until it runs again
#                                            (starts it, and enables it, when it is not running)
set -eu
action=$1
dir=$2
shift 2
events="$dir/service.events"
now() { date +%s%3N; }

case "$action" in
run)
  pid=
  trap 'if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" || true; fi; exit 0' TERM INT
  while :; do
    if [ -e "$dir/service.enabled" ]; then
      "$@" &
      pid=$!
      echo "$pid" >"$dir/service.pid"
      echo "started $(now) $pid" >>"$events"
      code=0
      wait "$pid" || code=$?
      rm -f "$dir/service.pid"
      echo "exited $(now) $code" >>"$events"
      pid=
      # Like systemd's RestartSec: a broker that cannot start does not spin.
      [ "$code" -eq 0 ] || [ "$code" -eq 143 ] || sleep 2
    fi
    sleep 0.2
  done
  ;;
restart)
  echo "restart $(now)" >>"$events"
  old=$(cat "$dir/service.pid" 2>/dev/null || true)
  touch "$dir/service.enabled"
  if [ -n "$old" ]; then
    kill -TERM "$old" 2>/dev/null || true
    tries=0
    while kill -0 "$old" 2>/dev/null; do
      tries=$((tries + 1))
      [ "$tries" -lt 600 ] || { kill -KILL "$old"; echo "restart: broker pid $old did not stop in 120 s, killed" >&2; }
      sleep 0.2
    done
  fi
  tries=0
  until new=$(cat "$dir/service.pid" 2>/dev/null) && [ -n "$new" ] && [ "$new" != "$old" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 300 ] || { echo "restart: the broker did not start again within 60 s" >&2; exit 1; }
    sleep 0.2
  done
  ;;
*)
  echo "usage: broker-service.sh run|restart <dir> [command…]" >&2
  exit 2
  ;;
esac
