#!/usr/bin/env bash
# SIGTERM on the real daemon: an upload that finishes within the grace period is stored
# whole; one still streaming when the grace period ends is cancelled (CANCELLED, naming the
# shutdown) and leaves nothing; the
# daemon then exits 0. With a drain (--drain_seconds), health says NOT_SERVING while new calls
# still succeed, and the daemon exits only after the drain; a second signal cuts it short.
#   graceful_shutdown_test.sh BIN_DIR PLUGIN_DIR
set -euo pipefail
bin=$1 plugins=$2
work=$(mktemp -d)
source "$(dirname "$0")/daemon.sh"
cleanup() {
  [ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2>/dev/null
  touch "$work/release-1" "$work/release-2" 2>/dev/null  # lets any writer below finish
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$work/server.log"; exit 1; }

cli() { "$bin/pluton-storage" "$@"; }
partial_count() { find "$work/objects/.pluton-partial" -type f 2>/dev/null | wc -l; }
upload_started() { [ "$(partial_count)" -gt 0 ]; }
shutdown_began() { grep -q "shutting down" "$work/server.log"; }
drain_began() { grep -q "draining: health says NOT_SERVING" "$work/server.log"; }
health() { "$(dirname "$0")/../../deploy/tests/grpc_health_check.py" "$PLUTON_STORAGE_SERVER" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
daemon_exited() { ! kill -0 "$daemon_pid" 2>/dev/null; }
# 1 MiB, then nothing until FILE exists, then another MiB: a stream that is in flight for as
# long as the test wants.
stream_until() {
  head -c 1048576 /dev/zero
  while [ ! -e "$1" ]; do sleep 0.05; done
  head -c 1048576 /dev/zero
}

# 1. In flight at SIGTERM, and finishes within the grace period.
start_daemon "$plugins" --shutdown_grace_seconds=60
add_storage disk local
stream_until "$work/release-1" | cli upload disk bucket in-grace - >"$work/upload1.out" 2>&1 &
upload_pid=$!
eventually upload_started || fail "the upload did not start"
kill -TERM "$daemon_pid"
eventually shutdown_began || fail "the daemon did not begin to shut down"
touch "$work/release-1"  # the rest of the stream arrives only now, during the grace period
wait "$upload_pid" || fail "the upload in flight at SIGTERM failed: $(cat "$work/upload1.out")"
stop_daemon || fail "daemon exited non-zero"
[ "$(stat -c %s "$work/objects/bucket/in-grace")" -eq 2097152 ] || fail "object incomplete"
[ "$(partial_count)" -eq 0 ] || fail "a finished upload left a partial file"
echo "ok: an upload in flight at SIGTERM finished within the grace period"

# 2. Still streaming when the grace period ends: the stream never ends on its own, so the
# daemon can only exit by cancelling it.
start_daemon "$plugins" --shutdown_grace_seconds=1
stream_until "$work/release-2" | cli upload disk bucket too-slow - >"$work/upload2.out" 2>&1 &
upload_pid=$!
eventually upload_started || fail "the upload did not start"
kill -TERM "$daemon_pid"
eventually daemon_exited || fail "the daemon still runs long after its 1 s grace period"
stop_daemon || fail "daemon exited non-zero"
# The CLI, blocked reading its input, learns of the cancel when it next sends.
touch "$work/release-2"
if wait "$upload_pid"; then fail "the cancelled upload reported success"; fi
grep -q "CANCELLED" "$work/upload2.out" && grep -q "the service is shutting down" "$work/upload2.out" ||
  fail "the cancelled upload did not say why (CANCELLED, shutting down): $(cat "$work/upload2.out")"
[ ! -e "$work/objects/bucket/too-slow" ] || fail "a cancelled upload left an object"
[ "$(partial_count)" -eq 0 ] || fail "a cancelled upload left a partial file"
echo "ok: an upload still streaming after the grace period was cancelled and left nothing"

# 3. While draining, health says NOT_SERVING (overall and for the service) and new calls
# succeed. The drain is long (600 s) so that slow probes (a sanitizer build, a busy machine)
# still land inside it; a second SIGTERM then ends it at once. (The log is emptied: cases 1
# and 2 drained for 0 s.)
: >"$work/server.log"
start_daemon "$plugins" --drain_seconds=600 --shutdown_grace_seconds=5
for service in "" pluton.storage.v1.StorageService; do
  status=$(health $service) || fail "health '$service' before SIGTERM: $status"
  [ "$status" = SERVING ] || fail "health '$service' said $status before SIGTERM"
done
kill -TERM "$daemon_pid"
eventually drain_began || fail "the daemon did not begin to drain"
for service in "" pluton.storage.v1.StorageService; do
  status=$(health $service) && fail "health '$service' said $status while draining"
  [ "$status" = NOT_SERVING ] || fail "health '$service' said $status while draining, not NOT_SERVING"
done
cli providers >"$work/providers.out" 2>&1 || fail "a new call while draining failed: $(cat "$work/providers.out")"
grep -q "^local " "$work/providers.out" || fail "providers while draining: $(cat "$work/providers.out")"
cli add during-drain --provider local --set root="$work/objects" >/dev/null ||
  fail "a new write call while draining failed"
kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited during the drain"
kill -TERM "$daemon_pid"
eventually daemon_exited || fail "a second SIGTERM did not cut the 600 s drain short"
stop_daemon || fail "daemon exited non-zero after a cut-short drain"
grep -q "drain cut short" "$work/server.log" || fail "the log does not say the drain was cut short"
grep -q "shutting down" "$work/server.log" || fail "no shutdown after the drain"
echo "ok: while draining health said NOT_SERVING and new calls succeeded; a second SIGTERM cut the drain short; exit 0"

# 4. A drain of 2 s with nothing in flight: the daemon exits when it ends, not before.
: >"$work/server.log"
start_daemon "$plugins" --drain_seconds=2 --shutdown_grace_seconds=5
# The time is read before the signal is sent: read after, it would include starting `date` on a
# busy machine, and the drain would look shorter than it was.
sigterm_ms=$(now_ms)
kill -TERM "$daemon_pid"
eventually daemon_exited || fail "the daemon still runs long after its drain and grace period"
exited_ms=$(now_ms)
[ $((exited_ms - sigterm_ms)) -ge 2000 ] ||
  fail "the daemon exited $((exited_ms - sigterm_ms)) ms after SIGTERM, before its 2 s drain ended"
stop_daemon || fail "daemon exited non-zero after draining"
grep -q "drain cut short" "$work/server.log" && fail "a drain that ran its course says it was cut short"
echo "ok: the daemon exited $((exited_ms - sigterm_ms)) ms after SIGTERM, after its 2 s drain"
