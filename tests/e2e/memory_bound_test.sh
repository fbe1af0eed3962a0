#!/usr/bin/env bash
# Streams 1 GiB of unknown size through pluton-storaged (the real binary, the real CLI, the
# daemon's default flags) into PROVIDER (local, or r2 / s3 on the strict R2 fake), then
# streams it back out (verified), and checks that the service's peak resident memory (VmHWM)
# stays under BOUND_MIB in each direction. The stored and downloaded sizes are checked too.
#   memory_bound_test.sh BIN_DIR PLUGIN_DIR BOUND_MIB PROVIDER
set -euo pipefail
bin=$1 plugins=$2 bound_mib=$3 provider=$4
work=$(mktemp -d)
source "$(dirname "$0")/daemon.sh"
cleanup() { stop_daemon || true; stop_r2fake; rm -rf "$work"; }
trap cleanup EXIT

check_peak() {
  local what=$1 hwm_kib
  hwm_kib=$(peak_rss_kib "$daemon_pid")
  echo "$provider: service peak RSS $what: $((hwm_kib / 1024)) MiB (bound ${bound_mib} MiB)"
  if [ "$hwm_kib" -ge $((bound_mib * 1024)) ]; then
    echo "FAIL: peak RSS exceeds the bound"
    exit 1
  fi
}

[ "$provider" = local ] || start_r2fake
start_daemon "$plugins"
add_storage mem "$provider"
size=$((1 << 30))
head -c "$size" /dev/zero | "$bin/pluton-storage" upload mem bucket one-gib - >/dev/null
stored=$("$bin/pluton-storage" stat mem bucket one-gib --json |
  /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["size"])')
[ "$stored" -eq "$size" ] || { echo "FAIL: stored $stored bytes, expected $size"; exit 1; }
check_peak "after a 1 GiB upload"

# The download: the same object back to stdout, VmHWM reset first so the figure is its own.
reset_peak_rss "$daemon_pid"
got=$("$bin/pluton-storage" download mem bucket one-gib - 2>"$work/download.err" | wc -c)
[ "$got" -eq "$size" ] || { echo "FAIL: downloaded $got bytes, expected $size"; cat "$work/download.err"; exit 1; }
grep -q "checksum: verified" "$work/download.err" ||
  { echo "FAIL: the download was not verified"; cat "$work/download.err"; exit 1; }
check_peak "during a 1 GiB download"
