#!/usr/bin/env bash
# --log_format=json: every line the real daemon writes, from start to stop (gRPC's own lines
# included), is one JSON object with time, level, component and message; an unknown format
# is refused at start.
#   log_format_test.sh BIN_DIR PLUGIN_DIR
set -euo pipefail
bin=$1 plugins=$2
work=$(mktemp -d)
source "$(dirname "$0")/daemon.sh"
trap '[ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/server.log"; exit 1; }

if "$bin/pluton-storaged" --log_format=yaml --plugin_dir="$plugins" 2>"$work/bad.log"; then
  fail "--log_format=yaml was accepted"
fi
grep -q -- "--log_format must be text or json" "$work/bad.log" || fail "no reason: $(cat "$work/bad.log")"

start_daemon "$plugins" --log_format=json
"$bin/pluton-storage" providers >/dev/null || fail "providers"
stop_daemon || fail "daemon exited non-zero"
/usr/bin/python3 - "$work/server.log" <<'PY' || fail "a log line is not the JSON expected"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) >= 3, f"only {len(lines)} lines"
for line in lines:
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "component", "message"}, line
    assert entry["level"] in {"debug", "info", "warning", "error"}, line
    assert entry["time"].endswith("Z") and "T" in entry["time"], line
assert any("serving pluton.storage.v1.StorageService" in json.loads(l)["message"] for l in lines)
print(f"ok: {len(lines)} lines, each one JSON object")
PY
