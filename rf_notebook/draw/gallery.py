"""Showing drawings in a notebook: ``show`` for one image, ``grid`` for a gallery.

An item is an image, a result that knows its image (``result.source`` is a path or
URL), or an ``(image, predictions)`` pair.

Example:
    >>> from rf_notebook.draw import grid
    >>> sheet = grid([("a.jpg", result_a), ("b.jpg", result_b)], cols=2)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from ..errors import ConfigError
from ..images import load_image
from ..results import Result
from .canvas import to_canvas, to_pil
from .chips import draw_chip
from .render import annotate, draw_boxes
from .style import style_for
from .text import text_width

__all__ = ["display_copy", "grid", "show"]

_BACKGROUND = (255, 255, 255)
_SMALLEST_SHOWN = 256


def _resolve(item: Any, predictions: Any = None) -> tuple[Any, Any]:
    """``(image, predictions)`` for an item; a result supplies its own image."""
    if isinstance(item, tuple) and len(item) == 2 and predictions is None:
        return item[0], item[1]
    if isinstance(item, Result):
        if predictions is not None:
            raise ConfigError("pass the image first: show(image, result)")
        if not item.source or item.source.startswith("<"):
            raise ConfigError(
                "this result does not say which image file it came from; "
                "pass the image too: show(image, result)"
            )
        return item.source, item
    return item, predictions


def display_copy(image: Image.Image, size: int = 1024) -> Image.Image:
    """A copy sized for the screen: longest side at most ``size``; tiny images are
    enlarged by a whole factor (pixels stay sharp) to at least 256 px.

    Example:
        >>> display_copy(Image.new("RGB", (64, 32))).size
        (256, 128)
        >>> display_copy(Image.new("RGB", (4000, 3000)), 1000).size
        (1000, 750)
    """
    longest = max(image.size)
    if longest > size:
        scale = size / longest
        new = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        return image.resize(new, Image.Resampling.LANCZOS, reducing_gap=3.0)
    factor = _SMALLEST_SHOWN // longest if longest < _SMALLEST_SHOWN else 1
    if factor > 1:
        return image.resize((image.width * factor, image.height * factor), Image.Resampling.NEAREST)
    return image.copy()


def _display(image: Image.Image) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is not None:
        display(image)  # type: ignore[no-untyped-call]


def show(
    image_or_result: Any, predictions: Any = None, *, size: int = 1024, **options: Any
) -> Image.Image:
    """Draw and display inline (in IPython), at most ``size`` pixels on the long side.

    Args:
        image_or_result: An image, a result whose ``source`` is its image file, or
            an ``(image, predictions)`` pair.
        predictions: What to draw on the image, if not given in the first argument.
        size: Longest side of the displayed copy.
        **options: Passed to :func:`~rf_notebook.draw.draw_boxes` (``confidence``,
            ``labels``, ``stroke``, ``palette`` …).

    Returns:
        The drawing at full resolution (the display copy may be smaller).

    Example:
        >>> show("dog.jpg", result, confidence=0.5)  # doctest: +SKIP
    """
    image, predictions = _resolve(image_or_result, predictions)
    drawn = draw_boxes(image, predictions, **options) if predictions is not None else None
    out = drawn if drawn is not None else load_image(image)
    _display(display_copy(out, size))
    return out


def _fit_title(title: str, limit: int, font_size: int) -> str:
    if text_width(title, font_size) <= limit:
        return title
    while title and text_width(title + "…", font_size) > limit:
        title = title[:-1]
    return title + "…" if title else ""


def grid(
    items: Sequence[Any],
    cols: int | None = None,
    titles: Sequence[str] | None = None,
    *,
    cell_size: int = 320,
    **options: Any,
) -> Image.Image:
    """One image with every item drawn and fitted into a ``cell_size`` square.

    Each image is shrunk before drawing, so labels stay readable in small cells.

    Args:
        items: Images, results that know their image, or ``(image, predictions)`` pairs.
        cols: Columns; default up to 4.
        titles: A caption per item, drawn above it.
        cell_size: The side of each cell in pixels.
        **options: Passed to :func:`~rf_notebook.draw.draw_boxes`.

    Returns:
        A new RGB PIL image.

    Raises:
        ConfigError: No items, a bad ``cols``/``cell_size``, or titles of another length.

    Example:
        >>> grid(["a.jpg", "b.jpg"], cols=2, titles=["a", "b"])  # doctest: +SKIP
    """
    items = list(items)
    if not items:
        raise ConfigError("grid needs at least one item")
    cols = min(4, len(items)) if cols is None else cols
    if isinstance(cols, bool) or not isinstance(cols, int) or cols < 1:
        raise ConfigError(f"cols must be a whole number, 1 or more; got {cols!r}")
    if isinstance(cell_size, bool) or not isinstance(cell_size, int) or cell_size < 16:
        raise ConfigError(f"cell_size must be a whole number, 16 or more; got {cell_size!r}")
    if titles is not None and len(titles) != len(items):
        raise ConfigError(f"got {len(titles)} titles for {len(items)} items")
    style = style_for(cell_size, cell_size)
    gap = style.margin * 2
    title_h = (style.font_size * 3) // 2 + 2 * style.pad_y if titles is not None else 0
    rows = -(-len(items) // cols)
    sheet = np.full(
        (rows * (title_h + cell_size + gap) + gap, cols * (cell_size + gap) + gap, 3),
        _BACKGROUND[::-1],
        dtype=np.uint8,
    )
    for index, item in enumerate(items):
        top = gap + (index // cols) * (title_h + cell_size + gap)
        left = gap + (index % cols) * (cell_size + gap)
        cell = _render_cell(item, cell_size, options)
        cell_h, cell_w = cell.shape[:2]
        y, x = top + title_h + (cell_size - cell_h) // 2, left + (cell_size - cell_w) // 2
        sheet[y : y + cell_h, x : x + cell_w] = cell
        if titles is not None:
            text = _fit_title(str(titles[index]), cell_size - 2 * style.pad_x, style.font_size)
            draw_chip(sheet, (left, top), text, _BACKGROUND, style)
    return to_pil(sheet)


def _render_cell(item: Any, cell_size: int, options: dict[str, Any]) -> np.ndarray:
    image, predictions = _resolve(item)
    picture = load_image(image)
    width, height = picture.size
    scale = min(cell_size / width, cell_size / height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = picture.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    canvas = to_canvas(np.asarray(small))
    if predictions is not None:
        annotate(canvas, predictions, source_size=(width, height), **options)
    return canvas
