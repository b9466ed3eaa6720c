"""Stand-in for pip's get-pip.py, which ansible-test downloads from a host this network cannot reach.

Like get-pip.py it installs pip into the running interpreter and then passes its arguments to
'pip install' (ansible-test asks for its pinned pip that way). pip itself comes from the wheel
bundled with Python's ensurepip; the pinned versions come from the package index.
"""

import ensurepip
import os
import subprocess
import sys

# get-pip.py's own switches: setuptools and wheel are simply not installed here.
OWN_OPTIONS = {"--no-setuptools", "--no-wheel"}

environment = dict(os.environ)
ensurepip.bootstrap()
# ensurepip points PIP_CONFIG_FILE at /dev/null in this process; the real install must see the
# machine's pip configuration (its index and certificate authority) again.
arguments = [argument for argument in sys.argv[1:] if argument not in OWN_OPTIONS]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--quiet", *arguments], env=environment))
