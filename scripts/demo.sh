#!/usr/bin/env bash
# The main job: builds everything, starts pluton-storaged on its embedded defaults
# (127.0.0.1:50051, ./pluton-data, the plugins built beside it) plus the one flag a `local`
# storage needs (--local_root: which directories storages may use), registers a `local` storage, tests it,
# streams real data through the service into it, checks the stored bytes, and stops the
# service with SIGTERM. Safe to run again: the storage is reused and the objects overwritten.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh

bin=$PWD/build/bin
work=$PWD/build/demo
objects=$PWD/pluton-objects
mkdir -p "$work" "$objects"
export PLUTON_STORAGE_SERVER=localhost:50051
cli() { "$bin/pluton-storage" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Starting pluton-storaged (log: build/demo/server.log)"
# Run as the user who built it, the daemon must be told to trust plugins that user owns.
own_plugins=
[ "$(id -u)" = 0 ] || own_plugins=--allow_plugins_owned_by_service_user
"$bin/pluton-storaged" --local_root="$objects" $own_plugins >"$work/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  cli providers >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
cli providers

step "Registering the storage 'demo-local'"
if ! cli get demo-local >/dev/null 2>&1; then
  cli add demo-local --provider local --set root="$objects"
else
  # Earlier versions kept the objects inside ./pluton-data, which storages may no longer use.
  cli update demo-local --set root="$objects" >/dev/null
fi
cli get demo-local

step "Testing the connection"
cli test demo-local --bucket demo

step "Uploading 256 MiB from a file"
head -c $((256 << 20)) /dev/urandom >"$work/sample.bin"
cli upload demo-local demo backups/sample.bin "$work/sample.bin"
cmp "$work/sample.bin" "$objects/demo/backups/sample.bin"
echo "stored object matches the source byte for byte"

step "Streaming a tar archive of the build's binaries from stdin (size unknown)"
tar -C build -cf - bin plugins | tee "$work/stream.tar" |
  cli upload demo-local demo backups/binaries.tar - --md5-trailer
cmp "$work/stream.tar" "$objects/demo/backups/binaries.tar"
echo "stored stream matches what was sent byte for byte"

step "Listing what is stored, and restoring the sample (verified against its stored MD5)"
cli ls demo-local demo --recursive
cli stat demo-local demo backups/sample.bin
cli download demo-local demo backups/sample.bin - | cmp - "$work/sample.bin"
echo "restored object matches the source byte for byte"
rm -f "$work/sample.bin" "$work/stream.tar"

step "Stopping the service (SIGTERM)"
kill -TERM "$server_pid"
wait "$server_pid"
trap - EXIT
tail -n 3 "$work/server.log"
echo
echo "Done. The registry and master key stay in ./pluton-data for the next run."
