"""``python -m newsml``: the ``newsml`` command."""

import sys

from newsml.cli import main

if __name__ == "__main__":
    sys.exit(main())
