"""Counts at one confidence threshold: TP/FP/FN, confusions between classes, and errors.

Two steps, both greedy by confidence at the evaluation's IoU:

1. Class-aware COCO matching (done once in :mod:`.build`): a prediction on an object of
   its own class is a true positive; one on a crowd region is ignored.
2. Among what is left — false positives and missed objects — a class-agnostic matching
   finds *confusions*: a prediction of class B on an object of class A.

The confusion matrix has true classes as rows and predicted classes as columns. The
diagonal holds true positives, off-diagonal cells confusions, the ``background`` column
missed objects and the ``background`` row false alarms, so a class's row sum minus its
diagonal is its FN count and its column sum minus its diagonal its FP count.

Example:
    >>> op = operating_point(data, 0.4)  # doctest: +SKIP
    >>> confusion_counts(data, op)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .build import DetectionData
from .greedy import greedy_match
from .pairs import group_rank

__all__ = ["OperatingPoint", "confusion_counts", "operating_point"]


@dataclass(frozen=True)
class OperatingPoint:
    """What each object is at one confidence threshold.

    Attributes:
        confidence: The threshold; predictions at or above it count.
        visible: Per prediction, whether it counts.
        tp: Visible predictions matched to an object of their class.
        fp: Visible predictions matched to nothing of their class.
        fn: Real (non-crowd) objects that no visible prediction of their class matched.
        confused_with: Per prediction, the other-class object it landed on, or -1.
        confused_by: Per object, the other-class prediction that landed on it, or -1.
    """

    confidence: float
    visible: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    confused_with: np.ndarray
    confused_by: np.ndarray

    @property
    def false_alarms(self) -> np.ndarray:
        """False positives on no object at all (the background row)."""
        out: np.ndarray = self.fp & (self.confused_with < 0)
        return out

    @property
    def missed(self) -> np.ndarray:
        """Missed objects that no other-class prediction landed on (the background column)."""
        out: np.ndarray = self.fn & (self.confused_by < 0)
        return out


def operating_point(data: DetectionData, confidence: float) -> OperatingPoint:
    """Classify every prediction and object at ``confidence``; see the module docstring.

    Example:
        >>> operating_point(data, 0.5).tp.sum()  # doctest: +SKIP
    """
    dt, gt = data.dt, data.gt
    visible = dt.score >= confidence
    tp = visible & (data.match >= 0) & ~data.ignored
    fp = visible & (data.match < 0)
    hit = np.zeros(len(gt), bool)
    hit[data.match[tp]] = True
    fn = ~gt.crowd & ~hit
    left = fp[data.pair_dt] & fn[data.pair_gt]
    confused_with = greedy_match(
        data.pair_dt[left],
        data.pair_gt[left],
        data.pair_iou[left],
        dt_rank=group_rank(dt.image, dt.score),
        gt_crowd=np.zeros(len(gt), bool),
        gt_ignore=np.zeros((1, len(gt)), bool),
        thresholds=np.array([data.iou]),
    )[0, 0]
    confused_by = np.full(len(gt), -1, dtype=np.int64)
    which = np.flatnonzero(confused_with >= 0)
    confused_by[confused_with[which]] = which
    return OperatingPoint(confidence, visible, tp, fp, fn, confused_with, confused_by)


def confusion_counts(data: DetectionData, op: OperatingPoint) -> np.ndarray:
    """``(K + 1, K + 1)`` counts: rows true class, columns predicted; the last is background.

    Example:
        >>> confusion_counts(data, op).sum()  # doctest: +SKIP
    """
    k = len(data.classes)
    counts = np.zeros((k + 1, k + 1), dtype=np.int64)
    cls_dt, cls_gt = data.dt.cls, data.gt.cls
    np.add.at(counts, (cls_dt[op.tp], cls_dt[op.tp]), 1)
    confused = np.flatnonzero(op.confused_with >= 0)
    np.add.at(counts, (cls_gt[op.confused_with[confused]], cls_dt[confused]), 1)
    np.add.at(counts, (np.full(int(op.false_alarms.sum()), k), cls_dt[op.false_alarms]), 1)
    np.add.at(counts, (cls_gt[op.missed], np.full(int(op.missed.sum()), k)), 1)
    return counts
