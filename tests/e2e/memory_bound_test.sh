#!/usr/bin/env bash
# Streams 1 GiB of unknown size through pluton-storaged (the real binary, the real CLI) into
# the local provider and checks that the service's peak resident memory (VmHWM) stays under
# the bound stated in the README. The stored size is checked too.
#   memory_bound_test.sh BIN_DIR PLUGIN_DIR BOUND_MIB
set -euo pipefail
bin=$1 plugins=$2 bound_mib=$3
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/pluton-storaged" --listen=127.0.0.1:0 --port_file="$work/port" --data_dir="$work/data" \
  --plugin_dir="$plugins" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "server did not start"; cat "$work/server.log"; exit 1; }
export PLUTON_STORAGE_SERVER=127.0.0.1:$(cat "$work/port")
cli() { "$bin/pluton-storage" "$@"; }

mkdir -p "$work/objects"
cli add mem --provider local --set root="$work/objects" --set fsync=false >/dev/null
size=$((1 << 30))
head -c "$size" /dev/zero | cli upload mem bucket one-gib - >/dev/null
stored=$(stat -c %s "$work/objects/bucket/one-gib")
[ "$stored" -eq "$size" ] || { echo "stored $stored bytes, expected $size"; exit 1; }

hwm_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
echo "service peak RSS after a 1 GiB upload: $((hwm_kib / 1024)) MiB (bound ${bound_mib} MiB)"
if [ "$hwm_kib" -ge $((bound_mib * 1024)) ]; then
  echo "FAIL: peak RSS exceeds the bound"
  exit 1
fi
