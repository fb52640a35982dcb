"""`python -m fflab`: the headless command line."""

import sys

from fflab.cli import main

if __name__ == "__main__":
    sys.exit(main())
