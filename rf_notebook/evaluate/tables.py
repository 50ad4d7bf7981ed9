"""DataFrames of an operating point: per class, per image, and the list of errors.

Example:
    >>> per_class_table(data, op, ap50, ap50_95)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .build import DetectionData
from .operating import OperatingPoint

__all__ = ["ErrorKind", "error_table", "object_column", "per_class_table", "per_image_table", "prf"]

ErrorKind = Literal["fp", "fn", "confusion", "tp"]
ERROR_COLUMNS = [
    "image",
    "path",
    "kind",
    "class",
    "confidence",
    "box",
    "matched_class",
    "matched_box",
    "iou",
]


def object_column(values: Iterable[object], index: pd.Index | None = None) -> pd.Series:
    """A column that keeps ``None`` as ``None`` (pandas would turn it into NaN in text).

    Example:
        >>> object_column(["a.jpg", None]).tolist()
        ['a.jpg', None]
    """
    items = list(values)
    column: pd.Series = pd.Series(
        items, index=index if index is not None else range(len(items)), dtype=object
    )
    return column


def prf(
    tp: np.ndarray, fp: np.ndarray, fn: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 from counts; NaN where undefined (nothing predicted / no truth).

    Example:
        >>> [v.tolist() for v in prf(np.array([3]), np.array([1]), np.array([3]))]
        [[0.75], [0.5], [0.6]]
    """
    tp, fp, fn = (np.asarray(v, dtype=np.float64) for v in (tp, fp, fn))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), np.nan)
        recall = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan)
    return precision, recall, f1


def per_class_table(
    data: DetectionData, op: OperatingPoint, ap50: np.ndarray, ap50_95: np.ndarray
) -> pd.DataFrame:
    """One row per class: support, TP, FP, FN, precision, recall, F1 at ``op``, AP50, AP50:95.

    Example:
        >>> per_class_table(data, op, ap50, ap50_95).loc["cat", "F1"]  # doctest: +SKIP
    """
    k = len(data.classes)
    tp = np.bincount(data.dt.cls[op.tp], minlength=k)
    fp = np.bincount(data.dt.cls[op.fp], minlength=k)
    fn = np.bincount(data.gt.cls[op.fn], minlength=k)
    support = np.bincount(data.gt.cls[~data.gt.crowd], minlength=k)
    precision, recall, f1 = prf(tp, fp, fn)
    table: pd.DataFrame = pd.DataFrame(
        {
            "support": support,
            "TP": tp,
            "FP": fp,
            "FN": fn,
            "precision": precision,
            "recall": recall,
            "F1": f1,
            "AP50": ap50,
            "AP50_95": ap50_95,
        },
        index=pd.Index(list(data.classes), name="class"),
    )
    return table


def per_image_table(data: DetectionData, op: OperatingPoint) -> pd.DataFrame:
    """One row per evaluated image: objects, predictions, TP, FP, FN, confused, errors.

    Example:
        >>> per_image_table(data, op).sort_values("errors").tail()  # doctest: +SKIP
    """
    n = len(data.keys)
    dt_image, gt_image = data.dt.image, data.gt.image
    tp = np.bincount(dt_image[op.tp], minlength=n)
    fp = np.bincount(dt_image[op.fp], minlength=n)
    fn = np.bincount(gt_image[op.fn], minlength=n)
    index = pd.Index(list(data.keys), name="image")
    frame: pd.DataFrame = pd.DataFrame(
        {
            "path": object_column((None if p is None else str(p) for p in data.paths), index),
            "objects": np.bincount(gt_image[~data.gt.crowd], minlength=n),
            "predictions": tp + fp,
            "TP": tp,
            "FP": fp,
            "FN": fn,
            "confused": np.bincount(dt_image[op.confused_with >= 0], minlength=n),
            "errors": fp + fn,
        },
        index=index,
    )
    return frame


