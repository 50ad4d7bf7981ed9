"""COCO mAP without the loops: the numbers of pycocotools' ``COCOeval`` for boxes or masks.

Same parameters (IoU 0.50:0.05:0.95, 101 recall points, ``maxDets`` 1/10/100, COCO's
area ranges), same tie-breaking (stable by confidence, then image, then input order),
same interpolation (``accumulate``): the precision array and the twelve ``stats`` agree
with ``COCOeval`` to floating-point rounding. Classes without ground truth stay -1 and are
left out of the means, as there.

Example:
    >>> result = coco_average_precision(gt, dt, pair_dt, pair_gt, pair_iou, 3)  # doctest: +SKIP
    >>> result.stats()[1]  # AP at IoU 0.5  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .greedy import greedy_match
from .pairs import Objects, group_rank

__all__ = [
    "AREA_RANGES",
    "IOU_THRESHOLDS",
    "MAX_DETECTIONS",
    "RECALL_THRESHOLDS",
    "CocoAP",
    "CocoMetrics",
    "coco_average_precision",
]

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_THRESHOLDS = np.linspace(0.0, 1.0, 101)
AREA_RANGES: dict[str, tuple[float, float]] = {
    "all": (0.0, 1e10),
    "small": (0.0, 32.0**2),
    "medium": (32.0**2, 96.0**2),
    "large": (96.0**2, 1e10),
}
MAX_DETECTIONS = (1, 10, 100)


@dataclass(frozen=True)
class CocoAP:
    """Accumulated COCO results.

    Attributes:
        precision: ``(T, R, K, A)`` interpolated precision at ``maxDets=100``; -1 where a
            class has no ground truth in that area range.
        recall: ``(T, K, A, M)`` recall for each ``maxDets``; -1 likewise.
    """

    precision: np.ndarray
    recall: np.ndarray

    def stats(self) -> np.ndarray:
        """The twelve numbers of ``COCOeval.stats``, -1 where undefined.

        Order: AP, AP50, AP75, AP small/medium/large, AR@1, AR@10, AR@100,
        AR small/medium/large.

        Example:
            >>> coco.stats()[1]  # AP at IoU 0.50  # doctest: +SKIP
        """
        areas = list(AREA_RANGES)

        def mean(values: np.ndarray) -> float:
            kept = values[values > -1]
            return float(np.mean(kept)) if len(kept) else -1.0

        p, r = self.precision, self.recall
        return np.array(
            [
                mean(p[:, :, :, 0]),
                mean(p[0, :, :, 0]),
                mean(p[5, :, :, 0]),
                *(mean(p[:, :, :, areas.index(a)]) for a in ("small", "medium", "large")),
                *(mean(r[:, :, 0, m]) for m in range(len(MAX_DETECTIONS))),
                *(mean(r[:, :, areas.index(a), -1]) for a in ("small", "medium", "large")),
            ]
        )

    def per_class(self, iou_index: int | None = None) -> np.ndarray:
        """AP per class over all areas at one IoU threshold (index) or averaged; NaN if none.

        Example:
            >>> coco.per_class(0)  # AP50 of each class  # doctest: +SKIP
        """
        p = (
            self.precision[:, :, :, 0]
            if iou_index is None
            else self.precision[[iou_index], :, :, 0]
        )
        defined = (p > -1).all(axis=(0, 1))
        out = np.full(p.shape[2], np.nan)
        if defined.any():
            out[defined] = p[:, :, defined].mean(axis=(0, 1))
        return out


class CocoMetrics:
    """COCO's headline numbers for a class that can compute a :class:`CocoAP`."""

    @property
    def _coco(self) -> CocoAP:
        raise NotImplementedError

    def coco_stats(self) -> np.ndarray:
        """The twelve numbers of pycocotools' ``COCOeval.stats``, -1 where undefined.

        AP, AP50, AP75, AP small/medium/large, AR@1, AR@10, AR@100, AR small/medium/large.

        Example:
            >>> ev.coco_stats()[:3]  # doctest: +SKIP
        """
        return self._coco.stats()

    def _stat(self, i: int) -> float:
        value = float(self.coco_stats()[i])
        return float("nan") if value == -1 else value

    @property
    def map50_95(self) -> float:
        """COCO mAP over IoU 0.50:0.95 (NaN when no class has ground truth)."""
        return self._stat(0)

    @property
    def map50(self) -> float:
        """COCO mAP at IoU 0.50."""
        return self._stat(1)

    @property
    def map75(self) -> float:
        """COCO mAP at IoU 0.75."""
        return self._stat(2)

    @property
    def map_small(self) -> float:
        """COCO mAP for objects under 32² pixels (NaN when there are none)."""
        return self._stat(3)

    @property
    def map_medium(self) -> float:
        """COCO mAP for objects of 32² to 96² pixels."""
        return self._stat(4)

    @property
    def map_large(self) -> float:
        """COCO mAP for objects over 96² pixels."""
        return self._stat(5)


