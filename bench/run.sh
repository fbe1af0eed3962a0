#!/usr/bin/env bash
# Upload and download benchmark against the same minimal S3 server (bench/s3_sink.cc) on this
# machine, Pluton side by side with rclone and the AWS CLI:
#   upload:   the same bytes streamed from stdin, same part size and concurrency
#             (pluton-storage upload -, rclone rcat, aws s3 cp -);
#   download: the same object streamed to stdout
#             (pluton-storage download ... -, rclone cat, aws s3 cp s3://... -).
# Prints MiB/s, CPU seconds per GiB (client and service together), peak RSS, and the ratios
# to rclone. Run after ./scripts/bootstrap.sh:
#   bench/run.sh [SIZE_MIB=1024] [PART_MIB=5] [CONCURRENCY=4]
# The upload input is /dev/zero: no uploader compresses or deduplicates, and every byte is still
# read, hashed and sent. The sink serves zeros for downloads and stores no MD5, so no client
# (Pluton included) spends CPU verifying a checksum on the way back.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024} part_mib=${2:-5} concurrency=${3:-4}
size=$((size_mib << 20))
bin=$PWD/build/bin
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
unset AWS_CA_BUNDLE
clk_tck=$(getconf CLK_TCK)

wait_for_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }
# CPU seconds (user + system) a running process has used so far.
proc_cpu() { awk -v t="$clk_tck" '{printf "%.3f", ($14 + $15) / t}' "/proc/$1/stat"; }

"$bin/s3_sink" --port-file "$work/sink.port" >/dev/null 2>"$work/sink.log" &
pids+=($!)
wait_for_file "$work/sink.port"
endpoint=http://127.0.0.1:$(cat "$work/sink.port")
key_id=AKIABENCHMARKEXAMPLE secret=benchmark-secret-not-checked-by-the-sink

results=()  # "phase name MiB/s cpu_s_per_gib rss_mib"
record() {  # phase name wall_s cpu_s rss_kib
  results+=("$(awk -v p="$1" -v n="$2" -v w="$3" -v c="$4" -v r="$5" -v s="$size_mib" \
    'BEGIN {printf "%s %s %.1f %.2f %.0f", p, n, s / w, c * 1024 / s, r / 1024}')")
}
# Runs "$@" reading the input on stdin; sets wall, cpu (of the command) and rss (KiB).
timed_upload() {
  local t0 t1
  t0=$(date +%s.%N)
  head -c "$size" /dev/zero | /usr/bin/time -f "%U %S %M" -o "$work/time" "$@" >/dev/null
  t1=$(date +%s.%N)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
  read -r user sys rss <"$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.3f", u + s}')
}
# Runs "$@", which writes the object to stdout; checks the byte count; sets wall, cpu, rss.
timed_download() {
  local t0 t1 got
  t0=$(date +%s.%N)
  got=$(/usr/bin/time -f "%U %S %M" -o "$work/time" "$@" | wc -c)
  t1=$(date +%s.%N)
  [ "$got" -eq "$size" ] || { echo "bench: $1 returned $got bytes, not $size" >&2; exit 1; }
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
  read -r user sys rss <"$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.3f", u + s}')
}

# --- Pluton: the CLI streams to pluton-storaged, which uploads with the s3 plugin.
"$bin/pluton-storaged" --listen=127.0.0.1:0 --port_file="$work/pluton.port" \
  --data_dir="$work/pluton" $([ "$(id -u)" = 0 ] || echo --allow_plugins_owned_by_service_user) --allowed_endpoint=127.0.0.1 --upload_buffer_budget_mib=$((part_mib * (concurrency + 2))) \
  2>"$work/pluton.log" &
service_pid=$!
pids+=("$service_pid")
wait_for_file "$work/pluton.port"
export PLUTON_STORAGE_SERVER=127.0.0.1:$(cat "$work/pluton.port")
BENCH_SECRET=$secret "$bin/pluton-storage" add bench --provider s3 --set endpoint="$endpoint" \
  --set region=us-east-1 --set access_key_id="$key_id" --secret-env secret_access_key=BENCH_SECRET \
  --set chunk_size="${part_mib}MiB" --set upload_concurrency="$concurrency" >/dev/null
