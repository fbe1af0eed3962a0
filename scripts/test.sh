#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, and runs every test with CTest
# (unit tests, plugin-loader tests with deliberately broken plugins, end-to-end tests against
# a real server on a real port, and the 1 GiB bounded-memory upload). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh
ctest --test-dir build --output-on-failure -j2 --timeout 900
