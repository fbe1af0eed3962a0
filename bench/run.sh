#!/usr/bin/env bash
# Upload benchmark: streams the same bytes from stdin through each uploader into the same
# minimal S3 sink (bench/s3_sink.cc) on this machine, with the same part size and concurrency,
# and prints MiB/s, CPU seconds per GiB (client and service together), peak RSS, and the
# ratios to rclone. Run after ./scripts/bootstrap.sh:
#   bench/run.sh [SIZE_MIB=1024] [PART_MIB=5] [CONCURRENCY=4]
# The input is /dev/zero: no uploader compresses or deduplicates, and every byte is still
# read, hashed and sent.
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

results=()  # "name MiB/s cpu_s_per_gib rss_mib"
record() {  # name wall_s cpu_s rss_kib
  results+=("$(awk -v n="$1" -v w="$2" -v c="$3" -v r="$4" -v s="$size_mib" \
    'BEGIN {printf "%s %.1f %.2f %.0f", n, s / w, c * 1024 / s, r / 1024}')")
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

# --- Pluton: the CLI streams to pluton-storaged, which uploads with the s3 plugin.
"$bin/pluton-storaged" --listen=127.0.0.1:0 --port_file="$work/pluton.port" \
  --data_dir="$work/pluton" --upload_buffer_budget_mib=$((part_mib * (concurrency + 2))) \
  2>"$work/pluton.log" &
service_pid=$!
pids+=("$service_pid")
wait_for_file "$work/pluton.port"
export PLUTON_STORAGE_SERVER=127.0.0.1:$(cat "$work/pluton.port")
BENCH_SECRET=$secret "$bin/pluton-storage" add bench --provider s3 --set endpoint="$endpoint" \
  --set region=us-east-1 --set access_key_id="$key_id" --secret-env secret_access_key=BENCH_SECRET \
  --set chunk_size="${part_mib}MiB" --set upload_concurrency="$concurrency" >/dev/null
service_cpu0=$(proc_cpu "$service_pid")
timed_upload "$bin/pluton-storage" upload bench bench pluton.bin - --chunk-size 1MiB
service_cpu=$(awk -v a="$service_cpu0" -v b="$(proc_cpu "$service_pid")" 'BEGIN {print b - a}')
service_rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$service_pid/status")
record pluton "$wall" "$(awk -v a="$cpu" -v b="$service_cpu" 'BEGIN {print a + b}')" \
  "$((rss + service_rss))"
pluton_client_cpu=$cpu

# --- rclone rcat, same part size and concurrency.
export RCLONE_CONFIG_SINK_TYPE=s3 RCLONE_CONFIG_SINK_PROVIDER=Other \
  RCLONE_CONFIG_SINK_ENDPOINT=$endpoint RCLONE_CONFIG_SINK_ACCESS_KEY_ID=$key_id \
  RCLONE_CONFIG_SINK_SECRET_ACCESS_KEY=$secret RCLONE_CONFIG=/dev/null
timed_upload rclone rcat sink:bench/rclone.bin --s3-chunk-size "${part_mib}M" \
  --s3-upload-concurrency "$concurrency" --s3-no-check-bucket -q
record rclone "$wall" "$cpu" "$rss"

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
record aws-cli "$wall" "$cpu" "$rss"

echo
echo "Streamed upload of ${size_mib} MiB from stdin, ${part_mib} MiB parts, concurrency ${concurrency}, into bench/s3_sink on $(nproc) cores"
printf '%-8s %9s %12s %13s %14s %15s\n' tool MiB/s "CPU s/GiB" "peak RSS MiB" "speed/rclone" "CPU/rclone"
read -r _ rclone_speed rclone_cpu _ <<<"$(printf '%s\n' "${results[@]}" | grep '^rclone ')"
for row in "${results[@]}"; do
  read -r name speed cpu_per_gib rss_mib <<<"$row"
  awk -v n="$name" -v s="$speed" -v c="$cpu_per_gib" -v r="$rss_mib" -v rs="$rclone_speed" \
    -v rc="$rclone_cpu" 'BEGIN {printf "%-8s %9.1f %12.2f %13d %14.2f %15.2f\n", n, s, c, r, s / rs, c / rc}'
done
echo "pluton CPU split: CLI $(awk -v c="$pluton_client_cpu" -v s="$size_mib" 'BEGIN {printf "%.2f", c * 1024 / s}') s/GiB, service $(awk -v c="$service_cpu" -v s="$size_mib" 'BEGIN {printf "%.2f", c * 1024 / s}') s/GiB; peak RSS is CLI + service"
