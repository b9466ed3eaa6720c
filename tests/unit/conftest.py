"""Make this checkout importable as ansible_collections.privatecloud.iaas for the unit tests."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from collection import link  # noqa: E402  pylint: disable=wrong-import-position

link()
