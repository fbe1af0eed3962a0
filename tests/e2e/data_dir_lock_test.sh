#!/usr/bin/env bash
# One process per data directory, on the real daemon: a second pluton-storaged on the same
# --data_dir is refused naming the directory, its lock file and the first one's pid; so is
# --rotate_master_key while the service runs (nothing is changed). After kill -9 of the first a
# new daemon starts (no stale lock), and once it is stopped the rotation runs and the next start
# serves with the new key.
#   data_dir_lock_test.sh BIN_DIR PLUGIN_DIR
set -euo pipefail
bin=$1 plugins=$2
work=$(mktemp -d)
# shellcheck source=daemon.sh
source "$(dirname "$0")/daemon.sh"
cleanup() { stop_daemon || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- server.log"; cat "$work/server.log"; exit 1; }

data=$work/data
lock=$data/pluton-storaged.lock
key_hash() { sha256sum <"$data/master.key"; }
# pluton-storaged with FLAGS... on $data; must exit non-zero at once (timeout: it served).
refused_run() {
  local log=$1 status=0
  shift
  timeout 30 "$bin/pluton-storaged" --data_dir="$data" "$@" 2>"$log" || status=$?
  [ "$status" != 124 ] || fail "still running: $* ($(cat "$log"))"
  [ "$status" != 0 ] || fail "exited 0: $* ($(cat "$log"))"
}
rotate() { timeout 60 "$bin/pluton-storaged" --data_dir="$data" --rotate_master_key; }

start_daemon "$plugins"
first=$daemon_pid
[ "$(cat "$lock")" = "$first" ] || fail "the lock file holds \"$(cat "$lock")\", not pid $first"
# A storage with a secret, for the rotation to re-seal.
R2_SECRET=6b9f0e2d1c3a4b5e8f7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a \
  "$bin/pluton-storage" add sealed --provider r2 --set account_id=0123456789abcdef0123456789abcdef \
  --set access_key_id=abcdef0123456789abcdef0123456789 --secret-env secret_access_key=R2_SECRET \
  >/dev/null || fail "add"
held="--data_dir $data is in use: process $first holds its lock file $lock"

# 1. A second daemon on the same data directory.
refused_run "$work/second.log" --listen=127.0.0.1:0 --plugin_dir="$plugins" $own_plugins
grep -qF -- "cannot start: $held" "$work/second.log" ||
  fail "the second daemon's message: $(cat "$work/second.log")"
echo "ok: a second daemon on the same --data_dir is refused naming the pid holding it"

# 2. Rotation while the service runs: refused, nothing written.
before=$(key_hash)
refused_run "$work/rotate-running.log" --rotate_master_key
grep -qF -- "cannot rotate the master key: $held" "$work/rotate-running.log" ||
  fail "the rotation's message: $(cat "$work/rotate-running.log")"
[ "$(key_hash)" = "$before" ] || fail "the key changed while the service ran"
[ ! -e "$data/master.key.new" ] || fail "a new key was written while the service ran"
"$bin/pluton-storage" get sealed >/dev/null || fail "the running service was disturbed"
echo "ok: --rotate_master_key is refused while the service runs, and changes nothing"

# 3. kill -9 leaves no stale lock.
kill_daemon
start_daemon "$plugins"
[ "$daemon_pid" != "$first" ] && [ "$(cat "$lock")" = "$daemon_pid" ] ||
  fail "the lock file holds \"$(cat "$lock")\" after the restart (pid $daemon_pid)"
"$bin/pluton-storage" get sealed >/dev/null || fail "the storage is gone after the restart"
echo "ok: after kill -9 a new daemon starts on the data directory"

# 4. Stopped: the rotation runs, and the next start serves on the new key.
stop_daemon || fail "daemon exited non-zero"
rotate 2>"$work/rotate.log" || fail "the rotation failed: $(cat "$work/rotate.log")"
grep -q "master key rotated: 1 storage(s) re-sealed" "$work/rotate.log" ||
  fail "the rotation's log: $(cat "$work/rotate.log")"
[ "$(key_hash)" != "$before" ] || fail "the key did not change"
start_daemon "$plugins"
"$bin/pluton-storage" get sealed >/dev/null || fail "the storage after the rotation"
grep -q "is not the key" "$work/server.log" && fail "the new key was refused"
echo "ok: once the service is stopped the rotation runs and the service starts on the new key"
