"""Flat object tables and the candidate (prediction, ground truth) pairs inside each image.

Everything downstream works on flat NumPy columns, one row per object, sorted by image
(then by the order the objects came in), so whole datasets are matched at once.

Example:
    >>> import numpy as np
    >>> pair_dt, pair_gt = image_pairs(np.array([0, 1, 1]), np.array([1, 1]))
    >>> pair_dt.tolist(), pair_gt.tolist()
    ([1, 1, 2, 2], [0, 1, 0, 1])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Objects", "box_iou_pairs", "group_rank", "image_pairs", "overlapping_box_pairs"]


@dataclass(frozen=True)
class Objects:
    """One row per object (ground truth or prediction), sorted by image.

    Attributes:
        image: ``(n,)`` index of the object's image.
        cls: ``(n,)`` index of its class.
        boxes: ``(n, 4)`` COCO boxes ``[x, y, width, height]``.
        area: ``(n,)`` area used for COCO's size ranges.
        crowd: ``(n,)`` crowd regions (always ``False`` for predictions).
        score: ``(n,)`` confidence (1 for ground truth).
    """

    image: np.ndarray
    cls: np.ndarray
    boxes: np.ndarray
    area: np.ndarray
    crowd: np.ndarray
    score: np.ndarray

    @classmethod
    def empty(cls) -> Objects:
        """A table with no rows.

        Example:
            >>> len(Objects.empty())
            0
        """
        ints, floats = np.zeros(0, np.int64), np.zeros(0, np.float64)
        return cls(ints, ints, np.zeros((0, 4)), floats, np.zeros(0, bool), floats)

    def __len__(self) -> int:
        return len(self.image)


def image_pairs(dt_image: np.ndarray, gt_image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (prediction, ground truth) pair that shares an image.

    Args:
        dt_image: Image index per prediction.
        gt_image: Image index per ground-truth object, sorted.

    Returns:
        ``(pair_dt, pair_gt)`` index arrays, grouped by prediction.

    Example:
        >>> [a.tolist() for a in image_pairs(np.array([0, 0]), np.array([0]))]
        [[0, 1], [0, 0]]
    """
    n_images = int(max(dt_image.max(initial=-1), gt_image.max(initial=-1))) + 1
    gt_count = np.bincount(gt_image, minlength=n_images)
    gt_start = np.cumsum(gt_count) - gt_count
    per_dt = gt_count[dt_image]
    pair_dt = np.repeat(np.arange(len(dt_image)), per_dt)
    offset = np.arange(int(per_dt.sum())) - np.repeat(np.cumsum(per_dt) - per_dt, per_dt)
    pair_gt = np.repeat(gt_start[dt_image], per_dt) + offset
    return pair_dt, pair_gt


def overlapping_box_pairs(
    dt: Objects, gt: Objects, chunk: int = 1 << 18
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Same-image (prediction, ground truth) pairs whose boxes overlap, and their IoU.

    Pairs that do not overlap can never match (every threshold is above 0), so they are
    dropped as they are made, ``chunk`` pairs at a time, which keeps memory small.

    Example:
        >>> o = Objects(np.array([0]), np.array([0]), np.array([[0, 0, 2, 2.]]),
        ...             np.array([4.]), np.array([False]), np.array([1.]))
        >>> [a.tolist() for a in overlapping_box_pairs(o, o)]
        [[0], [0], [1.0]]
    """
    n_images = int(max(dt.image.max(initial=-1), gt.image.max(initial=-1))) + 1
    cumulative = np.cumsum(np.bincount(gt.image, minlength=n_images)[dt.image])
    total = int(cumulative[-1]) if len(cumulative) else 0
    cuts = np.searchsorted(cumulative, np.arange(chunk, total, chunk), side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [len(dt)]]))
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        pair_dt, pair_gt = image_pairs(dt.image[lo:hi], gt.image)
        pair_dt += lo
        iou = box_iou_pairs(dt.boxes, gt.boxes, pair_dt, pair_gt, gt.crowd)
        keep = iou > 0
        parts.append((pair_dt[keep], pair_gt[keep], iou[keep]))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def box_iou_pairs(
    dt_boxes: np.ndarray,
    gt_boxes: np.ndarray,
    pair_dt: np.ndarray,
    pair_gt: np.ndarray,
    gt_crowd: np.ndarray,
) -> np.ndarray:
    """Box IoU per pair, with pycocotools' arithmetic (``bbIou``), so ties fall the same way.

    For a crowd region the union is the prediction's own area.

    Example:
        >>> b = np.array([[0, 0, 2, 2.]]); c = np.array([[1, 0, 2, 2.]])
        >>> box_iou_pairs(b, c, np.array([0]), np.array([0]), np.array([False])).round(3)
        array([0.333])
    """
    d, g = dt_boxes[pair_dt], gt_boxes[pair_gt]
    w = np.minimum(d[:, 2] + d[:, 0], g[:, 2] + g[:, 0]) - np.maximum(d[:, 0], g[:, 0])
    h = np.minimum(d[:, 3] + d[:, 1], g[:, 3] + g[:, 1]) - np.maximum(d[:, 1], g[:, 1])
    overlap = (w > 0) & (h > 0)
    inter = np.where(overlap, w * h, 0.0)
    d_area = d[:, 2] * d[:, 3]
    union = np.where(gt_crowd[pair_gt], d_area, d_area + g[:, 2] * g[:, 3] - inter)
    iou: np.ndarray = np.divide(inter, union, out=np.zeros_like(inter), where=overlap)
    return iou


def group_rank(group: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Each row's position in its group when sorted by score, highest first, stable.

    Example:
        >>> group_rank(np.array([0, 0, 1, 0]), np.array([0.5, 0.9, 0.1, 0.9])).tolist()
        [2, 0, 0, 1]
    """
    order = np.lexsort((np.arange(len(group)), -score, group))
    sorted_group = group[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(sorted_group)) + 1])
    sizes = np.diff(np.append(starts, len(order)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - np.repeat(starts, sizes)
    return rank
