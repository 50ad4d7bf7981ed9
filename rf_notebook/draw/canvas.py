"""The drawing surface: a private BGR copy of the input, and exact box outlines on it.

Drawing happens on a ``(H, W, 3)`` uint8 BGR array, the layout OpenCV and
supervision's annotators use, so they can draw on it directly. The caller's image
is copied first and never touched; :func:`to_pil` turns the result into a new RGB
PIL image.

Box pixels follow the pixel-area convention: pixel ``i`` covers ``[i, i + 1)``, so a
box from ``x1 = 40`` to ``x2 = 60`` covers columns 40–59, exactly its 20-pixel width.
The outline is drawn *inside* the box, ``stroke`` pixels thick, and a box reaching
past the image edge is clipped there, its outline drawn along the edge.

Example:
    >>> canvas = to_canvas(np.zeros((8, 8, 3), np.uint8))
    >>> draw_box(canvas, box_pixels((2, 2, 6, 6), 8, 8), (0, 0, 255), 1)
    >>> canvas[2, 2:6, 0].tolist()  # BGR: blue first
    [255, 255, 255, 255]
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

from ..images import MAX_PIXELS, ImageInput, load_image
from .colors import RGB

__all__ = ["box_pixels", "boxes_pixels", "draw_box", "outline_boxes", "to_canvas", "to_pil"]

PixelBox = tuple[int, int, int, int]
_ORIENTATION = 0x0112  # EXIF tag


def to_canvas(image: ImageInput) -> np.ndarray:
    """A new BGR uint8 array of ``image``: anything :func:`~rf_notebook.images.load_image` reads.

    RGB uint8 arrays and upright RGB PIL images take a fast path: one conversion that is
    also the copy. Everything else goes through ``load_image`` (modes, EXIF, files).

    Example:
        >>> to_canvas(np.array([[[1, 2, 3]]], np.uint8)).tolist()
        [[[3, 2, 1]]]
    """
    if (
        isinstance(image, np.ndarray)
        and image.dtype == np.uint8
        and image.ndim == 3
        and image.shape[2] == 3
        and image.shape[0] > 0
        and image.shape[1] > 0
    ):
        return np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if (
        isinstance(image, Image.Image)
        and image.mode == "RGB"
        and image.getexif().get(_ORIENTATION, 1) == 1
        and image.width * image.height <= MAX_PIXELS
    ):
        return np.ascontiguousarray(cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR))
    rgb = np.asarray(load_image(image))
    return np.ascontiguousarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def to_pil(canvas: np.ndarray) -> Image.Image:
    """A new RGB PIL image from a BGR canvas.

    Example:
        >>> to_pil(np.array([[[3, 2, 1]]], np.uint8)).getpixel((0, 0))
        (1, 2, 3)
    """
    height, width = canvas.shape[:2]
    # "RGB" is not one of Pillow's shared-memory modes, so this decodes into new memory.
    data = np.ascontiguousarray(canvas)
    return Image.frombuffer("RGB", (width, height), data, "raw", "BGR", 0, 1)


def boxes_pixels(xyxy: np.ndarray, width: int, height: int) -> list[PixelBox | None]:
    """:func:`box_pixels` for an ``(n, 4)`` array of corners.

    Example:
        >>> boxes_pixels(np.array([[0.0, 0, 4, 4], [20, 20, 30, 30]]), 10, 10)
        [(0, 0, 3, 3), None]
    """
    xyxy = np.asarray(xyxy, dtype=np.float64).reshape(-1, 4)
    finite = np.asarray(np.isfinite(xyxy).all(axis=1), dtype=bool)
    corners = np.floor(np.where(finite[:, None], xyxy, 0.0) + 0.5)
    left, top = corners[:, 0], corners[:, 1]
    right = np.maximum(corners[:, 2] - 1, left)
    bottom = np.maximum(corners[:, 3] - 1, top)
    left, top = np.maximum(left, 0), np.maximum(top, 0)
    right, bottom = np.minimum(right, width - 1), np.minimum(bottom, height - 1)
    visible: np.ndarray = finite & (left <= right) & (top <= bottom)
    rows = np.stack([left, top, right, bottom], axis=1).astype(np.int64).tolist()
    return [
        (r[0], r[1], r[2], r[3]) if v else None for r, v in zip(rows, visible.tolist(), strict=True)
    ]


def box_pixels(xyxy: Sequence[float], width: int, height: int) -> PixelBox | None:
    """The inclusive pixel rectangle ``(left, top, right, bottom)`` a box covers, clipped.

    Corners round to the nearest pixel edge; a zero-size box still covers one pixel.
    ``None`` when the box lies wholly outside the image.

    Args:
        xyxy: Corners ``(x1, y1, x2, y2)`` in pixels.
        width: Image width.
        height: Image height.

    Example:
        >>> box_pixels((40, 35, 60, 45), 100, 80)
        (40, 35, 59, 44)
        >>> box_pixels((-5, -5, 3, 3), 100, 80), box_pixels((5, 5, 5, 5), 100, 80)
        ((0, 0, 2, 2), (5, 5, 5, 5))
    """
    return boxes_pixels(np.asarray([xyxy], dtype=np.float64), width, height)[0]


def draw_box(canvas: np.ndarray, box: PixelBox | None, color: RGB, stroke: int) -> None:
    """Outline one ``box`` (from :func:`box_pixels`) in ``color``, ``stroke`` pixels inward.

    Example:
        >>> c = np.zeros((5, 5, 3), np.uint8)
        >>> draw_box(c, (0, 0, 4, 4), (255, 255, 255), 1)
        >>> int(c[:, :, 0].astype(bool).sum())
        16
    """
    outline_boxes(canvas, [box], [color], stroke)


def outline_boxes(
    canvas: np.ndarray, boxes: Sequence[PixelBox | None], colors: Sequence[RGB], stroke: int
) -> None:
    """Outline many boxes: ``stroke`` nested one-pixel rectangles each, inward.

    One-pixel OpenCV rectangles are exact, unlike its thick ones (round corners;
    ``thickness=3`` and ``4`` both draw 5 px). Boxes of one color go in one
    ``cv2.polylines`` call; a box narrower than two strokes ends up filled.

    Args:
        canvas: BGR uint8 array, changed in place.
        boxes: Inclusive pixel rectangles from :func:`boxes_pixels` (``None`` is skipped).
        colors: RGB color of each box.
        stroke: Outline width in pixels.

    Example:
        >>> c = np.zeros((6, 6, 3), np.uint8)
        >>> outline_boxes(c, [(0, 0, 5, 5), None], [(0, 0, 255), (0, 0, 0)], 2)
        >>> int((c[:, :, 0] == 255).sum())  # a 6×6 square with a 2×2 hole
        32
    """
    shown = [(b, c) for b, c in zip(boxes, colors, strict=True) if b is not None]
    if not shown:
        return
    edges = np.array([b for b, _ in shown], dtype=np.int32)
    inset = np.arange(stroke, dtype=np.int32)
    left, top = edges[:, 0:1] + inset, edges[:, 1:2] + inset
    right, bottom = edges[:, 2:3] - inset, edges[:, 3:4] - inset
    valid = ((left <= right) & (top <= bottom)).ravel()
    corners = np.stack(
        [
            np.stack([left, top], axis=-1),
            np.stack([right, top], axis=-1),
            np.stack([right, bottom], axis=-1),
            np.stack([left, bottom], axis=-1),
        ],
        axis=2,
    ).reshape(-1, 4, 2)
    group_of: dict[RGB, int] = {}
    groups = np.repeat([group_of.setdefault(c, len(group_of)) for _, c in shown], stroke)
    for color, group in group_of.items():
        rings = list(corners[valid & (groups == group)])
        bgr = (int(color[2]), int(color[1]), int(color[0]))
        cv2.polylines(canvas, rings, isClosed=True, color=bgr, thickness=1)
