#!/usr/bin/env bash
# The container image's root file system, built offline (deploy/build-rootfs.sh) and run for real:
# as the image's user (65532) on a read-only root with only /tmp and the data directory writable,
# the daemon finds its plugins with no flag, serves grpc.health.v1.Health as SERVING, and stores
# one upload made with the image's own CLI byte for byte.
#
# Where podman can run containers, the tree is imported as an image and run with podman
# (--read-only --user 65532). Where it cannot (no podman, or, as on the development machines, the
# runtime is refused setrlimit and hybrid cgroups), the test says why and runs the same checks
# with chroot in a private mount namespace: the root file system bind-mounted read-only, a tmpfs
# on /tmp, the data directory bound in. Needs root (CI runs as root).
#   rootfs_test.sh BUILD_DIR
set -euo pipefail
build_dir=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
readonly uid=65532 image=localhost/pluton-storage:rootfs-test

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: building and entering the root file system needs root (CI runs as root)"
  exit 77
fi
# Everything below runs in a private mount namespace: its mounts vanish with the test.
if [ -z "${PLUTON_ROOTFS_TEST_IN_NAMESPACE:-}" ]; then
  PLUTON_ROOTFS_TEST_IN_NAMESPACE=1 exec unshare --mount --propagation private "$0" "$@"
fi

