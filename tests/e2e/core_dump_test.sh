#!/usr/bin/env bash
# The real daemon keeps its secrets out of core dumps: once serving, its core file size limit
# is 0 (hard and soft), set by the daemon itself, whatever limit it was started with.
#   core_dump_test.sh BIN_DIR PLUGIN_DIR
set -euo pipefail
bin=$1 plugins=$2
work=$(mktemp -d)
source "$(dirname "$0")/daemon.sh"
trap '[ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/server.log"; exit 1; }

ulimit -c unlimited 2>/dev/null || ulimit -S -c "$(ulimit -H -c)"
echo "started with core file size limit $(ulimit -c)"
start_daemon "$plugins"
limits=$(grep "^Max core file size" "/proc/$daemon_pid/limits") || fail "no core limit in /proc"
read -r soft hard <<<"$(awk '{print $5, $6}' <<<"$limits")"
[ "$soft" = 0 ] && [ "$hard" = 0 ] || fail "the daemon's core limit is $soft/$hard, not 0/0: $limits"
stop_daemon || fail "daemon exited non-zero"
echo "ok: the serving daemon's core file size limit is 0 (soft and hard)"
