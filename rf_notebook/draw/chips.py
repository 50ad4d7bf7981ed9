"""Label chips: a filled rectangle with black or white text, kept inside the image.

A box's chip sits on top of the box, flush with its left edge. When there is no room
above, it flips below the top edge, inside the box; at the right edge it shifts left;
it never starts left of or above the image. Text is black or white, whichever reads
better on the chip color (:func:`~rf_notebook.draw.colors.text_color_for`).

Example:
    >>> s = Style(stroke=2, font_size=12)
    >>> w, h = chip_size("cat", s)
    >>> place_chip((0, 0, 50, 50), (w, h), 100, 100)  # no room above: inside the box
    (0, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import cv2
import numpy as np

from .colors import RGB, text_color_for
from .style import Style
from .text import line_height, render_text, text_width

__all__ = ["chip_pixels", "chip_size", "draw_chip", "draw_chip_stack", "place_chip"]


def chip_size(text: str, style: Style) -> tuple[int, int]:
    """Width and height of the chip for ``text``.

    Example:
        >>> chip_size("", Style(1, 12))[0] == 2 * Style(1, 12).pad_x
        True
    """
    width = text_width(text, style.font_size) + 2 * style.pad_x
    return width, line_height(style.font_size) + 2 * style.pad_y


def place_chip(
    box: tuple[int, int, int, int], size: tuple[int, int], width: int, height: int
) -> tuple[int, int]:
    """Top-left corner of a box's chip: above the box, else just inside its top edge.

    Args:
        box: The box's inclusive pixel rectangle ``(left, top, right, bottom)``.
        size: The chip's ``(width, height)``.
        width: Image width.
        height: Image height.

    Returns:
        ``(x, y)``; the chip fits in the image whenever it is not larger than the image.

    Example:
        >>> place_chip((10, 40, 30, 60), (20, 10), 100, 100)
        (10, 30)
        >>> place_chip((90, 40, 99, 60), (20, 10), 100, 100)  # at the right edge
        (80, 30)
    """
    left, top = box[0], box[1]
    chip_w, chip_h = size
    y = top - chip_h if top - chip_h >= 0 else top
    y = max(0, min(y, height - chip_h))
    x = max(0, min(left, width - chip_w))
    return x, y


@lru_cache(maxsize=256)
def _blend_table(background: RGB, foreground: RGB) -> np.ndarray:
    """BGR color for each coverage value 0–255, from ``background`` to ``foreground``,
    shaped ``(256, 1, 3)`` for ``cv2.LUT``."""
    bg = np.array(background[::-1], dtype=np.float32)
    fg = np.array(foreground[::-1], dtype=np.float32)
    alpha = np.arange(256, dtype=np.float32)[:, None] / 255.0
    table: np.ndarray = np.floor(bg + (fg - bg) * alpha + 0.5).astype(np.uint8)[:, None, :]
    table.setflags(write=False)
    return table


@lru_cache(maxsize=2048)  # a few MB at 1080p
def _painted(piece: str, size: int, pad: tuple[int, int], color: RGB) -> np.ndarray:
    """One word (or space, or padding) of a chip, in BGR. Class names and confidences
    recur with the same colors, so a chip is mostly cached pieces side by side."""
    coverage = render_text(piece, size, channels=3, pad=pad)
    painted: np.ndarray = cv2.LUT(coverage, _blend_table(color, text_color_for(color)))
    painted.setflags(write=False)
    return painted


def chip_pixels(text: str, color: RGB, style: Style) -> np.ndarray:
    """The chip of ``text`` in ``color`` as a new BGR array, padding included.

    Example:
        >>> chip_pixels("a", (255, 255, 255), Style(1, 12)).shape[:2][::-1] == chip_size(
        ...     "a", Style(1, 12))
        True
    """
    size, pad_x, pad_y = style.font_size, style.pad_x, style.pad_y
    side = _painted("", size, (pad_x, pad_y), color)  # padding left and right
    first, *rest = text.split(" ")
    parts = [_painted(first, size, (0, pad_y), color)] if first else []
    for word in rest:
        parts.append(_painted(" " + word, size, (0, pad_y), color))
    half = side.shape[1] // 2
    return np.concatenate([side[:, :half], *parts, side[:, half:]], axis=1)


def draw_chip(
    canvas: np.ndarray,
    xy: tuple[int, int],
    text: str,
    color: RGB,
    style: Style,
    *,
    pixels: np.ndarray | None = None,
) -> tuple[int, int, int, int]:
    """Draw a chip with its top-left corner at ``xy``; parts outside the canvas are cut.

    Args:
        canvas: BGR uint8 array, changed in place.
        xy: Top-left corner.
        text: The label.
        color: Chip color (RGB); the text is black or white to suit it.
        style: Font size and padding.
        pixels: :func:`chip_pixels` of this text and color, if already made.

    Returns:
        The chip's rectangle ``(x, y, width, height)``.

    Example:
        >>> c = np.zeros((30, 60, 3), np.uint8)
        >>> draw_chip(c, (0, 0), "a", (255, 255, 255), Style(1, 12))[:2]
        (0, 0)
    """
    x, y = xy
    if pixels is None:
        pixels = chip_pixels(text, color, style)
    chip_h, chip_w = pixels.shape[:2]
    height, width = canvas.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + chip_w, width), min(y + chip_h, height)
    if x0 < x1 and y0 < y1:
        canvas[y0:y1, x0:x1] = pixels[y0 - y : y1 - y, x0 - x : x1 - x]
    return x, y, chip_w, chip_h


def draw_chip_stack(
    canvas: np.ndarray,
    items: Sequence[tuple[str, RGB]],
    style: Style,
    *,
    origin: tuple[int, int] | None = None,
    wrap: bool = False,
) -> None:
    """Draw chips in a column from ``origin`` (default: the top-left margin), or in rows.

    Used for classification banners, multi-label chips and legends.

    Args:
        canvas: BGR uint8 array, changed in place.
        items: ``(text, color)`` pairs, drawn in order.
        style: Sizes.
        origin: Top-left corner of the first chip.
        wrap: Lay chips left to right, wrapping at the image edge, instead of one per row.

    Example:
        >>> c = np.zeros((80, 80, 3), np.uint8)
        >>> draw_chip_stack(c, [("a", (255, 0, 0)), ("b", (0, 0, 255))], Style(1, 12))
    """
    margin = style.margin
    x0, y0 = origin if origin is not None else (margin, margin)
    x, y = x0, y0
    width = canvas.shape[1]
    for text, color in items:
        chip_w, chip_h = chip_size(text, style)
        if wrap and x > x0 and x + chip_w > width - margin:
            x, y = x0, y + chip_h + margin // 2
        draw_chip(canvas, (x, y), text, color, style)
        if wrap:
            x += chip_w + margin // 2
        else:
            y += chip_h + margin // 2
