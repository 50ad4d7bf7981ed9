"""Drawing the objects of a confusion cell: ground truth | prediction, cropped or whole.

Rows come from :meth:`Evaluation.errors <rf_notebook.evaluate.Evaluation.errors>`: each
has the object's ``box`` and ``class`` and the object on the other side it overlapped
most (``matched_box``, ``matched_class``). Boxes are drawn with
:func:`~rf_notebook.draw.side_by_side`, so true positives, false positives and false
negatives get its colors.

Example:
    >>> picture = object_panel(cache.get(path, path), row, iou=0.5)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image

from ..draw import side_by_side
from .cache import CachedImage

__all__ = ["image_panel", "object_panel", "sides", "union_box"]

Box = tuple[float, float, float, float]
_MIN_CROP = 48
_PANEL = 160


Side = list[tuple[Box, str, float | None]]


def _box_dict(
    box: Box, name: str, confidence: float | None, dx: float, dy: float, s: float
) -> dict[str, Any]:
    x1, y1, x2, y2 = ((box[0] - dx) * s, (box[1] - dy) * s, (box[2] - dx) * s, (box[3] - dy) * s)
    out: dict[str, Any] = {
        "x": (x1 + x2) / 2,
        "y": (y1 + y2) / 2,
        "width": x2 - x1,
        "height": y2 - y1,
        "class": str(name),
    }
    if confidence is not None and not np.isnan(confidence):
        out["confidence"] = float(confidence)
    return out


def sides(row: Any) -> tuple[Side, Side]:
    """``(ground truth, predictions)`` of one error row, as ``(box, class, confidence)``.

    A missed object (``kind == "fn"``) is ground truth and its ``matched_*`` a prediction;
    for every other kind the row is a prediction and ``matched_*`` ground truth.

    Example:
        >>> sides({"kind": "fn", "box": (0, 0, 4, 4), "class": "a", "confidence": None,
        ...        "matched_box": None, "matched_class": None})
        ([((0, 0, 4, 4), 'a', None)], [])
    """
    own = (tuple(row["box"]), str(row["class"]), row["confidence"])
    other: Side = []
    if row["matched_box"] is not None and row["matched_class"] is not None:
        other = [(tuple(row["matched_box"]), str(row["matched_class"]), None)]
    if row["kind"] == "fn":
        return [(own[0], own[1], None)], other
    return other, [own]


def union_box(boxes: Sequence[Box]) -> Box:
    """The smallest box holding all ``boxes``.

    Example:
        >>> union_box([(0, 0, 2, 2), (1, 1, 5, 3)])
        (0, 0, 5, 3)
    """
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _draw(
    picture: CachedImage,
    rows: Sequence[Any],
    region: tuple[int, int, int, int] | None,
    iou: float,
    target: int,
) -> Image.Image:
    truth: list[dict[str, Any]] = []
    predicted: list[dict[str, Any]] = []
    scale = picture.scale
    if region is None:
        x0, y0, x1, y1 = 0, 0, picture.image.width, picture.image.height
    else:
        x0, y0, x1, y1 = (round(v * scale) for v in region)
    crop = picture.image.crop((x0, y0, x1, y1))
    grow = target / max(crop.size)  # drawn at the size shown, so labels stay readable
    size = (max(1, round(crop.width * grow)), max(1, round(crop.height * grow)))
    crop = crop.resize(size, Image.Resampling.BILINEAR if grow > 1 else Image.Resampling.LANCZOS)
    s = scale * grow
    for row in rows:
        gt, dt = sides(row)
        truth += [_box_dict(b, n, None, x0 / scale, y0 / scale, s) for b, n, _ in gt]
        predicted += [_box_dict(b, n, c, x0 / scale, y0 / scale, s) for b, n, c in dt]
    return side_by_side(crop, _unique(truth), _unique(predicted), iou=iou, stroke=2)


def _unique(boxes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each box once: in a whole-image panel one object may be the match of several rows."""
    return list({tuple(sorted(d.items())): d for d in boxes}.values())


def object_panel(
    picture: CachedImage, row: Any, *, iou: float, target: int = _PANEL
) -> Image.Image:
    """One object and what it overlapped, cropped with some context around them.

    The crop is scaled so its longer side is ``target`` pixels, then drawn as ground
    truth | prediction (about twice as wide).

    Example:
        >>> object_panel(picture, errors.iloc[0], iou=0.5, target=160).size  # doctest: +SKIP
    """
    gt, dt = sides(row)
    x1, y1, x2, y2 = union_box([b for b, _, _ in gt + dt])
    pad = max(0.35 * max(x2 - x1, y2 - y1), _MIN_CROP / 2)
    width, height = picture.size
    region = (
        int(max(0, x1 - pad)),
        int(max(0, y1 - pad)),
        int(min(width, x2 + pad + 1)),
        int(min(height, y2 + pad + 1)),
    )
    if region[2] - region[0] < 2 or region[3] - region[1] < 2:
        region = (0, 0, width, height)
    return _draw(picture, [row], region, iou, target)


def image_panel(
    picture: CachedImage, rows: pd.DataFrame, *, iou: float, target: int = _PANEL
) -> Image.Image:
    """A whole image with the objects of ``rows`` (all from that image).

    Example:
        >>> image_panel(picture, errors[errors.image == "a.jpg"], iou=0.5)  # doctest: +SKIP
    """
    return _draw(picture, [r for _, r in rows.iterrows()], None, iou, target)
