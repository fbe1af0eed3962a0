#!/usr/bin/env bash
# Installs what the build needs from Debian's packages (skipped when already present) and
# builds everything into build/ with Ninja. Safe to run again: an up-to-date build is a no-op.
#   bootstrap.sh [--deps-only] [EXTRA_PACKAGE...]   (--deps-only: install, do not build)
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
  cmake ninja-build g++ pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libssl-dev libcurl4-openssl-dev libsqlite3-dev nlohmann-json3-dev libtinyxml2-dev libcivetweb-dev
  libgtest-dev libgmock-dev
  python3-botocore
)
deps_only=false
if [ "${1:-}" = --deps-only ]; then deps_only=true; shift; fi
# Extra packages a caller needs (e.g. the test command's S3 clients), passed as arguments.
debian_packages+=("$@")

missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

$deps_only && exit 0
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build build -j2