def coco_average_precision(
    gt: Objects,
    dt: Objects,
    pair_dt: np.ndarray,
    pair_gt: np.ndarray,
    pair_iou: np.ndarray,
    n_classes: int,
) -> CocoAP:
    """COCO precision and recall arrays from objects and their same-image pairs.

    Args:
        gt: Ground truth, sorted by image then file order.
        dt: Predictions, sorted by image then input order; ``dt.area`` is the box area
            (or mask area for masks).
        pair_dt: Prediction index of each candidate pair (any class).
        pair_gt: Ground-truth index of each pair.
        pair_iou: IoU of each pair (box or mask).
        n_classes: Number of classes ``K``.

    Returns:
        A :class:`CocoAP`.

    Example:
        >>> coco = coco_average_precision(gt, dt, pair_dt, pair_gt, pair_iou, 4)  # doctest: +SKIP
        >>> coco.precision.shape  # (T, R, K, A)  # doctest: +SKIP
        (10, 101, 4, 4)
    """
    n_sets, n_thr, n_rec = len(AREA_RANGES), len(IOU_THRESHOLDS), len(RECALL_THRESHOLDS)
    precision = -np.ones((n_thr, n_rec, n_classes, n_sets))
    recall = -np.ones((n_thr, n_classes, n_sets, len(MAX_DETECTIONS)))
    bounds = np.array(list(AREA_RANGES.values()))
    outside_gt = (gt.area[None, :] < bounds[:, :1]) | (gt.area[None, :] > bounds[:, 1:])
    gt_ignore = gt.crowd[None, :] | outside_gt
    npig = np.stack([np.bincount(gt.cls[~ig], minlength=n_classes) for ig in gt_ignore])

    # pycocotools keeps the 100 most confident predictions per image and class.
    group = dt.image * max(n_classes, 1) + dt.cls
    rank = group_rank(group, dt.score)
    keep = np.flatnonzero(rank < MAX_DETECTIONS[-1])
    new_index = np.full(len(dt), -1, dtype=np.int64)
    new_index[keep] = np.arange(len(keep))
    same = (dt.cls[pair_dt] == gt.cls[pair_gt]) & (new_index[pair_dt] >= 0)
    match = greedy_match(
        new_index[pair_dt[same]],
        pair_gt[same],
        pair_iou[same],
        dt_rank=rank[keep],
        gt_crowd=gt.crowd,
        gt_ignore=gt_ignore,
        thresholds=IOU_THRESHOLDS,
    )
    area, score, cls, rank = dt.area[keep], dt.score[keep], dt.cls[keep], rank[keep]
    outside_dt = (area[None, :] < bounds[:, :1]) | (area[None, :] > bounds[:, 1:])
    matched = match >= 0
    dt_ignore = np.repeat(outside_dt[:, None, :], len(IOU_THRESHOLDS), axis=1)
    for a in range(n_sets):  # a matched prediction is ignored when its object is
        dt_ignore[a][matched[a]] = gt_ignore[a, match[a][matched[a]]]
    tps, fps = matched & ~dt_ignore, ~matched & ~dt_ignore

    order = np.lexsort((np.arange(len(keep)), -score, cls))
    starts = np.searchsorted(cls[order], np.arange(n_classes + 1))
    for k in np.flatnonzero(npig.max(axis=0) > 0).tolist():
        idx = order[starts[k] : starts[k + 1]]
        _accumulate_class(
            k, tps[:, :, idx], fps[:, :, idx], rank[idx], npig[:, k], precision, recall
        )
    return CocoAP(precision=precision, recall=recall)


def _accumulate_class(
    k: int,
    tps: np.ndarray,
    fps: np.ndarray,
    rank: np.ndarray,
    npig: np.ndarray,
    precision: np.ndarray,
    recall: np.ndarray,
) -> None:
    """``COCOeval.accumulate`` for one class, all area ranges and thresholds at once."""
    tp_sum = np.cumsum(tps, axis=2).astype(float)
    fp_sum = np.cumsum(fps, axis=2).astype(float)
    n_det = tps.shape[2]
    for m, max_det in enumerate(MAX_DETECTIONS):
        within = rank < max_det
        total = tps[:, :, within].sum(axis=2)
        for a in np.flatnonzero(npig > 0).tolist():
            recall[:, k, a, m] = total[a] / npig[a]
    for a in np.flatnonzero(npig > 0).tolist():
        rc = tp_sum[a] / npig[a]
        pr = tp_sum[a] / (fp_sum[a] + tp_sum[a] + np.spacing(1))
        pr = np.maximum.accumulate(pr[:, ::-1], axis=1)[:, ::-1]
        for t in range(tps.shape[1]):
            inds = np.searchsorted(rc[t], RECALL_THRESHOLDS, side="left")
            q = np.zeros(len(RECALL_THRESHOLDS))
            found = inds < n_det
            q[found] = pr[t, inds[found]]
            precision[t, :, k, a] = q
