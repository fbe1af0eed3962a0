#!/usr/bin/env bash
# The whole test suite: installs what it needs (Debian packages, the npm test tools), builds,
# and runs every test with CTest: unit tests, plugin-loader tests with deliberately broken
# plugins, end-to-end tests against a real server on a real port, the 1 GiB bounded-memory
# upload, the strict R2 fake, and S3 interoperability against s3rver read back with the AWS CLI
# and rclone. Every server a test needs is started and stopped by that test. A test that is
# skipped without being listed in tests/expected_skips.txt fails the run. Safe to run again.
#
# Then the same tests again, built with clang under AddressSanitizer and UndefinedBehavior-
# Sanitizer (build-sanitize/, see cmake/Sanitizers.cmake), and each libFuzzer target of fuzz/
# for PLUTON_FUZZ_SECONDS (default 20) on its seed corpus. Left out under the sanitizers:
#   memory_bound_1gib_upload(_r2, _s3), concurrent_uploads_memory_bound  it measures the daemon's peak RSS, which ASan's shadow memory
#                             and quarantine change by design
#   deploy_rootfs, deploy_manifests  they check the packaged image and the manifests, not code
#                             the sanitizers instrument
# PLUTON_TEST_SANITIZE=0 skips the sanitizer and fuzzing stage (CI always runs it).
set -euo pipefail
cd "$(dirname "$0")/.."

# Test-only tools from Debian: S3 clients to read back what we upload, the Python the R2
# fake runs on, and Node.js for s3rver; clang with its sanitizer and libFuzzer runtimes and
# llvm-symbolizer for the sanitizer stage.
test_packages=(awscli rclone python3-botocore curl clang libclang-rt-14-dev llvm-14)
# gdb's gcore: the core-dump test dumps the daemon and searches the dump for the master key.
test_packages+=(gdb)
# The container image's root file system (deploy/): mmdebstrap builds it, and Debian's gRPC for
# Python asks the daemon in it for its health.
test_packages+=(mmdebstrap python3-grpcio)
# The manifests' checks: yamllint (kubectl with kustomize v4+ comes with the machine: Debian
# bookworm's kubernetes-client is 1.20, too old; see deploy/README.md).
test_packages+=(yamllint)
# Node.js may come from elsewhere (with its own npm); take Debian's only when there is none.
command -v npm >/dev/null || test_packages+=(nodejs npm)
./scripts/bootstrap.sh "${test_packages[@]}"

# s3rver, pinned by tests/s3rver/package-lock.json; reinstalled only when the lock changes.
if [ ! -f tests/s3rver/node_modules/.package-lock.json ] ||
   [ tests/s3rver/package-lock.json -nt tests/s3rver/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/s3rver --no-audit --no-fund --loglevel=error
fi

# The Kubernetes schemas for deploy/'s manifests, pinned by deploy/tests/schema/package-lock.json.
if [ ! -f deploy/tests/schema/node_modules/.package-lock.json ] ||
   [ deploy/tests/schema/package-lock.json -nt deploy/tests/schema/node_modules/.package-lock.json ]; then
  npm ci --prefix deploy/tests/schema --no-audit --no-fund --loglevel=error
fi

# Every test must run: a skipped or disabled test that is not listed, with its reason, in
# tests/expected_skips.txt fails the run (scripts/check_skips.py reads CTest's JUnit report).
results="$PWD/build/ctest-results.xml"
rm -f "$results"
status=0
ctest --test-dir build --output-on-failure -j2 --timeout 900 --output-junit "$results" || status=$?
/usr/bin/python3 scripts/check_skips.py "$results" tests/expected_skips.txt || status=1
[ "$status" = 0 ] || exit "$status"

[ "${PLUTON_TEST_SANITIZE:-1}" = 0 ] && exit 0

# One clang build serves the sanitized tests and the fuzz targets.
if [ ! -f build-sanitize/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPLUTON_SANITIZE=address,undefined -DPLUTON_FUZZ=ON \
    -DPLUTON_FUZZ_SECONDS="${PLUTON_FUZZ_SECONDS:-20}"
fi
cmake --build build-sanitize -j2

export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
export ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-sanitize --output-on-failure -j2 --timeout 900 -LE fuzz \
  -E '^(memory_bound_1gib_upload(_r2|_s3)?|concurrent_uploads_memory_bound|deploy_rootfs|deploy_manifests|(TlsApiTest|AccessControlApiTest|CliSecureDaemonTest)\..*)$'
# The TLS suites run under ASan and UBSan too, but without leak detection: once in a CI run, a
# 904-byte OpenSSL allocation (CRYPTO_zalloc) from gRPC's TLS stack was reported leaked at exit,
# with no frame beyond libcrypto to attribute it, and it did not recur in 6 runs by hand.
ASAN_OPTIONS=detect_leaks=0:check_initialization_order=1:strict_init_order=1 \
  ctest --test-dir build-sanitize --output-on-failure -j2 --timeout 900 -LE fuzz \
  -R '^(TlsApiTest|AccessControlApiTest|CliSecureDaemonTest)\.'
ctest --test-dir build-sanitize --output-on-failure -j2 -L fuzz
