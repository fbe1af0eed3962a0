#!/usr/bin/env bash
# scripts/check_skips.py on small CTest JUnit reports: listed skips pass, an unlisted skip or
# disabled test fails naming it, a list entry without a reason and a report without tests are
# errors (exit 2).
#   check_skips_test.sh SOURCE_DIR
set -euo pipefail
check="$1/scripts/check_skips.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

report() {  # report FILE CASES...: each case "name:status"
  local file=$1; shift
  { echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuite name=\"x\" tests=\"$#\">"
    for c in "$@"; do
      echo "<testcase name=\"${c%%:*}\" classname=\"${c%%:*}\" time=\"0\" status=\"${c##*:}\">"
      # As CTest writes a GTEST_SKIP: its own message, and the test's output with gtest's.
      [ "${c##*:}" = notrun ] && echo "<skipped message=\"SKIP_REGULAR_EXPRESSION_MATCHED\"/>" &&
        printf '<system-out>[ RUN      ] %s\nfile.cc:12: Skipped\nwhy %s\n</system-out>\n' "${c%%:*}" "${c%%:*}"
      echo "</testcase>"
    done
    echo '</testsuite>'; } >"$file"
}
printf '# comment\n\nSuite.Listed: a reason\nParam/Case.*/odd: another reason\n' >"$work/expected"

report "$work/ok.xml" "A.Runs:run" "Suite.Listed:notrun" "Param/Case.Test/odd:notrun"
python3 "$check" "$work/ok.xml" "$work/expected" >"$work/out" || fail "listed skips failed: $(cat "$work/out")"
grep -q "expected skip: Suite.Listed (a reason)" "$work/out" || fail "no note of the expected skip"

report "$work/bad.xml" "A.Runs:run" "Suite.Listed:notrun" "B.Skips:notrun" "C.DISABLED_x:disabled"
rc=0; python3 "$check" "$work/bad.xml" "$work/expected" 2>"$work/err" >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "an unlisted skip: exit $rc, wanted 1"
grep -q "UNEXPECTED SKIP: B.Skips: why B.Skips" "$work/err" || fail "the skip is not named: $(cat "$work/err")"
grep -q "UNEXPECTED DISABLED: C.DISABLED_x" "$work/err" || fail "the disabled test is not named"

printf 'Suite.Listed\n' >"$work/no-reason"
rc=0; python3 "$check" "$work/ok.xml" "$work/no-reason" 2>"$work/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "no-reason:1" "$work/err" || fail "an entry without a reason: exit $rc"

report "$work/empty.xml"
rc=0; python3 "$check" "$work/empty.xml" "$work/expected" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "a report without tests: exit $rc, wanted 2"
rc=0; python3 "$check" "$work/missing.xml" "$work/expected" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "a missing report: exit $rc, wanted 2"
echo "ok: check_skips.py passes listed skips and fails on the rest"
