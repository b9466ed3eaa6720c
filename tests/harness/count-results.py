"""Prints one line, 'N passed, N failed, N skipped', for every JUnit XML report in a directory,
preceded by one line per failed test: its report, its name and the first line of its message.

pytest's own summary of each suite (unit tests, each molecule scenario's testinfra checks)
scrolls away inside the rest of the output; this adds them up, and keeps what failed in the
last lines a CI system shows.
"""

import glob
import os
import sys
from xml.etree import ElementTree


def count(directory):
    passed = failed = skipped = 0
    failures = []
    for report in sorted(glob.glob(os.path.join(directory, "*.xml"))):
        root = ElementTree.parse(report).getroot()
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for suite in suites:
            tests = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skip = int(suite.get("skipped", 0))
            passed += tests - bad - skip
            failed += bad
            skipped += skip
            failures += [(os.path.basename(report), case, problem) for case in suite.iter("testcase")
                         for problem in case if problem.tag in ("failure", "error")]
    return (passed, failed, skipped), failures


def describe(report, case, problem):
    message = (problem.get("message") or problem.text or "").strip().splitlines()
    return "%s %s: %s %s" % (report, case.get("name"), problem.tag, message[0][:160] if message else "")


if __name__ == "__main__":
    totals, failures = count(sys.argv[1])
    for failure in failures:
        print(describe(*failure))
    print("%d passed, %d failed, %d skipped" % totals)