def error_table(
    data: DetectionData, op: OperatingPoint, kind: ErrorKind, cls: int | None = None
) -> pd.DataFrame:
    """The objects behind one kind of error, most confident (or largest) first.

    ``fp``: false alarms (predictions on no object); ``matched_class``/``iou`` name the
    object overlapping most, if any. ``fn``: missed objects (no prediction of any class on
    them); ``matched_*`` the visible prediction overlapping most. ``confusion``: a
    prediction of ``class`` on an object of ``matched_class``. ``tp``: correct predictions
    and the object each one found (the diagonal of the confusion matrix).

    Example:
        >>> error_table(data, op, "fn").head()  # doctest: +SKIP
    """
    if kind not in ("fp", "fn", "confusion", "tp"):
        raise ConfigError(f"kind must be 'fp', 'fn', 'confusion' or 'tp', got {kind!r}")
    dt, gt, names = data.dt, data.gt, np.array(data.classes, dtype=object)
    if kind == "fn":
        rows = np.flatnonzero(op.missed & ((gt.cls == cls) if cls is not None else True))
        other, iou = _best_overlap(
            data, data.pair_gt, data.pair_dt, op.visible[data.pair_dt], len(gt)
        )
        rows = rows[np.argsort(-(gt.boxes[rows, 2] * gt.boxes[rows, 3]), kind="stable")]
        mine, theirs, own_cls, their_cls = gt, dt, gt.cls, dt.cls
        confidence = np.full(len(rows), np.nan)
    else:
        if kind == "fp":
            chosen = op.false_alarms & ((dt.cls == cls) if cls is not None else True)
            other, iou = _best_overlap(
                data, data.pair_dt, data.pair_gt, ~gt.crowd[data.pair_gt], len(dt)
            )
        elif kind == "tp":
            other = np.where(op.tp, data.match, -1)
            chosen = op.tp & ((dt.cls == cls) if cls is not None else True)
            iou = _pair_iou(data, np.arange(len(dt)), other)
        else:
            other = op.confused_with
            chosen = other >= 0
            if cls is not None and len(gt):
                chosen &= (dt.cls == cls) | (gt.cls[np.where(chosen, other, 0)] == cls)
            iou = _pair_iou(data, np.arange(len(dt)), other)
        rows = np.flatnonzero(chosen)
        rows = rows[np.argsort(-dt.score[rows], kind="stable")]
        mine, theirs, own_cls, their_cls = dt, gt, dt.cls, gt.cls
        confidence = dt.score[rows]
    matched = other[rows]
    has = matched >= 0
    their_boxes = _corners(theirs.boxes[matched[has]])
    matched_box: list[tuple[float, float, float, float] | None] = [None] * len(rows)
    for i, box in zip(np.flatnonzero(has).tolist(), their_boxes, strict=True):
        matched_box[i] = box
    matched_class = np.full(len(rows), None, dtype=object)
    matched_class[has] = names[their_cls[matched[has]]]
    images = mine.image[rows]
    frame: pd.DataFrame = pd.DataFrame(
        {
            "image": [data.keys[i] for i in images],
            "path": object_column(
                None if data.paths[i] is None else str(data.paths[i]) for i in images
            ),
            "kind": kind,
            "class": names[own_cls[rows]],
            "confidence": confidence,
            "box": _corners(mine.boxes[rows]),
            "matched_class": object_column(matched_class),
            "matched_box": object_column(matched_box),
            "iou": np.where(has, iou[rows], 0.0),
        },
        columns=ERROR_COLUMNS,
    )
    return frame


def _corners(boxes: np.ndarray) -> list[tuple[float, float, float, float]]:
    return [(x, y, x + w, y + h) for x, y, w, h in boxes.tolist()]


def _best_overlap(
    data: DetectionData, mine: np.ndarray, theirs: np.ndarray, allowed: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per object on one side, the overlapping object on the other side with the most IoU."""
    keep = allowed & (data.pair_iou > 0)
    a, b, v = mine[keep], theirs[keep], data.pair_iou[keep]
    order = np.lexsort((v, a))
    a, b, v = a[order], b[order], v[order]
    last = np.flatnonzero(np.diff(a, append=-1) != 0)  # the highest IoU of each group
    best = np.full(n, -1, dtype=np.int64)
    iou = np.zeros(n)
    best[a[last]] = b[last]
    iou[a[last]] = v[last]
    return best, iou


def _pair_iou(data: DetectionData, dt: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """IoU of given (prediction, object) pairs, looked up among the same-image pairs."""
    out = np.zeros(len(dt))
    n_gt = max(len(data.gt), 1)
    keys = data.pair_dt * n_gt + data.pair_gt
    want = np.flatnonzero(gt >= 0)
    at = np.searchsorted(keys, dt[want] * n_gt + gt[want])
    out[want] = data.pair_iou[at]
    return out
