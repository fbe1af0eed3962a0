#!/usr/bin/env bash
# Builds the runtime root file system of the pluton-storaged image from Debian bookworm packages,
# offline from any container registry: the same tree that deploy/Dockerfile copies into its final
# stage. Runs on a Debian bookworm machine (or build stage) holding a finished CMake build.
#
#   deploy/build-rootfs.sh BUILD_DIR OUT_DIR
#
# Writes OUT_DIR/rootfs/ (and OUT_DIR/rootfs.tar, for `podman import`):
#   /usr/bin/pluton-storaged, /usr/bin/pluton-storage   (cmake --install, component runtime)
#   /usr/lib/pluton/plugins/*.so                         (found by the daemon with no flag)
#   the Debian packages owning the libraries those load (runtime-packages.sh), ca-certificates
#   user and group `pluton` (65532), /var/lib/pluton-storage (0700, the data directory), /tmp
# Nothing else: no shell, no package manager (mmdebstrap's `extract` variant). The packages come
# from deb.debian.org (PLUTON_DEBIAN_MIRROR to change); downloaded .deb files are kept in
# OUT_DIR/apt-cache and reused by the next run. Needs root, or user namespaces (mmdebstrap picks).
set -euo pipefail
(($# == 2)) || { echo "usage: $0 BUILD_DIR OUT_DIR" >&2; exit 2; }
build_dir=$(realpath "$1")
out_dir=$(realpath -m "$2")
here=$(dirname "$(realpath "$0")")
mirror=${PLUTON_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${PLUTON_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
readonly uid=65532

command -v mmdebstrap >/dev/null || { echo "build-rootfs: needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 1; }
mkdir -p "$out_dir/apt-cache"
staging="$out_dir/staging"
rootfs="$out_dir/rootfs"
rm -rf "$staging" "$rootfs" "$out_dir/rootfs.tar"

# 1. The project's files, as `cmake --install` lays them out.
DESTDIR="$staging" cmake --install "$build_dir" --prefix /usr --component runtime --strip >/dev/null
binaries=("$staging"/usr/bin/pluton-storaged "$staging"/usr/bin/pluton-storage
          "$staging"/usr/lib/pluton/plugins/*.so)

for file in "${binaries[@]}"; do
  [ -f "$file" ] || { echo "build-rootfs: cmake --install did not produce $file" >&2; exit 1; }
done

# 2. Their runtime packages, and nothing else.
runtime_packages=$("$here/runtime-packages.sh" "${binaries[@]}")
mapfile -t packages <<<"$runtime_packages"
packages+=(ca-certificates)
echo "build-rootfs: ${#packages[@]} packages: ${packages[*]}"

# 3. The root file system: the packages extracted (no maintainer scripts run in `extract`, so
#    step 4 does the little they would have done that the service needs).
mmdebstrap --quiet --variant=extract --include="$(IFS=,; echo "${packages[*]}")" \
  --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
  --setup-hook="sync-in $out_dir/apt-cache /var/cache/apt/archives/" \
  --extract-hook="sync-out /var/cache/apt/archives $out_dir/apt-cache" \
  bookworm "$rootfs" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
  "deb $security_mirror bookworm-security main"

# 4. What a container needs beside the packages.
cp -a "$staging/." "$rootfs/"
rm -rf "$staging" "$rootfs"/usr/share/{doc,man,info,locale,lintian} "$rootfs"/etc/apt \
       "$rootfs"/var/lib/apt "$rootfs"/var/cache/apt "$rootfs"/var/cache/debconf "$rootfs"/dev
# (/dev comes from the container runtime.)
# ca-certificates' postinst would build this bundle from the Mozilla set it ships.
mkdir -p "$rootfs/etc/ssl/certs"
cat "$rootfs"/usr/share/ca-certificates/mozilla/*.crt >"$rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\npluton:x:%d:%d:pluton-storaged:/var/lib/pluton-storage:/usr/sbin/nologin\n' \
  "$uid" "$uid" >"$rootfs/etc/passwd"
printf 'root:x:0:\npluton:x:%d:\n' "$uid" >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"
mkdir -p "$rootfs"/{proc,sys,dev,tmp,var/lib/pluton-storage}
chmod 1777 "$rootfs/tmp"
chmod 0700 "$rootfs/var/lib/pluton-storage"
chown "$uid:$uid" "$rootfs/var/lib/pluton-storage"

tar --numeric-owner -C "$rootfs" -cf "$out_dir/rootfs.tar" .
echo "build-rootfs: $rootfs ($(du -sh --apparent-size "$rootfs" | cut -f1)), $out_dir/rootfs.tar"
