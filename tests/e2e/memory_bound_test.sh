#!/usr/bin/env bash
# Streams 1 GiB of unknown size through pluton-storaged (the real binary, the real CLI) into
# the local provider, then streams it back out (verified against its stored MD5), and checks
# that the service's peak resident memory (VmHWM) stays under the bound stated in the README
# for each direction. The stored and the downloaded sizes are checked too.
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

# The download: the same object back to stdout. VmHWM is reset first (Linux: writing 5 to
# clear_refs), so the figure is the download's own peak.
echo 5 >"/proc/$server_pid/clear_refs" 2>/dev/null || echo "note: cannot reset VmHWM; the download's figure includes the upload's peak"
got=$(cli download mem bucket one-gib - 2>"$work/download.err" | wc -c)
[ "$got" -eq "$size" ] || { echo "downloaded $got bytes, expected $size"; cat "$work/download.err"; exit 1; }
grep -q "checksum: verified" "$work/download.err" || { echo "the download was not verified"; cat "$work/download.err"; exit 1; }
hwm_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
echo "service peak RSS during a 1 GiB download: $((hwm_kib / 1024)) MiB (bound ${bound_mib} MiB)"
if [ "$hwm_kib" -ge $((bound_mib * 1024)) ]; then
  echo "FAIL: peak RSS exceeds the bound"
  exit 1
fi