out="$build_dir/deploy"
work=$(mktemp -d)
container=
cleanup() {
  [ -n "$container" ] && podman rm -f "$container" >/dev/null 2>&1
  [ -f "$work/daemon.pid" ] && kill -9 "$(cat "$work/daemon.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$work/daemon.log" 2>/dev/null; exit 1; }

start=$(date +%s)
"$here/../build-rootfs.sh" "$build_dir" "$out"
rootfs="$out/rootfs"
echo "ok: root file system built in $(($(date +%s) - start)) s," \
     "$(du -s --apparent-size --block-size=1M "$rootfs" | cut -f1) MiB"

# What the image holds, and what it must not.
for file in usr/bin/pluton-storaged usr/bin/pluton-storage usr/lib/pluton/plugins/pluton_local.so \
            usr/lib/pluton/plugins/pluton_r2.so usr/lib/pluton/plugins/pluton_s3.so \
            etc/ssl/certs/ca-certificates.crt; do
  [ -s "$rootfs/$file" ] || fail "the root file system lacks /$file"
done
for absent in bin/sh usr/bin/apt usr/bin/dpkg usr/bin/bash; do
  [ ! -e "$rootfs/$absent" ] || fail "the root file system holds /$absent; the image has no shell or package manager"
done
[ "$(stat -c %u:%a "$rootfs/var/lib/pluton-storage")" = "$uid:700" ] ||
  fail "/var/lib/pluton-storage is $(stat -c %u:%a "$rootfs/var/lib/pluton-storage"), not $uid:700"
writable=$(find "$rootfs" -xdev -path "$rootfs/var/lib/pluton-storage" -prune -o -path "$rootfs/tmp" -prune \
             -o \( -uid "$uid" -o -perm -o+w \) ! -type l -print | head -5)
[ -z "$writable" ] || fail "files the runtime user could change: $writable"
echo "ok: daemon, CLI, plugins and CA bundle present; no shell, no package manager; only the data directory belongs to $uid"

data="$work/data"
mkdir -m 0700 "$data"
# The volume holds the registry and, beside it (never inside: storages cannot reach the
# service's own files), the local storage's objects.
mkdir -m 0700 "$data/data" "$data/objects"
chown -R "$uid:$uid" "$data"
head -c $((5 * 1048576 + 17)) /dev/urandom >"$work/source"

# Starts the daemon from the image; sets run_cli to run the image's CLI the same way.
start_in_podman() {
  command -v podman >/dev/null || { why="podman is not installed"; return 1; }
  podman import --quiet "$out/rootfs.tar" "$image" >/dev/null
  why=$(podman run --rm --network host --read-only --user "$uid:$uid" "$image" \
          /usr/bin/pluton-storage --help 2>&1 >/dev/null) || { why=$(tail -n1 <<<"$why"); return 1; }
  container=$(podman run -d --network host --read-only --user "$uid:$uid" --tmpfs /tmp \
                -v "$data:/var/lib/pluton-storage" "$image" /usr/bin/pluton-storaged \
                --listen=127.0.0.1:0 --data_dir=/var/lib/pluton-storage/data \
                --local_root=/var/lib/pluton-storage/objects --port_file=/var/lib/pluton-storage/port)
  run_cli() { podman exec -i -e PLUTON_STORAGE_SERVER "$container" /usr/bin/pluton-storage "$@"; }
  stop_daemon() {
    podman stop --time 30 "$container" >/dev/null
    stop_status=$(podman wait "$container")
  }
  echo "running in a container (podman)"
}

start_in_chroot() {
  mount --bind "$rootfs" "$rootfs"
  mount -o remount,bind,ro "$rootfs"
  mount -t tmpfs -o mode=1777,size=64m tmpfs "$rootfs/tmp"
  mount -t tmpfs -o mode=0755,size=1m tmpfs "$rootfs/dev"
  for node in null zero random urandom; do
    touch "$rootfs/dev/$node"
    mount --bind "/dev/$node" "$rootfs/dev/$node"
  done
  mount -t proc proc "$rootfs/proc"
  mount --bind "$data" "$rootfs/var/lib/pluton-storage"
  chroot --userspec="$uid:$uid" "$rootfs" /usr/bin/pluton-storaged --listen=127.0.0.1:0 \
    --data_dir=/var/lib/pluton-storage/data --local_root=/var/lib/pluton-storage/objects \
    --port_file=/var/lib/pluton-storage/port \
    2>"$work/daemon.log" &
  echo $! >"$work/daemon.pid"
  run_cli() { chroot --userspec="$uid:$uid" "$rootfs" /usr/bin/pluton-storage "$@"; }
  # Sets stop_status (run in this shell: the daemon is its child).
  stop_daemon() {
    local pid
    pid=$(cat "$work/daemon.pid")
    kill -TERM "$pid"
    stop_status=0
    wait "$pid" || stop_status=$?
    rm -f "$work/daemon.pid"
  }
}

if ! start_in_podman; then
  echo "containers cannot run on this machine ($why): checking the root file system with chroot instead"
  start_in_chroot
fi
for _ in $(seq 300); do [ -s "$data/port" ] && break; sleep 0.1; done
[ -s "$data/port" ] || fail "the daemon did not start"
export PLUTON_STORAGE_SERVER=127.0.0.1:$(cat "$data/port")

health=$("$here/grpc_health_check.py" "$PLUTON_STORAGE_SERVER") || fail "health: $health"
[ "$health" = SERVING ] || fail "health said $health"
echo "ok: grpc.health.v1.Health/Check says SERVING"

providers=$(run_cli providers) || fail "providers: $providers"
for id in local r2 s3; do
  grep -q "^$id " <<<"$providers" || fail "plugin $id not loaded from /usr/lib/pluton/plugins: $providers"
done
echo "ok: the daemon found its plugins (local, r2, s3) with no --plugin_dir"

run_cli add disk --provider local --set root=/var/lib/pluton-storage/objects >/dev/null
run_cli upload disk bucket backups/one.bin - <"$work/source" >"$work/upload.out" ||
  fail "upload: $(cat "$work/upload.out")"
cmp "$work/source" "$data/objects/bucket/backups/one.bin" || fail "stored object differs from the source"
echo "ok: one upload through the image's CLI stored byte for byte ($(stat -c %s "$work/source") bytes)"
stop_daemon
[ "$stop_status" = 0 ] || fail "the daemon exited with $stop_status on SIGTERM"
echo "ok: SIGTERM stopped the daemon with status 0"
echo "rootfs test passed in $(($(date +%s) - start)) s"
