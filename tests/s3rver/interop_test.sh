#!/usr/bin/env bash
# S3 interoperability: uploads through pluton-storaged (s3 plugin) into s3rver, a real S3
# server from npm, then reads every object back with two independent clients from Debian —
# the AWS CLI and rclone — and compares bytes; `rclone check` verifies the MD5 stored with
# multipart objects (X-Amz-Meta-Md5chksum). Small settings make the size edges cheap:
# chunk_size 5 MiB, upload_cutoff 6 MiB.
#   interop_test.sh BIN_DIR PLUGIN_DIR
set -euo pipefail
bin=$1 plugins=$2
here=$(cd "$(dirname "$0")" && pwd)
s3rver=$here/node_modules/.bin/s3rver
[ -x "$s3rver" ] || { echo "s3rver is not installed: run scripts/test.sh (npm ci in tests/s3rver)"; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -n 20 "$work/server.log"; exit 1; }
mib=$((1 << 20))
bucket=pluton-interop

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$s3rver" -d "$work/s3rver" -a 127.0.0.1 -p "$port" --silent --configure-bucket "$bucket" \
  >"$work/s3rver.log" 2>&1 &
pids+=($!)
endpoint=http://127.0.0.1:$port
for _ in $(seq 100); do curl -s -o /dev/null "$endpoint" && break; sleep 0.1; done

"$bin/pluton-storaged" --listen=127.0.0.1:0 --port_file="$work/port" --data_dir="$work/data" \
  --plugin_dir="$plugins" 2>"$work/server.log" &
pids+=($!)
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
export PLUTON_STORAGE_SERVER=127.0.0.1:$(cat "$work/port")
cli() { "$bin/pluton-storage" "$@"; }

S3RVER_SECRET=S3RVER cli add s3rver --provider s3 --set endpoint="$endpoint" \
  --set region=us-east-1 --set access_key_id=S3RVER --secret-env secret_access_key=S3RVER_SECRET \
  --set chunk_size=5MiB --set upload_cutoff=6MiB >/dev/null
cli test s3rver --bucket "$bucket" >/dev/null || fail "connection test against s3rver failed"

# Sizes around the part size and the cutoff, and a few hundred MiB of multipart.
mkdir -p "$work/files"
sizes=(0 1 $((5 * mib - 1)) $((5 * mib)) $((5 * mib + 1)) $((6 * mib - 1)) $((6 * mib))
       $((6 * mib + 1)) $((300 * mib)))
for size in "${sizes[@]}"; do
  head -c "$size" /dev/urandom >"$work/files/object-$size"
  md5=$(md5sum "$work/files/object-$size" | cut -d' ' -f1)
  out=$(cli upload s3rver "$bucket" "interop/object-$size" "$work/files/object-$size" \
    --content-md5 "$md5") || fail "upload of $size bytes: $out"
done
# A stream of unknown size past the cutoff, without an up-front MD5.
head -c $((20 * mib + 12345)) /dev/urandom >"$work/stream.bin"
cli upload s3rver "$bucket" stream/stream.bin - <"$work/stream.bin" >/dev/null || fail "stream upload"
echo "uploaded ${#sizes[@]} objects and one stream through pluton-storaged"

export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
unset AWS_CA_BUNDLE AWS_PROFILE
export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_S3RVER_TYPE=s3 RCLONE_CONFIG_S3RVER_PROVIDER=Other \
  RCLONE_CONFIG_S3RVER_ENDPOINT=$endpoint RCLONE_CONFIG_S3RVER_ACCESS_KEY_ID=S3RVER \
  RCLONE_CONFIG_S3RVER_SECRET_ACCESS_KEY=S3RVER RCLONE_CONFIG_S3RVER_FORCE_PATH_STYLE=true
for size in "${sizes[@]}"; do
  key=interop/object-$size
  /usr/bin/aws --endpoint-url "$endpoint" s3 cp "s3://$bucket/$key" - 2>/dev/null |
    cmp -s - "$work/files/object-$size" || fail "aws s3 cp read back $key differently"
  rclone cat "s3rver:$bucket/$key" | cmp -s - "$work/files/object-$size" ||
    fail "rclone cat read back $key differently"
done
/usr/bin/aws --endpoint-url "$endpoint" s3 cp "s3://$bucket/stream/stream.bin" - 2>/dev/null |
  cmp -s - "$work/stream.bin" || fail "aws read back the stream differently"
echo "aws s3 cp and rclone cat read back every object byte for byte"

# rclone check compares sizes and MD5s; for multipart objects the MD5 comes from the
# X-Amz-Meta-Md5chksum metadata the s3 plugin stored.
rclone check "$work/files" "s3rver:$bucket/interop" --one-way 2>"$work/check.log" ||
  { cat "$work/check.log"; fail "rclone check"; }
remote_md5=$(rclone md5sum "s3rver:$bucket/interop/object-$((300 * mib))" | cut -d' ' -f1)
local_md5=$(md5sum "$work/files/object-$((300 * mib))" | cut -d' ' -f1)
[ "$remote_md5" = "$local_md5" ] || fail "rclone md5sum of the 300 MiB multipart object: '$remote_md5' != '$local_md5'"
echo "rclone check passed; rclone md5sum of the multipart object matches ($local_md5)"
echo "ok"