# Runs one Pluton CLI command through timed_upload or timed_download (first argument) and
# records it with the service's CPU and peak RSS added.
pluton_timed() {
  local phase=$1 runner=$2
  shift 2
  local cpu0
  # Start the service's peak RSS afresh for this phase (Linux: 5 resets VmHWM).
  echo 5 >"/proc/$service_pid/clear_refs" 2>/dev/null || true
  cpu0=$(proc_cpu "$service_pid")
  "$runner" "$@"
  service_cpu=$(awk -v a="$cpu0" -v b="$(proc_cpu "$service_pid")" 'BEGIN {print b - a}')
  service_rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$service_pid/status")
  record "$phase" pluton "$wall" "$(awk -v a="$cpu" -v b="$service_cpu" 'BEGIN {print a + b}')" \
    "$((rss + service_rss))"
  split+=("$phase: CLI $(awk -v c="$cpu" -v s="$size_mib" 'BEGIN {printf "%.2f", c * 1024 / s}') s/GiB, service $(awk -v c="$service_cpu" -v s="$size_mib" 'BEGIN {printf "%.2f", c * 1024 / s}') s/GiB")
}
split=()
pluton_timed upload timed_upload "$bin/pluton-storage" upload bench bench pluton.bin - \
  --chunk-size 1MiB

# --- rclone rcat, same part size and concurrency.
export RCLONE_CONFIG_SINK_TYPE=s3 RCLONE_CONFIG_SINK_PROVIDER=Other \
  RCLONE_CONFIG_SINK_ENDPOINT=$endpoint RCLONE_CONFIG_SINK_ACCESS_KEY_ID=$key_id \
  RCLONE_CONFIG_SINK_SECRET_ACCESS_KEY=$secret RCLONE_CONFIG=/dev/null
timed_upload rclone rcat sink:bench/rclone.bin --s3-chunk-size "${part_mib}M" \
  --s3-upload-concurrency "$concurrency" --s3-no-check-bucket -q
record upload rclone "$wall" "$cpu" "$rss"

# --- AWS CLI (Debian's awscli), same part size and concurrency.
cat >"$work/aws.config" <<CONF
[default]
region = us-east-1
s3 =
  multipart_chunksize = ${part_mib}MB
  max_concurrent_requests = $concurrency
CONF
AWS_CONFIG_FILE=$work/aws.config AWS_ACCESS_KEY_ID=$key_id AWS_SECRET_ACCESS_KEY=$secret \
  timed_upload /usr/bin/aws --endpoint-url "$endpoint" s3 cp - s3://bench/aws.bin
record upload aws-cli "$wall" "$cpu" "$rss"

# --- Downloads of the same object (uploaded by the AWS CLI above) to stdout.
pluton_timed download timed_download "$bin/pluton-storage" download bench bench aws.bin -
timed_download rclone cat sink:bench/aws.bin
record download rclone "$wall" "$cpu" "$rss"
AWS_CONFIG_FILE=$work/aws.config AWS_ACCESS_KEY_ID=$key_id AWS_SECRET_ACCESS_KEY=$secret \
  timed_download /usr/bin/aws --endpoint-url "$endpoint" s3 cp s3://bench/aws.bin -
record download aws-cli "$wall" "$cpu" "$rss"

print_table() {  # phase title
  echo
  echo "$2"
  printf '%-8s %9s %12s %13s %14s %15s\n' tool MiB/s "CPU s/GiB" "peak RSS MiB" "speed/rclone" "CPU/rclone"
  local rclone_speed rclone_cpu row phase name speed cpu_per_gib rss_mib
  read -r _ _ rclone_speed rclone_cpu _ <<<"$(printf '%s\n' "${results[@]}" | grep "^$1 rclone ")"
  for row in "${results[@]}"; do
    read -r phase name speed cpu_per_gib rss_mib <<<"$row"
    [ "$phase" = "$1" ] || continue
    awk -v n="$name" -v s="$speed" -v c="$cpu_per_gib" -v r="$rss_mib" -v rs="$rclone_speed" \
      -v rc="$rclone_cpu" 'BEGIN {printf "%-8s %9.1f %12.2f %13d %14.2f %15.2f\n", n, s, c, r, s / rs, c / rc}'
  done
}
print_table upload "Streamed upload of ${size_mib} MiB from stdin, ${part_mib} MiB parts, concurrency ${concurrency}, into bench/s3_sink on $(nproc) cores"
print_table download "Streamed download of the same ${size_mib} MiB object to stdout from bench/s3_sink"
echo
for line in "${split[@]}"; do echo "pluton CPU split, $line; peak RSS is CLI + service"; done
