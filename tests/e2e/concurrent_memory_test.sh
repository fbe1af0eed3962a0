#!/usr/bin/env bash
# 64 concurrent uploads (the default --max_concurrent_uploads) of unknown size through
# pluton-storaged on its default flags into r2 on the strict R2 fake, in the largest messages
# the CLI sends (4 MiB - 1 KiB: the worst case of the formula), and the daemon's peak resident
# memory (VmHWM) must stay under the bound it states at start (server/memory_bound.h, README
# "Memory bound"). Every object must arrive whole.
#   concurrent_memory_test.sh BIN_DIR PLUGIN_DIR
set -euo pipefail
bin=$1 plugins=$2
uploads=64 size=$((16 << 20))
work=$(mktemp -d)
source "$(dirname "$0")/daemon.sh"
cleanup() { stop_daemon || true; stop_r2fake; rm -rf "$work"; }
trap cleanup EXIT

start_r2fake
start_daemon "$plugins"
bound_mib=$(sed -n 's/.*memory bound .* = \([0-9]*\) MiB.*/\1/p' "$work/server.log" | head -1)
[ -n "$bound_mib" ] || { echo "FAIL: the daemon states no memory bound"; cat "$work/server.log"; exit 1; }
add_storage r2 r2

pids=()
for i in $(seq "$uploads"); do
  head -c "$size" /dev/zero |
    "$bin/pluton-storage" upload r2 bucket "concurrent/$i" - --chunk-size 4193280 \
      >/dev/null 2>"$work/upload.$i.err" &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { failed=1; echo "upload $((i + 1)) failed: $(cat "$work/upload.$((i + 1)).err")"; }
done
[ "$failed" -eq 0 ] || { echo "FAIL: not every upload succeeded"; exit 1; }

hwm_kib=$(peak_rss_kib "$daemon_pid")
echo "service peak RSS over $uploads concurrent uploads: $((hwm_kib / 1024)) MiB (stated bound $bound_mib MiB)"
[ "$hwm_kib" -lt $((bound_mib * 1024)) ] || { echo "FAIL: peak RSS exceeds the stated bound"; exit 1; }

stored=$("$bin/pluton-storage" ls r2 bucket concurrent/ --recursive --json |
  /usr/bin/python3 -c '
import json, sys
sizes = [int(json.loads(line)["size"]) for line in sys.stdin if line.strip()]
print(len(sizes), sum(sizes))')
[ "$stored" = "$uploads $((uploads * size))" ] ||
  { echo "FAIL: stored (objects bytes) = $stored, expected $uploads $((uploads * size))"; exit 1; }
