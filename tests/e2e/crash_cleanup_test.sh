#!/usr/bin/env bash
# Crash safety: pluton-storaged is killed with SIGKILL in the middle of an upload, then started
# again on the same data directory. What the dead run left at the destination must be gone
# after the restart, with a log line each, and nothing may appear at the key:
#   - r2 on the strict R2 fake: its multipart upload (parts already stored) is aborted;
#   - local: its temporary file in .pluton-partial is removed.
#   - an upload of a dead run whose id was never recorded is found by key and start time;
#   - another node's recorded upload is left alone.
# The debris is checked to exist between the kill and the restart, so the test cannot pass
# without the restart cleaning it up.
#
# Usage: crash_cleanup_test.sh BIN_DIR PLUGIN_DIR
set -euo pipefail

bin=$1
plugins=$2
work=$(mktemp -d)
# shellcheck source=daemon.sh
source "$(dirname "$0")/daemon.sh"
stalled_pids=()
stop_stalled_uploads() {
  local pid
  for pid in "${stalled_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${stalled_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  stalled_pids=()
}
cleanup() { stop_stalled_uploads; stop_daemon || true; stop_r2fake; rm -rf "$work"; }
trap cleanup EXIT

fail() { echo "FAIL: $*"; echo "--- server.log"; cat "$work/server.log"; exit 1; }

fake() { curl -sf "$r2fake_endpoint/__fake__/$1"; }
fake_upload_count() { fake uploads | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
fake_parts_stored() {
  fake uploads | /usr/bin/python3 -c 'import json,sys; u=json.load(sys.stdin); print(sum(len(x["parts"]) for x in u))'
}
fake_object_count() { fake objects | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
upload_records() {
  /usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM upload_records").fetchone()[0])' \
    "$work/data/storages.db"
}
temp_files() { find "$work/objects/.pluton-partial" -type f 2>/dev/null | wc -l; }
# For `eventually`, which runs a command again and again: COMMAND's output compared.
output_is() { [ "$("$1")" = "$2" ]; }
output_at_least() { [ "$("$1")" -ge "$2" ]; }

# Streams 12 MiB into an upload of unknown size through a FIFO this shell keeps open, so the
# stream never ends: the upload is under way, with parts stored, when the daemon is killed.
start_stalled_upload() {
  local storage=$1 key=$2 fd
  mkfifo "$work/$storage.fifo"
  "$bin/pluton-storage" upload "$storage" bucket "$key" - <"$work/$storage.fifo" >/dev/null 2>&1 &
  stalled_pids+=($!)
  exec {fd}>"$work/$storage.fifo"
  head -c $((12 << 20)) /dev/urandom >&"$fd" &
  stalled_pids+=($!)
}

node=(--node_id=crash-test-node)
start_r2fake
start_daemon "$plugins" "${node[@]}"
add_storage r2crash r2
mkdir -p "$work/objects/bucket"
add_storage localcrash local

# --- r2: a multipart upload with parts stored at the moment of the crash
start_stalled_upload r2crash backup.tar
eventually output_at_least fake_parts_stored 2 || fail "the upload did not store parts on the fake"
[ "$(upload_records)" = 1 ] || fail "the upload under way is not recorded ($(upload_records) records)"
upload_id=$(fake uploads | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["upload_id"])')
# --- local: a temporary file being written at the moment of the crash
start_stalled_upload localcrash backup.tar
eventually output_is temp_files 1 || fail "the local upload made no temporary file"
eventually output_is upload_records 2 || fail "the local upload is not recorded"

kill_daemon
stop_stalled_uploads
[ "$(fake_upload_count)" = 1 ] || fail "expected the dead run's multipart upload on the fake"
[ "$(temp_files)" = 1 ] || fail "expected the dead run's temporary file"

# Two more records, as if written by runs that died: one of this node whose run died before the
# provider reported its multipart upload's id (the restart finds the upload by key and start
# time), and one of another node, whose upload is that node's business and must stay.
aws_fake() {
  AWS_ACCESS_KEY_ID=r2fakeadmin000000000000000000000 AWS_CONFIG_FILE=/dev/null \
    AWS_SECRET_ACCESS_KEY=6b9f0e2d1c3a4b5e8f7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a \
    /usr/bin/aws --endpoint-url "$r2fake_endpoint" --region auto "$@"
}
create_multipart() {
  aws_fake s3api create-multipart-upload --bucket bucket --key "$1" --query UploadId --output text
}
add_record() {  # NODE KEY UPLOAD_ID
  /usr/bin/python3 - "$work/data/storages.db" "$@" <<'PY'
import sqlite3, sys, time
db, node, key, upload_id = sys.argv[1:]
with sqlite3.connect(db) as c:
    (storage,) = c.execute("SELECT id FROM storages WHERE name = 'r2crash'").fetchone()
    c.execute("INSERT INTO upload_records (node, run, storage_id, bucket, object_key, upload_id,"
              " start_time_us) VALUES (?, 'a-dead-run', ?, 'bucket', ?, ?, ?)",
              (node, storage, key.encode(), upload_id, int((time.time() - 1) * 1e6)))
PY
}
unrecorded_id=$(create_multipart unrecorded.tar)
add_record crash-test-node unrecorded.tar ""
their_id=$(create_multipart theirs.tar)
add_record another-node theirs.tar "$their_id"
[ "$(fake_upload_count)" = 3 ] || fail "expected 3 multipart uploads on the fake before the restart"

start_daemon "$plugins" "${node[@]}"
eventually output_is fake_upload_count 1 ||
  fail "the restart left $(fake_upload_count) multipart upload(s) on the fake"
eventually output_is temp_files 0 || fail "the restart left $(temp_files) temporary file(s)"
eventually output_is upload_records 1 || fail "$(upload_records) upload record(s) left"
[ "$(fake uploads | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["upload_id"])')" = "$their_id" ] ||
  fail "the restart aborted another node's upload"
grep -q "aborted upload $unrecorded_id interrupted by an earlier run before it was recorded" \
  "$work/server.log" || fail "the upload whose id was never recorded was not found and aborted"
grep -q "aborted upload $upload_id interrupted by an earlier run (storage \"r2crash\"" \
  "$work/server.log" || fail "no log line for the aborted multipart upload $upload_id"
grep -Eq "aborted upload upload-[0-9a-f]{32}\.tmp interrupted by an earlier run \(storage \"localcrash\"" \
  "$work/server.log" || fail "no log line for the removed temporary file"
[ "$(fake_object_count)" = 0 ] || fail "an object appeared on the fake"
[ -z "$(find "$work/objects/bucket" -type f)" ] || fail "an object appeared in the local storage"

# The restarted service works, and a finished upload leaves no record behind.
head -c $((7 << 20)) /dev/urandom >"$work/input"
"$bin/pluton-storage" upload r2crash bucket after-restart - <"$work/input" >/dev/null ||
  fail "an upload after the restart failed"
curl -sf "$r2fake_endpoint/__fake__/object?bucket=bucket&key=after-restart" | cmp - "$work/input" ||
  fail "the upload after the restart is not byte-exact"
[ "$(upload_records)" = 1 ] || fail "a finished upload left its record"
[ "$(fake_upload_count)" = 1 ] || fail "a finished upload left a multipart upload"
echo "PASS: crash cleanup (r2 multipart uploads $upload_id and $unrecorded_id, a local" \
  "temporary file; another node's upload kept)"
