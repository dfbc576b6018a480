"""``python -m exercises``: see :mod:`exercises.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
