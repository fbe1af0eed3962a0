#!/usr/bin/env bash
# The whole test suite: installs what it needs (Debian packages, the npm test tools), builds,
# and runs every test with CTest: unit tests, plugin-loader tests with deliberately broken
# plugins, end-to-end tests against a real server on a real port, the 1 GiB bounded-memory
# upload, the strict R2 fake, and S3 interoperability against s3rver read back with the AWS CLI
# and rclone. Every server a test needs is started and stopped by that test. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Test-only tools from Debian: S3 clients to read back what we upload, the Python the R2
# fake runs on, and Node.js for s3rver.
test_packages=(awscli rclone python3-botocore curl)
# Node.js may come from elsewhere (with its own npm); take Debian's only when there is none.
command -v npm >/dev/null || test_packages+=(nodejs npm)
./scripts/bootstrap.sh "${test_packages[@]}"

# s3rver, pinned by tests/s3rver/package-lock.json; reinstalled only when the lock changes.
if [ ! -f tests/s3rver/node_modules/.package-lock.json ] ||
   [ tests/s3rver/package-lock.json -nt tests/s3rver/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/s3rver --no-audit --no-fund --loglevel=error
fi

ctest --test-dir build --output-on-failure -j2 --timeout 900
