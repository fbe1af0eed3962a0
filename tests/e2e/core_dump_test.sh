#!/usr/bin/env bash
# The real daemon keeps its secrets out of core dumps: once serving, its core file size limit
# is 0 (hard and soft), set by the daemon itself, whatever limit it was started with, and the
# master key's page is marked to be left out of any dump taken all the same (MADV_DONTDUMP,
# the "dd" flag in /proc/PID/smaps).
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
dont_dump=$(grep -c "^VmFlags:.* dd" "/proc/$daemon_pid/smaps") || true
[ "${dont_dump:-0}" -ge 1 ] || fail "no memory of the daemon is marked MADV_DONTDUMP (the master key's)"
# A dump taken all the same, as root can with gcore (gdb honours MADV_DONTDUMP), holds no byte
# of the master key, raw or in hex, while it does hold the data directory's path (so the search
# would find what is there). Not under the sanitizers, whose shadow memory makes the dump huge.
if [ -z "${ASAN_OPTIONS:-}" ]; then
  gcore -o "$work/core" "$daemon_pid" >"$work/gcore.log" 2>&1 ||
    fail "gcore could not dump the daemon: $(tail -3 "$work/gcore.log")"
  /usr/bin/python3 - "$work"/core.* "$work/data/master.key" "$work/data" <<'PY' ||
import sys
core = open(sys.argv[1], "rb").read()
hex_key = open(sys.argv[2]).read().strip()
if sys.argv[3].encode() not in core:
    sys.exit("the data directory's path is not in the dump either: the search cannot work")
for form, needle in (("raw", bytes.fromhex(hex_key)), ("hex", hex_key.encode())):
    if needle in core:
        sys.exit(f"the master key ({form}) is in the dump")
print(f"searched {len(core)} bytes of dump")
PY
    fail "the master key is in a gcore dump of the daemon"
  echo "ok: a gcore dump of the daemon holds no byte of the master key"
fi
stop_daemon || fail "daemon exited non-zero"
echo "ok: the serving daemon's core file size limit is 0 (soft and hard)"
echo "ok: $dont_dump mapping(s) of the daemon are left out of core dumps (MADV_DONTDUMP)"
