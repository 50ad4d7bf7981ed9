"""``python -m rf_notebook.training``: train and export the default models."""

import sys

from .train import main

sys.exit(main())
