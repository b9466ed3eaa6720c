"""Make this checkout importable as ansible_collections.privatecloud.iaas, for every test layer."""

import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
COLLECTIONS = os.path.join(ROOT, ".cache", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "privatecloud", "iaas")


def link():
    if not os.path.lexists(LINK):
        os.makedirs(os.path.dirname(LINK), exist_ok=True)
        try:
            os.symlink(ROOT, LINK)
        except FileExistsError:
            pass  # another pytest worker (pytest-xdist, or a compat run beside this one) made it
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)
