"""Match predictions to ground truth in one image, the way pycocotools does.

Greedy by confidence (highest first, stable for ties), class-aware: each prediction takes
the unmatched ground-truth box of its class with the highest IoU at or above the
threshold. A prediction that matches only a crowd region (``iscrowd``) is *ignored* —
neither a true nor a false positive — and crowd regions may absorb many predictions.

Shared by drawing (true/false positives in colour) and evaluation (metrics).

Example:
    >>> import numpy as np
    >>> m = match_detections(np.array([[0, 0, 10, 10.]]), np.array([0]),
    ...                      np.array([[1, 1, 10, 10.], [0, 0, 10, 10.]]), np.array([0, 0]),
    ...                      np.array([0.6, 0.9]), iou=0.5)
    >>> m.pred_to_gt.tolist(), m.true_positive.tolist()
    ([-1, 0], [False, True])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Match", "box_iou", "match_detections"]


def box_iou(a: np.ndarray, b: np.ndarray, crowd: np.ndarray | None = None) -> np.ndarray:
    """IoU of every box in ``a`` (n, 4) with every box in ``b`` (m, 4), corners ``xyxy``.

    For crowd boxes in ``b`` the denominator is the area of the ``a`` box, as in
    pycocotools, so a prediction inside a crowd region scores 1.

    Example:
        >>> box_iou(np.array([[0, 0, 2, 2.]]), np.array([[1, 0, 3, 2.]])).round(3).tolist()
        [[0.333]]
    """
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    area_a = (a[:, 2] - a[:, 0]).clip(0) * (a[:, 3] - a[:, 1]).clip(0)
    area_b = (b[:, 2] - b[:, 0]).clip(0) * (b[:, 3] - b[:, 1]).clip(0)
    width = (
        np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    ).clip(0)
    height = (
        np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    ).clip(0)
    inter = width * height
    union = area_a[:, None] + area_b[None, :] - inter
    if crowd is not None and len(b):
        union = np.where(np.asarray(crowd, bool)[None, :], area_a[:, None], union)
    with np.errstate(divide="ignore", invalid="ignore"):
        iou: np.ndarray = np.where(union > 0, inter / union, 0.0)
    return iou


@dataclass(frozen=True)
class Match:
    """How predictions and ground truth in one image paired up.

    Attributes:
        pred_to_gt: For each prediction, the index of its ground-truth box, or -1.
        ignored: Predictions matched to a crowd region (count as neither TP nor FP).
        gt_matched: For each ground-truth box, whether a prediction took it.
    """

    pred_to_gt: np.ndarray
    ignored: np.ndarray
    gt_matched: np.ndarray

    @property
    def true_positive(self) -> np.ndarray:
        """Predictions matched to a real (non-crowd) ground-truth box."""
        tp: np.ndarray = (self.pred_to_gt >= 0) & ~self.ignored
        return tp

    @property
    def false_positive(self) -> np.ndarray:
        """Predictions matched to nothing."""
        fp: np.ndarray = self.pred_to_gt < 0
        return fp


def match_detections(
    gt_xyxy: np.ndarray,
    gt_class: np.ndarray,
    pred_xyxy: np.ndarray,
    pred_class: np.ndarray,
    pred_confidence: np.ndarray,
    *,
    iou: float = 0.5,
    gt_crowd: np.ndarray | None = None,
    ious: np.ndarray | None = None,
) -> Match:
    """Greedy, class-aware matching of one image at one IoU threshold.

    Args:
        gt_xyxy: Ground-truth corners, ``(m, 4)``.
        gt_class: Ground-truth class ids (or names), ``(m,)``.
        pred_xyxy: Predicted corners, ``(n, 4)``.
        pred_class: Predicted class ids (or names), ``(n,)``.
        pred_confidence: Prediction scores, ``(n,)``.
        iou: A pair matches when IoU >= this.
        gt_crowd: Which ground-truth boxes are crowd regions.
        ious: A precomputed ``(n, m)`` IoU matrix (mask IoU for segmentation).

    Returns:
        A :class:`Match`.
    """
    n, m = len(pred_confidence), len(gt_class)
    crowd = np.zeros(m, bool) if gt_crowd is None else np.asarray(gt_crowd, bool)
    pred_to_gt = np.full(n, -1, dtype=np.int64)
    ignored = np.zeros(n, bool)
    gt_matched = np.zeros(m, bool)
    if n == 0 or m == 0:
        return Match(pred_to_gt, ignored, gt_matched)
    overlap = box_iou(pred_xyxy, gt_xyxy, crowd) if ious is None else np.asarray(ious, np.float64)
    same_class = np.asarray(pred_class)[:, None] == np.asarray(gt_class)[None, :]
    order = np.argsort(-np.asarray(pred_confidence, np.float64), kind="mergesort")
    taken = np.zeros(m, bool)
    for p in order:
        # Real boxes first, then crowd regions, as pycocotools sorts them.
        best, best_iou = -1, min(iou, 1 - 1e-10)
        for group in (~crowd, crowd):
            candidates = same_class[p] & group & (~taken | crowd)
            if best >= 0 and group is crowd:
                break
            for g in np.flatnonzero(candidates):
                if overlap[p, g] >= best_iou:
                    best, best_iou = int(g), float(overlap[p, g])
        if best < 0:
            continue
        pred_to_gt[p] = best
        if crowd[best]:
            ignored[p] = True
        else:
            taken[best] = True
    gt_matched[:] = taken
    return Match(pred_to_gt, ignored, gt_matched)
