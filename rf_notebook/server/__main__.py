"""``python -m rf_notebook.server`` is ``rf-notebook serve``."""

import sys

from ..cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
