"""Conversions of results: to supervision, masks from polygons or RLE, client-side NMS."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import SchemaError
from .types import Detection

if TYPE_CHECKING:
    from .core import DetectionResult

__all__ = ["decode_rle", "detection_mask", "nms_keep", "to_supervision"]


def nms_keep(predictions: Sequence[Detection], iou: float) -> np.ndarray:
    """Which predictions survive class-aware NMS at ``iou``, as a boolean array.

    Example:
        >>> a = Detection(x=5, y=5, width=10, height=10, confidence=0.9, class_name="a")
        >>> b = Detection(x=6, y=5, width=10, height=10, confidence=0.8, class_name="a")
        >>> nms_keep([a, b], 0.5).tolist()
        [True, False]
    """
    import supervision as sv

    if len(predictions) < 2:
        return np.ones(len(predictions), dtype=bool)
    ids: dict[str, int] = {}
    rows = [(*p.xyxy, p.confidence, ids.setdefault(p.class_name, len(ids))) for p in predictions]
    keep: np.ndarray = sv.box_non_max_suppression(np.array(rows, dtype=np.float64), iou)
    return keep


def decode_rle(rle: Mapping[str, Any]) -> np.ndarray:
    """Decode a COCO RLE mask (compressed string or plain counts) to a ``(h, w)`` bool array.

    Example:
        >>> decode_rle({"size": [2, 2], "counts": [1, 2, 1]}).tolist()
        [[False, True], [True, False]]
    """
    height, width = (int(v) for v in rle["size"])
    counts = rle["counts"]
    runs = _compressed_counts(counts) if isinstance(counts, (str, bytes)) else list(counts)
    flat = np.zeros(height * width, dtype=bool)
    position, value = 0, False
    for run in runs:
        if value:
            flat[position : position + run] = True
        position += run
        value = not value
    if position != height * width:
        raise SchemaError(f"RLE counts cover {position} pixels, size says {height * width}", "rle")
    mask: np.ndarray = flat.reshape((width, height)).T  # COCO runs go down columns
    return mask


def _compressed_counts(counts: str | bytes) -> list[int]:
    """Read COCO's compressed RLE string: 5-bit groups, the 6th bit continues, deltas after 2."""
    data = counts.encode() if isinstance(counts, str) else counts
    runs: list[int] = []
    i = 0
    while i < len(data):
        value, shift, more = 0, 0, True
        while more:
            c = data[i] - 48
            value |= (c & 0x1F) << (5 * shift)
            more = bool(c & 0x20)
            i += 1
            shift += 1
            if not more and c & 0x10:
                value |= -1 << (5 * shift)
        if len(runs) > 2:
            value += runs[-2]
        runs.append(value)
    return runs


def detection_mask(p: Detection, width: int, height: int) -> np.ndarray | None:
    """The instance mask of one prediction at image size, or ``None`` if it has none."""
    import supervision as sv

    if p.points is not None and len(p.points) >= 3:
        polygon = np.array([(v.x, v.y) for v in p.points], dtype=np.float64)
        return np.asarray(sv.polygon_to_mask(polygon, (width, height)), dtype=bool)
    if p.rle is not None:
        return decode_rle(p.rle)
    return None


def to_supervision(result: DetectionResult) -> Any:
    """See :meth:`DetectionResult.to_supervision`."""
    import supervision as sv

    preds = result.predictions
    if not preds:
        return sv.Detections.empty()
    names = np.array([p.class_name for p in preds])
    known = {p.class_name: p.class_id for p in preds if p.class_id is not None}
    fallback = {n: i for i, n in enumerate(sorted(set(names.tolist()) - set(known)))}
    class_id = np.array([known.get(n, fallback.get(n, -1)) for n in names], dtype=int)
    mask = None
    if result.image is not None and any(p.points is not None or p.rle is not None for p in preds):
        w, h = result.image.width, result.image.height
        layers = [detection_mask(p, w, h) for p in preds]
        mask = np.stack([m if m is not None else np.zeros((h, w), bool) for m in layers])
    data: dict[str, Any] = {"class_name": names}
    ids = [p.detection_id for p in preds]
    if any(i is not None for i in ids):
        data["detection_id"] = np.array(ids, dtype=object)
    return sv.Detections(
        xyxy=result.xyxy,
        confidence=result.confidence,
        class_id=class_id,
        mask=mask,
        data=data,
    )
