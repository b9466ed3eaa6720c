"""Prints one line, 'N passed, N failed, N skipped', for every JUnit XML report in a directory.

pytest's own summary of each suite (unit tests, each molecule scenario's testinfra checks)
scrolls away inside the rest of the output; this adds them up.
"""

import glob
import os
import sys
from xml.etree import ElementTree


def count(directory):
    passed = failed = skipped = 0
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
    return passed, failed, skipped


if __name__ == "__main__":
    print("%d passed, %d failed, %d skipped" % count(sys.argv[1]))
