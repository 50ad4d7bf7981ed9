"""Drawing: predictions on images, galleries, and ground truth against predictions.

Every function returns a new PIL image and leaves its inputs alone. The types of
colors and palettes are in :mod:`rf_notebook.draw.colors` (``ColorLike``, ``PaletteLike``).

Example:
    >>> from rf_notebook.draw import draw_boxes
    >>> out = draw_boxes("dog.jpg", result, confidence=0.5)  # doctest: +SKIP
"""

from .colors import (
    DEFAULT_PALETTE,
    OKABE_ITO,
    TOL_BRIGHT,
    TOL_MUTED,
    class_color,
    parse_color,
    text_color_for,
)
from .compare import FALSE_NEGATIVE, FALSE_POSITIVE, TRUE_POSITIVE, side_by_side
from .gallery import grid, show
from .render import draw_boxes
from .style import style_for

__all__ = [
    "DEFAULT_PALETTE",
    "FALSE_NEGATIVE",
    "FALSE_POSITIVE",
    "OKABE_ITO",
    "TOL_BRIGHT",
    "TOL_MUTED",
    "TRUE_POSITIVE",
    "class_color",
    "draw_boxes",
    "grid",
    "parse_color",
    "show",
    "side_by_side",
    "style_for",
    "text_color_for",
]
