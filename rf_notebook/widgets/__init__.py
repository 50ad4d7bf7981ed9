"""Widgets: browse results with live filters, explore errors, review active-learning picks.

Each widget is a thin ipywidgets front over a plain state object (``ViewerState``,
``ErrorBrowserState``, ``ReviewState``) that tests and scripts drive without a kernel.
ipywidgets is imported only when a widget is built; without it, building one raises
:class:`~rf_notebook.errors.MissingDependencyError`. Nothing here calls the API: the
widgets work on results already received.

Example:
    >>> from rf_notebook.widgets import ErrorBrowser, PickReview, Viewer
    >>> Viewer(batch, ground_truth=gt)  # doctest: +SKIP
    >>> ErrorBrowser(evaluate(batch, gt))  # doctest: +SKIP
    >>> PickReview(pick(batch, 24), "review.csv", project="my-project")  # doctest: +SKIP
"""

from .browser_state import ErrorBrowserState
from .decisions import DECISIONS, Decision, DecisionLog
from .encoding import encode_image, png_bytes
from .error_browser import ErrorBrowser
from .pick_review import PickReview
from .review_state import ReviewState
from .viewer import Viewer
from .viewer_state import ViewerState

__all__ = [
    "DECISIONS",
    "Decision",
    "DecisionLog",
    "ErrorBrowser",
    "ErrorBrowserState",
    "PickReview",
    "ReviewState",
    "Viewer",
    "ViewerState",
    "encode_image",
    "png_bytes",
]
