"""Make this checkout importable as ansible_collections.privatecloud.iaas, and the runner importable."""

import os
import sys

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

from collection import link  # noqa: E402  pylint: disable=wrong-import-position

link()
