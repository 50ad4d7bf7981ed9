"""Whole-image results: classification banners, multi-label chips, semantic overlays.

Example:
    >>> canvas = np.zeros((60, 120, 3), np.uint8)
    >>> draw_banner(canvas, [("ripe 0.55", (230, 159, 0))], Style(1, 12))
    >>> canvas[5, 5].tolist()  # the chip, in BGR
    [0, 159, 230]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import cv2
import numpy as np

from .chips import draw_chip_stack
from .colors import RGB
from .style import Style

__all__ = ["NONE_COLOR", "draw_banner", "draw_multilabel", "draw_semantic", "is_background"]

#: Chip color for "nothing predicted".
NONE_COLOR: RGB = (128, 128, 128)


def draw_banner(canvas: np.ndarray, items: Sequence[tuple[str, RGB]], style: Style) -> None:
    """A top-k banner: one chip per class, best first, down the top-left corner.

    Example:
        >>> draw_banner(np.zeros((40, 40, 3), np.uint8), [], Style(1, 12))
    """
    draw_chip_stack(canvas, items, style)


def draw_multilabel(canvas: np.ndarray, items: Sequence[tuple[str, RGB]], style: Style) -> None:
    """Multi-label chips across the top, wrapping; a grey "none" chip when empty.

    Example:
        >>> draw_multilabel(np.zeros((40, 40, 3), np.uint8), [], Style(1, 12))
    """
    draw_chip_stack(canvas, items or [("none", NONE_COLOR)], style, wrap=True)


def is_background(name: str) -> bool:
    """Semantic classes named "background" are left uncolored.

    Example:
        >>> is_background("Background"), is_background("road")
        (True, False)
    """
    return name.strip().lower() == "background"


def _fit_ids(ids: np.ndarray, width: int, height: int) -> np.ndarray:
    """Nearest-neighbour resize of a class-id map to the canvas size."""
    if ids.shape == (height, width):
        return ids
    rows = (np.arange(height) * ids.shape[0]) // height
    cols = (np.arange(width) * ids.shape[1]) // width
    fitted: np.ndarray = ids[rows[:, None], cols[None, :]]
    return fitted


def draw_semantic(
    canvas: np.ndarray,
    ids: np.ndarray,
    class_map: Mapping[int, str],
    color_of: Callable[[str], RGB],
    opacity: float,
    style: Style,
    *,
    legend: bool = True,
) -> None:
    """Color every pixel by its class, blended at ``opacity``, with a legend of classes.

    Args:
        canvas: BGR uint8 array, changed in place.
        ids: Class id per pixel (-1: none), resized to the canvas if needed.
        class_map: Class id to name; ids without a name are left uncolored.
        color_of: The color of a class name.
        opacity: 0 (invisible) to 1 (opaque).
        style: Sizes for the legend.
        legend: Whether to draw the legend chips.

    Example:
        >>> c = np.zeros((4, 4, 3), np.uint8)
        >>> draw_semantic(c, np.ones((2, 2), int), {1: "road"}, lambda n: (255, 0, 0), 1.0,
        ...               Style(1, 11), legend=False)
        >>> c[3, 3].tolist()
        [0, 0, 255]
    """
    height, width = canvas.shape[:2]
    ids = _fit_ids(np.asarray(ids), width, height)
    present = [int(i) for i in np.unique(ids) if i >= 0]
    shown = [i for i in present if i in class_map and not is_background(class_map[i])]
    if not shown:
        return
    table = np.zeros((max(shown) + 2, 3), dtype=np.uint8)
    for i in shown:
        table[i + 1] = color_of(class_map[i])[::-1]
    index = np.where(np.isin(ids, shown), ids + 1, 0)
    paint = index > 0
    if opacity > 0:
        colored = table[index]
        blended = cv2.addWeighted(colored, opacity, canvas, 1 - opacity, 0)
        np.copyto(canvas, blended, where=paint[:, :, None])
    if legend:
        items = [(class_map[i], color_of(class_map[i])) for i in sorted(shown)]
        draw_chip_stack(canvas, items, style)
