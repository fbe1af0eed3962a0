# Shell helpers for tests that drive the real binaries; source it after setting `work` (a
# temporary directory the test owns) and `bin` (the directory holding pluton-storaged).
#
#   start_daemon PLUGIN_DIR [FLAG...]   pluton-storaged on a free loopback port, its log in
#                                       $work/server.log, with no drain on SIGTERM unless a
#                                       FLAG sets --drain_seconds (the last value wins; list
#                                       flags such as --local_root add to its own); sets
#                                       daemon_pid and exports PLUTON_STORAGE_SERVER for the CLI
#   stop_daemon                         SIGTERM, then waits; returns the daemon's exit status
#   kill_daemon                         SIGKILL, as a crash; waits for it to be gone
#   start_r2fake                        the strict R2 fake with bucket "bucket"; sets
#                                       r2fake_pid and r2fake_endpoint
#   peak_rss_kib PID / reset_peak_rss PID   VmHWM, and its reset (Linux: 5 > clear_refs)
#   eventually COMMAND...               polls until COMMAND succeeds (a minute at most: a
#                                       safety net, not a time limit under test)
# The caller's EXIT trap should call stop_daemon and stop_r2fake (both safe to call twice).

daemon_pid=
r2fake_pid=
here_e2e=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# A developer's build belongs to the user running the tests, who also runs the daemon.
own_plugins=
[ "$(id -u)" = 0 ] || own_plugins=--allow_plugins_owned_by_service_user

eventually() {
  for _ in $(seq 1200); do "$@" && return 0; sleep 0.05; done
  return 1
}

start_daemon() {
  local plugins=$1; shift
  rm -f "$work/port"
  "$bin/pluton-storaged" --listen=127.0.0.1:0 --port_file="$work/port" --data_dir="$work/data" \
    --plugin_dir="$plugins" --drain_seconds=0 --local_root="$work" \
    --allowed_endpoint=127.0.0.1,localhost $own_plugins "$@" 2>>"$work/server.log" &
  daemon_pid=$!
  if ! eventually test -s "$work/port"; then
    echo "FAIL: pluton-storaged did not start"; cat "$work/server.log"; exit 1
  fi
  export PLUTON_STORAGE_SERVER=127.0.0.1:$(cat "$work/port")
}

stop_daemon() {
  [ -n "$daemon_pid" ] || return 0
  local pid=$daemon_pid status=0
  daemon_pid=
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || status=$?
  return "$status"
}

kill_daemon() {
  [ -n "$daemon_pid" ] || return 0
  kill -KILL "$daemon_pid" 2>/dev/null || true
  wait "$daemon_pid" 2>/dev/null || true
  daemon_pid=
}

start_r2fake() {
  mkdir -p "$work/r2fake"
  PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$here_e2e/../fakes/r2fake/server.py" --port 0 \
    --port-file "$work/r2fake.port" --data-dir "$work/r2fake" --bucket bucket \
    --exit-with-parent >/dev/null 2>"$work/r2fake.log" &
  r2fake_pid=$!
  if ! eventually test -s "$work/r2fake.port"; then
    echo "FAIL: the R2 fake did not start"; cat "$work/r2fake.log"; exit 1
  fi
  r2fake_endpoint=http://127.0.0.1:$(cat "$work/r2fake.port")
}

stop_r2fake() {
  [ -n "$r2fake_pid" ] || return 0
  kill -TERM "$r2fake_pid" 2>/dev/null || true
  wait "$r2fake_pid" 2>/dev/null || true
  r2fake_pid=
}

# Adds storage NAME of PROVIDER (local, r2 or s3) with the provider's defaults, or the CLI
# options given after them (--set KEY=VALUE...): local under $work/objects, r2 and s3 on the
# fake (start_r2fake first) with its admin token.
add_storage() {
  local name=$1 provider=$2
  shift 2
  case "$provider" in
    local)
      mkdir -p "$work/objects"
      "$bin/pluton-storage" add "$name" --provider local --set root="$work/objects" \
        --set fsync=false "$@" >/dev/null ;;
    r2|s3)
      local extra=()
      [ "$provider" = r2 ] && extra=(--set account_id=0123456789abcdef0123456789abcdef)
      R2FAKE_SECRET=6b9f0e2d1c3a4b5e8f7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a \
        "$bin/pluton-storage" add "$name" --provider "$provider" "${extra[@]}" \
        --set endpoint="$r2fake_endpoint" --set access_key_id=r2fakeadmin000000000000000000000 \
        --secret-env secret_access_key=R2FAKE_SECRET "$@" >/dev/null ;;
    *) echo "FAIL: unknown provider $provider"; exit 1 ;;
  esac
}

peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
reset_peak_rss() { echo 5 >"/proc/$1/clear_refs"; }
