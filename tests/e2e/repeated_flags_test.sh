#!/usr/bin/env bash
# List flags given more than once on the real daemon: every --local_root and --allowed_endpoint
# occurrence counts -- "--flag=VALUE", "--flag VALUE", inside a --flagfile -- besides the comma
# lists start_daemon gives; a root or an endpoint outside all of them is still refused.
#   repeated_flags_test.sh BIN_DIR PLUGIN_DIR
set -euo pipefail
bin=$1 plugins=$2
work=$(mktemp -d)
outside=$(mktemp -d)  # roots of their own: start_daemon already allows everything under $work
# shellcheck source=daemon.sh
source "$(dirname "$0")/daemon.sh"
cleanup() { stop_daemon || true; rm -rf "$work" "$outside"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- server.log"; cat "$work/server.log"; exit 1; }

add_local() { "$bin/pluton-storage" add "$1" --provider local --set root="$2" --set fsync=false; }
add_r2() {
  R2_SECRET=6b9f0e2d1c3a4b5e8f7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a \
    "$bin/pluton-storage" add "$1" --provider r2 --set account_id=0123456789abcdef0123456789abcdef \
    --set access_key_id=abcdef0123456789abcdef0123456789 --secret-env secret_access_key=R2_SECRET \
    --set endpoint="$2"
}
# COMMAND... must fail with INVALID_ARGUMENT and a line holding TEXT (the first argument).
refused() {
  local text=$1 out
  shift
  if out=$("$@" 2>&1); then fail "accepted: $* ($out)"; fi
  grep -q INVALID_ARGUMENT <<<"$out" || fail "not INVALID_ARGUMENT: $* ($out)"
  grep -qF -- "$text" <<<"$out" || fail "no \"$text\": $* ($out)"
}

mkdir -p "$outside/a" "$outside/b" "$outside/c"
printf '# list flags in a flagfile count too\n--local_root=%s\n  --allowed_endpoint=*.example.org\n' \
  "$outside/b" >"$work/flags"
start_daemon "$plugins" --local_root="$outside/a" --flagfile="$work/flags" \
  --allowed_endpoint minio.internal:9000 --allowed_endpoint=
grep -q "pluton.storage.v1.StorageService on port" "$work/server.log" || fail "not serving"

# Local roots: the two given here, and start_daemon's own.
add_local in-a "$outside/a" >/dev/null || fail "--local_root=DIR was dropped"
add_local in-b "$outside/b/sub" >/dev/null || fail "--local_root in the --flagfile was dropped"
mkdir -p "$work/objects"
add_local in-work "$work/objects" >/dev/null || fail "start_daemon's --local_root was dropped"
refused "outside the directories" add_local in-c "$outside/c"
echo "ok: every --local_root given counts, and a root outside them all is refused"

# Endpoints: "--flag VALUE", the flagfile's, start_daemon's comma list; nothing else.
add_r2 minio http://minio.internal:9000 >/dev/null || fail "--allowed_endpoint VALUE was dropped"
add_r2 org https://s3.example.org >/dev/null || fail "--allowed_endpoint in the --flagfile was dropped"
add_r2 loopback http://localhost:9000 >/dev/null || fail "start_daemon's comma list was dropped"
refused "--allowed_endpoint" add_r2 elsewhere http://elsewhere.example
refused "--allowed_endpoint" add_r2 minio-other-port http://minio.internal:9001
echo "ok: every --allowed_endpoint given counts, and any other endpoint is refused"
stop_daemon || fail "daemon exited non-zero"

# The help says so, and a list flag without a value stops the start naming it.
"$bin/pluton-storaged" --helpfull >"$work/help.txt" 2>&1 || true  # absl's --help exits 1
[ "$(tr -s ' \n' ' ' <"$work/help.txt" | grep -o "repeatable or comma-separated" | wc -l)" = 2 ] ||
  fail "--help does not say both list flags are repeatable"
status=0
timeout 20 "$bin/pluton-storaged" --data_dir="$work/data" --local_root 2>"$work/novalue.log" || status=$?
[ "$status" = 2 ] || fail "a --local_root without a value exited $status, not 2"
grep -qF -- "--local_root has no value: write --local_root=VALUE" "$work/novalue.log" ||
  fail "no clear message: $(cat "$work/novalue.log")"
echo "ok: --help says repeatable, and a missing value is refused naming the flag"
