#!/usr/bin/env python3
"""Fails when CTest skipped or disabled a test that is not listed as expected.

    check_skips.py RESULTS_XML EXPECTED_LIST

RESULTS_XML is CTest's JUnit report (ctest --output-junit FILE). EXPECTED_LIST holds one entry
per line, "PATTERN: REASON" (PATTERN is a CTest test name, '*' and '?' as in shell globs;
the reason is required); blank lines and lines starting with '#' are ignored.

A test that did not run (GTEST_SKIP, a DISABLED_ test) cannot fail, so a skip that nobody
decided on hides whatever it was meant to check. Exit status: 0 when every skip is listed,
1 when one is not, 2 when an input is missing or malformed.
"""
import fnmatch
import sys
import xml.etree.ElementTree as ElementTree

# CTest's JUnit statuses of tests that did not run: "notrun" (a skip: GTEST_SKIP, whose
# "[  SKIPPED ]" line gtest_discover_tests matches, or a skip return code) and "disabled"
# (DISABLED_ tests, DISABLED property).
NOT_RUN_STATUSES = {"notrun", "disabled", "skipped"}


def read_expected(path):
    """Returns [(pattern, reason)], or raises ValueError naming the bad line."""
    entries = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            pattern, _, reason = line.partition(": ")
            if not pattern or not reason.strip():
                raise ValueError(
                    f"{path}:{number}: expected 'TEST_NAME: reason why it may be skipped', "
                    f"got {line!r}")
            entries.append((pattern, reason.strip()))
    return entries


def skip_message(case):
    """The reason a test gave for skipping: GTEST_SKIP's message, from the test's output
    (gtest prints "FILE:LINE: Skipped" and the message on the next lines), else CTest's."""
    output = case.findtext("system-out") or ""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.endswith(": Skipped") and index + 1 < len(lines):
            return lines[index + 1].strip()
    skipped = case.find("skipped")
    return skipped.get("message", "") if skipped is not None else ""


def read_not_run(path):
    """Returns ([(test name, status, message)] of tests that did not run, total test count)."""
    root = ElementTree.parse(path).getroot()
    not_run = []
    cases = root.iter("testcase")
    total = 0
    for case in cases:
        total += 1
        status = case.get("status", "")
        if status in NOT_RUN_STATUSES:
            not_run.append((case.get("name", "?"), status, skip_message(case)))
    return not_run, total


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results_path, expected_path = argv[1], argv[2]
    try:
        expected = read_expected(expected_path)
        not_run, total = read_not_run(results_path)
    except (OSError, ValueError, ElementTree.ParseError) as error:
        print(f"check_skips: {error}", file=sys.stderr)
        return 2
    if total == 0:
        print(f"check_skips: {results_path} lists no tests; did CTest run?", file=sys.stderr)
        return 2

    unexpected = []
    for name, status, message in not_run:
        reason = next((r for p, r in expected if fnmatch.fnmatchcase(name, p)), None)
        if reason is None:
            unexpected.append((name, status, message))
        else:
            print(f"expected skip: {name} ({reason})")
    for name, status, message in unexpected:
        detail = f": {message}" if message else ""
        print(f"UNEXPECTED {'SKIP' if status != 'disabled' else 'DISABLED'}: {name}{detail}", file=sys.stderr)
    if unexpected:
        print(f"check_skips: {len(unexpected)} test(s) did not run and are not listed in "
              f"{expected_path}; make them run here, or list them with the reason they cannot",
              file=sys.stderr)
        return 1
    print(f"check_skips: {total} tests, {len(not_run)} skipped, all listed as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
