"""Boxes and polygons from a visible mask, and the reverse for checks.

Conventions (the same as OpenCV and supervision):

- A box is ``(x1, y1, x2, y2)`` with ``x1``/``y1`` the first covered column/row and
  ``x2``/``y2`` one past the last, so ``x2 - x1`` is the width in pixels. This is
  the COCO ``[x, y, w, h]`` box and what ``pycocotools`` computes from a mask.
- Polygon vertices are the centres of the mask's boundary pixels (what
  ``cv2.findContours`` returns), so ``cv2.fillPoly`` and supervision's loaders
  rasterise them back onto the same pixels. ``pycocotools`` reads vertices as pixel
  corners instead and so covers about half a pixel less on each side.
- One polygon per connected part; a hole is spliced into its part along a
  zero-width seam, which keeps it a hole under both even-odd and non-zero filling.

Example:
    >>> mask = np.zeros((8, 8), dtype=bool)
    >>> mask[2:6, 1:4] = True
    >>> mask_box(mask)
    (1.0, 2.0, 4.0, 6.0)
    >>> mask_polygons(mask)[0].tolist()
    [[1, 2], [1, 5], [3, 5], [3, 2]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

__all__ = [
    "POLYGON_TOLERANCE",
    "mask_box",
    "mask_iou",
    "mask_polygons",
    "merge_polygons",
    "polygons_to_mask",
]

#: Largest distance, in pixels, between a simplified polygon and the exact contour.
POLYGON_TOLERANCE = 0.7

IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]


def mask_box(
    mask: BoolArray, offset: tuple[int, int] = (0, 0)
) -> tuple[float, float, float, float]:
    """Return the exact extent of a non-empty mask.

    Args:
        mask: Boolean ``(H, W)`` array.
        offset: ``(x, y)`` added to the result, for a mask cropped out of an image.

    Returns:
        ``(x1, y1, x2, y2)`` with ``x2``/``y2`` one past the last covered pixel.

    Raises:
        ValueError: If the mask is empty.

    Example:
        >>> mask_box(np.eye(3, dtype=bool), offset=(10, 20))
        (10.0, 20.0, 13.0, 23.0)
    """
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise ValueError("mask_box needs a non-empty mask")
    dx, dy = offset
    return (
        float(cols[0] + dx),
        float(rows[0] + dy),
        float(cols[-1] + 1 + dx),
        float(rows[-1] + 1 + dy),
    )


def _splice(base: IntArray, other: IntArray) -> IntArray:
    """Walk ``base`` to its vertex nearest ``other``, round ``other``, and come back."""
    distances = ((base[:, None, :] - other[None, :, :]) ** 2).sum(axis=2)
    i, j = np.unravel_index(int(np.argmin(distances)), distances.shape)
    return np.concatenate([base[: i + 1], other[j:], other[: j + 1], base[i:]])


def _simplify(contour: npt.NDArray[Any], tolerance: float) -> IntArray:
    points: IntArray = np.asarray(contour, dtype=np.int32).reshape(-1, 2)
    if tolerance > 0 and len(points) > 3:
        simplified = cv2.approxPolyDP(points.reshape(-1, 1, 2), tolerance, True).reshape(-1, 2)
        if len(simplified) >= 3:
            points = np.asarray(simplified, dtype=np.int32)
    if len(points) < 3:
        # A one-pixel-wide sliver: walk there and back so it stays a valid polygon.
        points = np.concatenate([points, points[-2::-1], points[:1]])[:3]
        if len(points) < 3:
            points = np.repeat(points[:1], 3, axis=0)
    return points.astype(np.int32)


def mask_polygons(
    mask: BoolArray,
    offset: tuple[int, int] = (0, 0),
    tolerance: float = POLYGON_TOLERANCE,
) -> tuple[IntArray, ...]:
    """Trace a mask into one polygon per connected part, holes spliced in.

    Args:
        mask: Boolean ``(H, W)`` array.
        offset: ``(x, y)`` added to every vertex, for a mask cropped out of an image.
        tolerance: Simplification tolerance in pixels (``cv2.approxPolyDP``); ``0``
            keeps every contour vertex.

    Returns:
        A tuple of ``(N, 2)`` int32 vertex arrays, largest part first.

    Example:
        >>> mask = np.zeros((9, 9), dtype=bool)
        >>> mask[1:8, 1:8] = True
        >>> mask[3:6, 3:6] = False
        >>> len(mask_polygons(mask))
        1
    """
    contours, hierarchy = cv2.findContours(
        mask.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE
    )
    if hierarchy is None:
        return ()
    links = hierarchy.reshape(-1, 4)
    parts: list[tuple[float, IntArray]] = []
    for index, contour in enumerate(contours):
        if links[index, 3] != -1:
            continue
        polygon = _simplify(contour, tolerance)
        child = int(links[index, 2])
        while child != -1:
            polygon = _splice(polygon, _simplify(contours[child], tolerance))
            child = int(links[child, 0])
        parts.append((float(cv2.contourArea(contour)), polygon + np.array(offset, np.int32)))
    parts.sort(key=lambda part: -part[0])
    return tuple(polygon for _, polygon in parts)


def merge_polygons(polygons: Sequence[IntArray]) -> IntArray:
    """Join an object's parts into one polygon along zero-width seams.

    YOLO segmentation labels hold one polygon per object; this is how
    Ultralytics' own COCO converter joins multi-part objects.

    Args:
        polygons: One or more ``(N, 2)`` vertex arrays.

    Returns:
        A single ``(M, 2)`` vertex array.

    Raises:
        ValueError: If ``polygons`` is empty.

    Example:
        >>> a = np.array([[0, 0], [2, 0], [2, 2]], np.int32)
        >>> b = np.array([[5, 5], [7, 5], [7, 7]], np.int32)
        >>> len(merge_polygons([a, b]))
        8
    """
    if not polygons:
        raise ValueError("merge_polygons needs at least one polygon")
    merged = polygons[0]
    for polygon in polygons[1:]:
        merged = _splice(merged, polygon)
    return merged


def polygons_to_mask(
    polygons: Sequence[npt.NDArray[np.number]], width: int, height: int
) -> BoolArray:
    """Rasterise polygons the way supervision's loaders do (``cv2.fillPoly``).

    Args:
        polygons: ``(N, 2)`` vertex arrays in pixel coordinates.
        width: Mask width.
        height: Mask height.

    Returns:
        A boolean ``(height, width)`` mask, the union of the filled polygons.

    Example:
        >>> square = np.array([[1, 1], [3, 1], [3, 3], [1, 3]])
        >>> int(polygons_to_mask([square], 5, 5).sum())
        9
    """
    canvas = np.zeros((height, width), dtype=np.uint8)
    for polygon in polygons:
        cv2.fillPoly(canvas, [np.round(polygon).astype(np.int32).reshape(-1, 1, 2)], 1)
    return canvas.astype(bool)


def mask_iou(a: BoolArray, b: BoolArray) -> float:
    """Return the intersection over union of two boolean masks (1.0 if both are empty).

    Args:
        a: Boolean mask.
        b: Boolean mask of the same shape.

    Returns:
        The IoU in ``[0, 1]``.

    Example:
        >>> a = np.zeros((2, 2), bool); a[0] = True
        >>> mask_iou(a, np.ones((2, 2), bool))
        0.5
    """
    union = int(np.count_nonzero(a | b))
    return 1.0 if union == 0 else int(np.count_nonzero(a & b)) / union
