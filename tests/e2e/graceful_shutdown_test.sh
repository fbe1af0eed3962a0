#!/usr/bin/env bash
# SIGTERM on the real daemon: an upload that finishes within the grace period is stored
# whole; one still streaming when the grace period ends is cancelled and leaves nothing; the
# daemon then exits 0.
#   graceful_shutdown_test.sh BIN_DIR PLUGIN_DIR
set -euo pipefail
bin=$1 plugins=$2
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$work/server.log"; exit 1; }

start_server() {
  rm -f "$work/port"
  "$bin/pluton-storaged" --listen=127.0.0.1:0 --port_file="$work/port" --data_dir="$work/data" \
    --plugin_dir="$plugins" --shutdown_grace_seconds="$1" 2>>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
  [ -s "$work/port" ] || fail "server did not start"
  export PLUTON_STORAGE_SERVER=127.0.0.1:$(cat "$work/port")
}
cli() { "$bin/pluton-storage" "$@"; }
partial_count() { find "$work/objects/.pluton-partial" -type f 2>/dev/null | wc -l; }

# 1. Finishes within the grace period.
start_server 10
mkdir -p "$work/objects"
cli add disk --provider local --set root="$work/objects" >/dev/null
(head -c 1048576 /dev/zero; sleep 1; head -c 1048576 /dev/zero) |
  cli upload disk bucket in-grace - >"$work/upload1.out" 2>&1 &
upload_pid=$!
sleep 0.5
kill -TERM "$server_pid"
wait "$upload_pid" || fail "the upload in flight at SIGTERM failed: $(cat "$work/upload1.out")"
wait "$server_pid" || fail "daemon exited non-zero"
server_pid=
[ "$(stat -c %s "$work/objects/bucket/in-grace")" -eq 2097152 ] || fail "object incomplete"
echo "ok: an upload in flight at SIGTERM finished within the grace period"

# 2. Still streaming when the grace period ends.
start_server 1
(head -c 1048576 /dev/zero; sleep 20) | cli upload disk bucket too-slow - >"$work/upload2.out" 2>&1 &
upload_pid=$!
for _ in $(seq 100); do [ "$(partial_count)" -gt 0 ] && break; sleep 0.05; done
[ "$(partial_count)" -gt 0 ] || fail "upload did not start"
start=$(date +%s)
kill -TERM "$server_pid"
wait "$server_pid" || fail "daemon exited non-zero"
server_pid=
elapsed=$(($(date +%s) - start))
[ "$elapsed" -le 10 ] || fail "shutdown took ${elapsed}s with a 1s grace period"
if wait "$upload_pid"; then fail "the cancelled upload reported success"; fi
[ ! -e "$work/objects/bucket/too-slow" ] || fail "a cancelled upload left an object"
[ "$(partial_count)" -eq 0 ] || fail "a cancelled upload left a partial file"
echo "ok: an upload still streaming after the grace period was cancelled and left nothing"
