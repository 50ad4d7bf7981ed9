"""Instance masks at image size: polygons rasterised exactly as pycocotools does, and mask IoU.

pycocotools reads polygon vertices as points on a 5× finer grid, walks every edge and
toggles pixels where the boundary crosses a column's sample point (``rleFrPoly`` in
``maskApi.c``). :func:`polygon_mask` is a NumPy port of that routine, so masks — and
therefore mask mAP — agree with pycocotools' ``segm`` evaluation pixel for pixel.

Example:
    >>> polygon_mask([0, 0, 4, 0, 4, 3, 0, 3], width=6, height=5).sum()
    np.int64(12)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Union

import numpy as np

from ..results.convert import decode_rle

__all__ = ["Segment", "mask_box", "mask_iou", "mask_to_rle", "polygon_mask", "segment_mask"]

#: A raw instance shape: polygons as flat ``[x1, y1, x2, y2, ...]`` lists, or a COCO RLE.
Segment = Union[Sequence[Sequence[float]], Mapping[str, Any]]  # noqa: UP007 - runtime alias

_SCALE = 5.0


def polygon_mask(xy: Sequence[Any] | np.ndarray, width: int, height: int) -> np.ndarray:
    """Rasterise one polygon like pycocotools' ``frPyObjects`` (``rleFrPoly``).

    Args:
        xy: Vertices, flat ``[x1, y1, x2, y2, ...]`` or ``(k, 2)``, in pixels.
        width: Image width.
        height: Image height.

    Returns:
        A ``(height, width)`` boolean mask.

    Example:
        >>> polygon_mask([[1, 1], [3, 1], [3, 3], [1, 3]], 4, 4).astype(int).tolist()
        [[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    """
    h, w = int(height), int(width)
    flat = np.zeros(h * w, dtype=bool)
    points = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    if len(points) == 0 or h == 0 or w == 0:
        empty: np.ndarray = flat.reshape(w, h).T
        return empty
    x = (_SCALE * points[:, 0] + 0.5).astype(np.int64)  # C's (int) truncates toward zero
    y = (_SCALE * points[:, 1] + 0.5).astype(np.int64)
    u, v = _boundary(np.append(x, x[0]), np.append(y, y[0]))
    xs, ys = _column_crossings(u, v, w, h)
    positions = xs * h + ys
    if len(positions):
        low, high = int(positions.min()), int(positions.max())
        toggles = np.bincount(positions - low, minlength=high - low + 1)
        parity = (np.cumsum(toggles) & 1).astype(bool)
        end = min(high, h * w)
        flat[low:end] = parity[: end - low]
        if parity[-1] and high < h * w:
            flat[high:] = True
    mask: np.ndarray = flat.reshape(w, h).T  # runs go down columns
    return mask


def _boundary(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every point on the upsampled boundary, edge by edge, as ``rleFrPoly`` walks it."""
    xs, xe, ys, ye = x[:-1], x[1:], y[:-1], y[1:]
    dx, dy = np.abs(xe - xs), np.abs(ys - ye)
    along_x = dx >= dy
    flip = (along_x & (xs > xe)) | (~along_x & (ys > ye))
    xs, xe = np.where(flip, xe, xs), np.where(flip, xs, xe)
    ys, ye = np.where(flip, ye, ys), np.where(flip, ys, ye)
    steps = np.where(along_x, dx, dy)
    rise = np.where(along_x, ye - ys, xe - xs).astype(np.float64)
    slope = np.divide(rise, steps, out=np.zeros_like(rise), where=steps > 0)
    counts = steps + 1
    edge = np.repeat(np.arange(len(steps)), counts)
    d = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    t = np.where(flip[edge], steps[edge] - d, d)
    start_along = np.where(along_x, xs, ys)[edge]
    start_across = np.where(along_x, ys, xs)[edge]
    across = (start_across + slope[edge] * t + 0.5).astype(np.int64)
    along = t + start_along
    u = np.where(along_x[edge], along, across)
    v = np.where(along_x[edge], across, along)
    return u, v


def _column_crossings(
    u: np.ndarray, v: np.ndarray, w: int, h: int
) -> tuple[np.ndarray, np.ndarray]:
    """Where the boundary crosses each column's sample point, back at pixel scale."""
    if len(u) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    prev_u, prev_v, cur_u, cur_v = u[:-1], v[:-1], u[1:], v[1:]
    moved = cur_u != prev_u
    xd = np.where(cur_u < prev_u, cur_u, cur_u - 1).astype(np.float64)
    xd = (xd + 0.5) / _SCALE - 0.5
    keep = moved & (np.floor(xd) == xd) & (xd >= 0) & (xd <= w - 1)
    yd = np.where(cur_v < prev_v, cur_v, prev_v).astype(np.float64)
    yd = np.ceil(np.clip((yd + 0.5) / _SCALE - 0.5, 0, h))
    return xd[keep].astype(np.int64), yd[keep].astype(np.int64)


def segment_mask(segment: Segment, width: int, height: int) -> np.ndarray:
    """The mask of one object: the union of its polygons, or its decoded RLE.

    Example:
        >>> segment_mask([[0, 0, 2, 0, 2, 2, 0, 2]], 3, 3).sum()
        np.int64(4)
    """
    if isinstance(segment, Mapping):
        mask = decode_rle(segment)
        if mask.shape != (height, width):
            raise ValueError(f"an RLE of size {mask.shape} in an image of {height}×{width}")
        return mask
    out = np.zeros((int(height), int(width)), dtype=bool)
    for polygon in segment:
        out |= polygon_mask(polygon, width, height)
    return out


def mask_to_rle(mask: np.ndarray) -> dict[str, Any]:
    """A boolean mask as COCO's uncompressed RLE (runs down columns, starting with 0s).

    Example:
        >>> mask_to_rle(np.array([[False, True], [True, False]]))
        {'size': [2, 2], 'counts': [1, 2, 1]}
    """
    flat = np.asarray(mask, dtype=bool).T.ravel()
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    counts = np.diff(np.concatenate([[0], edges, [len(flat)]])).tolist()
    if len(flat) and flat[0]:
        counts = [0, *counts]
    return {"size": [int(mask.shape[0]), int(mask.shape[1])], "counts": counts}


def mask_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """The pixel extent ``(x1, y1, x2, y2)`` of a mask, ends exclusive; zeros when empty.

    Example:
        >>> m = np.zeros((4, 4), bool); m[1:3, 2] = True
        >>> mask_box(m)
        (2, 1, 3, 3)
    """
    cols, rows = np.flatnonzero(mask.any(axis=0)), np.flatnonzero(mask.any(axis=1))
    if len(cols) == 0:
        return (0, 0, 0, 0)
    return (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


def mask_iou(
    masks_a: Sequence[np.ndarray],
    masks_b: Sequence[np.ndarray],
    pairs_a: np.ndarray,
    pairs_b: np.ndarray,
    crowd_b: np.ndarray | None = None,
) -> np.ndarray:
    """Mask IoU of the pairs ``(masks_a[pairs_a[i]], masks_b[pairs_b[i]])``.

    As in pycocotools, the union for a crowd region in ``b`` is the area of ``a``, and a
    pair without common pixels scores 0.

    Example:
        >>> a = [np.eye(3, dtype=bool)]
        >>> mask_iou(a, a, np.array([0]), np.array([0])).tolist()
        [1.0]
    """
    boxes_a = [mask_box(m) for m in masks_a]
    boxes_b = [mask_box(m) for m in masks_b]
    area_a = np.array([np.count_nonzero(m) for m in masks_a], dtype=np.float64)
    area_b = np.array([np.count_nonzero(m) for m in masks_b], dtype=np.float64)
    out = np.zeros(len(pairs_a), dtype=np.float64)
    for i, (a, b) in enumerate(zip(pairs_a.tolist(), pairs_b.tolist(), strict=True)):
        x1, y1 = max(boxes_a[a][0], boxes_b[b][0]), max(boxes_a[a][1], boxes_b[b][1])
        x2, y2 = min(boxes_a[a][2], boxes_b[b][2]), min(boxes_a[a][3], boxes_b[b][3])
        if x2 <= x1 or y2 <= y1:
            continue
        inter = float(np.count_nonzero(masks_a[a][y1:y2, x1:x2] & masks_b[b][y1:y2, x1:x2]))
        if inter == 0:
            continue
        crowd = crowd_b is not None and bool(crowd_b[b])
        union = area_a[a] if crowd else area_a[a] + area_b[b] - inter
        out[i] = inter / union
    return out
