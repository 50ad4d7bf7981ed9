"""Masks, polygon outlines and keypoints, drawn with supervision's annotators.

supervision is imported only when one of these is drawn: importing it takes about a
second and pulls in matplotlib, which plain boxes (and the server's ``format=image``)
never need. Its annotators draw in place, so they are only ever given our private
canvas (:mod:`rf_notebook.draw.canvas`), or a view of it.

Example:
    >>> canvas = np.zeros((20, 20, 3), np.uint8)
    >>> square = np.array([[2.0, 2], [12, 2], [12, 12], [2, 12]])
    >>> draw_fills(canvas, [(square, None, (255, 0, 0))], opacity=1.0)
    >>> canvas[7, 7].tolist()  # BGR
    [0, 0, 255]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from ..results import Keypoint
from .colors import RGB

__all__ = ["Skeleton", "draw_fills", "draw_keypoints", "draw_outlines"]

#: Skeleton edges: pairs of keypoint ids (0-based ``class_id``, else list position)
#: or keypoint class names.
Skeleton = Sequence[tuple[int | str, int | str]]

#: Most mask pixels held at once; more instances are drawn in several batches.
_MAX_MASK_PIXELS = 32_000_000

Shape = tuple[np.ndarray | None, np.ndarray | None, RGB]


def _sv_color(color: RGB) -> Any:
    import supervision as sv

    return sv.Color(r=color[0], g=color[1], b=color[2])


def _fit_mask(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    if mask.shape == (height, width):
        return mask.astype(bool, copy=False)
    resized = cv2.resize(mask.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST)
    return resized.astype(bool)


def _bounds(polygon: np.ndarray | None, mask: np.ndarray | None) -> tuple[int, int, int, int]:
    """Exclusive ``(x0, y0, x1, y1)`` around a polygon or a full-size mask."""
    if polygon is not None:
        low, high = np.floor(polygon.min(axis=0)), np.ceil(polygon.max(axis=0)) + 1
        return int(low[0]), int(low[1]), int(high[0]), int(high[1])
    assert mask is not None
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return 0, 0, 0, 0
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def draw_fills(canvas: np.ndarray, shapes: Sequence[Shape], opacity: float) -> None:
    """Fill polygons or masks translucently with supervision's ``MaskAnnotator``.

    Args:
        canvas: BGR uint8 array, changed in place.
        shapes: ``(polygon, mask, color)``: an ``(k, 2)`` polygon in pixels, else a
            boolean mask (resized to the canvas if needed), and the RGB fill color.
        opacity: 0 (invisible) to 1 (opaque).

    Example:
        >>> c = np.zeros((20, 20, 3), np.uint8)
        >>> mask = np.zeros((20, 20), bool)
        >>> mask[5:9, 5:9] = True
        >>> draw_fills(c, [(None, mask, (0, 255, 0))], opacity=0.5)
        >>> c[6, 6].tolist(), c[0, 0].tolist()
        ([0, 128, 0], [0, 0, 0])
    """
    height, width = canvas.shape[:2]
    prepared: list[Shape] = []
    for polygon, mask, color in shapes:
        if polygon is not None and len(polygon) >= 3 and np.isfinite(polygon).all():
            prepared.append((polygon, None, color))
        elif mask is not None:
            prepared.append((None, _fit_mask(mask, width, height), color))
    if not prepared or opacity <= 0:
        return
    boxes = np.array([_bounds(p, m) for p, m, _ in prepared])
    x0, y0 = max(0, int(boxes[:, 0].min())), max(0, int(boxes[:, 1].min()))
    x1, y1 = min(width, int(boxes[:, 2].max())), min(height, int(boxes[:, 3].max()))
    if x0 >= x1 or y0 >= y1:
        return
    per_batch = max(1, _MAX_MASK_PIXELS // ((x1 - x0) * (y1 - y0)))
    for start in range(0, len(prepared), per_batch):
        _fill_batch(canvas[y0:y1, x0:x1], prepared[start : start + per_batch], (x0, y0), opacity)


def _fill_batch(
    roi: np.ndarray, shapes: Sequence[Shape], origin: tuple[int, int], opacity: float
) -> None:
    import supervision as sv

    height, width = roi.shape[:2]
    x0, y0 = origin
    masks = np.zeros((len(shapes), height, width), dtype=bool)
    scratch = np.zeros((height, width), dtype=np.uint8)
    for i, (polygon, mask, _) in enumerate(shapes):
        if polygon is not None:
            scratch[:] = 0
            points = np.round(polygon - (x0, y0)).astype(np.int32)
            cv2.fillPoly(scratch, [points], 1)
            masks[i] = scratch.astype(bool)
        elif mask is not None:
            masks[i] = mask[y0 : y0 + height, x0 : x0 + width]
    detections = sv.Detections(
        xyxy=np.tile(np.array([0.0, 0.0, width, height]), (len(shapes), 1)),
        mask=masks,
        class_id=np.arange(len(shapes)),
    )
    annotator = sv.MaskAnnotator(
        color=sv.ColorPalette([_sv_color(c) for _, _, c in shapes]),
        opacity=opacity,
        color_lookup=sv.ColorLookup.INDEX,
    )
    annotator.annotate(roi, detections)  # a view: draws on the canvas


def draw_outlines(canvas: np.ndarray, shapes: Sequence[Shape], stroke: int) -> None:
    """Outline polygons (or the contours of masks) with ``supervision.draw_polygon``.

    Example:
        >>> c = np.zeros((10, 10, 3), np.uint8)
        >>> draw_outlines(c, [(np.array([[1.0, 1], [8, 1], [8, 8]]), None, (0, 255, 0))], 1)
        >>> c[1, 4].tolist()
        [0, 255, 0]
    """
    import supervision as sv

    height, width = canvas.shape[:2]
    for polygon, mask, color in shapes:
        if polygon is not None and len(polygon) >= 2 and np.isfinite(polygon).all():
            outlines = [np.round(polygon).astype(np.int32)]
        elif mask is not None:
            outlines = sv.mask_to_polygons(_fit_mask(mask, width, height))
        else:
            continue
        for points in outlines:
            sv.draw_polygon(
                scene=canvas,
                polygon=points.astype(np.int32),
                color=_sv_color(color),
                thickness=stroke,
            )


def _vertex_ids(keypoints: Sequence[Keypoint]) -> list[int]:
    return [k.class_id if k.class_id is not None else i for i, k in enumerate(keypoints)]


def _edges(keypoints: Sequence[Keypoint], skeleton: Skeleton) -> list[tuple[int, int]]:
    ids = _vertex_ids(keypoints)
    by_name = {k.class_name: i for k, i in zip(keypoints, ids, strict=True) if k.class_name}
    edges = []
    for a, b in skeleton:
        ia = by_name.get(a) if isinstance(a, str) else int(a)
        ib = by_name.get(b) if isinstance(b, str) else int(b)
        if ia is not None and ib is not None and ia >= 0 and ib >= 0:
            edges.append((ia, ib))
    return edges


def draw_keypoints(
    canvas: np.ndarray,
    instances: Sequence[tuple[Sequence[Keypoint], RGB]],
    skeleton: Skeleton | None,
    stroke: int,
    radius: int,
) -> None:
    """Keypoints as dots, joined by skeleton edges when ``skeleton`` is given.

    Uses supervision's ``EdgeAnnotator`` and ``VertexAnnotator``. Keypoints at
    exactly ``(0, 0)`` or with non-finite coordinates mean "not found" and are skipped.

    Args:
        canvas: BGR uint8 array, changed in place.
        instances: Each instance's keypoints and its RGB color.
        skeleton: Edges; ``None`` draws dots only.
        stroke: Edge thickness.
        radius: Dot radius.

    Example:
        >>> from rf_notebook.results import Keypoint
        >>> c = np.zeros((20, 20, 3), np.uint8)
        >>> points = [Keypoint(4, 10, 0.9, 0, "l"), Keypoint(16, 10, 0.9, 1, "r")]
        >>> draw_keypoints(c, [(points, (255, 0, 0))], [("l", "r")], stroke=1, radius=2)
        >>> c[10, 10].tolist()  # on the edge, in BGR
        [0, 0, 255]
    """
    import supervision as sv

    for keypoints, color in instances:
        if not keypoints:
            continue
        ids = _vertex_ids(keypoints)
        edges = _edges(keypoints, skeleton) if skeleton else []
        count = max([1] + [i + 1 for i in ids] + [i + 1 for e in edges for i in e])
        xy = np.zeros((1, count, 2), dtype=np.float32)
        for k, i in zip(keypoints, ids, strict=True):
            if i >= 0 and np.isfinite(k.x) and np.isfinite(k.y):
                xy[0, i] = (k.x, k.y)
        points = sv.KeyPoints(xy=xy)
        if edges:
            sv.EdgeAnnotator(
                color=_sv_color(color),
                thickness=stroke,
                edges=[(a + 1, b + 1) for a, b in edges],  # supervision counts from 1
            ).annotate(canvas, points)
        sv.VertexAnnotator(color=_sv_color(color), radius=radius).annotate(canvas, points)
