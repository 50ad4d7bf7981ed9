"""COCO's greedy matching for many images, classes, IoU thresholds and area ranges at once.

pycocotools matches one (image, class) at a time in Python loops. The rule itself is
simple: predictions go in order of confidence; each takes, among the ground-truth objects
still free (crowd regions are always free) with IoU at or above the threshold, the one
with the highest IoU — a regular object before an ignored one (crowd, or outside the area
range), and the later one in file order on a tie. Only the *order inside a group*
matters, so all groups advance together: round ``r`` matches the ``r``-th prediction of
every group with array operations over all candidate pairs, thresholds and area ranges.

Example:
    >>> import numpy as np
    >>> m = greedy_match(np.array([0, 1]), np.array([0, 0]), np.array([0.9, 0.9]),
    ...                  dt_rank=np.array([0, 1]), gt_crowd=np.array([False]),
    ...                  gt_ignore=np.array([[False]]), thresholds=np.array([0.5]))
    >>> m[0, 0].tolist()  # the first prediction takes the box, the second finds it taken
    [0, -1]
"""

from __future__ import annotations

import numpy as np

__all__ = ["greedy_match"]


def greedy_match(
    pair_dt: np.ndarray,
    pair_gt: np.ndarray,
    pair_iou: np.ndarray,
    *,
    dt_rank: np.ndarray,
    gt_crowd: np.ndarray,
    gt_ignore: np.ndarray,
    thresholds: np.ndarray,
    chunk: int = 1 << 13,
) -> np.ndarray:
    """Match predictions to ground truth, COCO-style, for every threshold and ignore set.

    Args:
        pair_dt: Prediction index of each candidate pair. Pairs exist only within a group
            (same image, and same class for class-aware matching).
        pair_gt: Ground-truth index of each pair; within a group, a larger index means
            later in file order.
        pair_iou: IoU of each pair.
        dt_rank: Per prediction, its position in its group's confidence order (0 first).
        gt_crowd: ``(G,)`` crowd regions, which any number of predictions may match.
        gt_ignore: ``(A, G)`` ignored objects for each of ``A`` ignore sets (area ranges).
        thresholds: ``(T,)`` IoU thresholds; a pair matches at IoU >= threshold.
        chunk: Pairs handled per step. Predictions of one round are in different groups
            and never compete, so a round may be cut anywhere between predictions; this
            bounds memory at about ``40 × A × T × chunk`` bytes.

    Returns:
        ``(A, T, D)`` int32: the matched ground-truth index of each prediction, or -1.
        ``D`` is ``len(dt_rank)``.

    Example:
        >>> greedy_match(np.array([0]), np.array([0]), np.array([0.6]), dt_rank=np.array([0]),
        ...              gt_crowd=np.array([False]), gt_ignore=np.array([[False]]),
        ...              thresholds=np.array([0.5, 0.75])).tolist()
        [[[0], [-1]]]
    """
    ignore = np.asarray(gt_ignore, dtype=bool)
    n_sets, n_gt = ignore.shape
    thr = np.minimum(np.asarray(thresholds, dtype=np.float64), 1 - 1e-10)
    out = np.full((n_sets, len(thr), len(dt_rank)), -1, dtype=np.int32)
    if len(pair_dt) == 0:
        return out
    rank = np.asarray(dt_rank)[pair_dt]
    order = np.lexsort((pair_gt, pair_dt, rank))
    pair_dt, pair_gt, pair_iou, rank = pair_dt[order], pair_gt[order], pair_iou[order], rank[order]
    rounds = np.flatnonzero(np.diff(rank)) + 1
    bounds = np.concatenate([[0], rounds, [len(rank)]])
    taken = np.zeros((n_sets, len(thr), n_gt), dtype=bool)
    crowd = np.asarray(gt_crowd, dtype=bool)
    set_index = np.arange(n_sets)[:, None, None]
    thr_index = np.arange(len(thr))[None, :, None]
    for lo, hi in _pieces(bounds, pair_dt, chunk):
        dts, gts, ious = pair_dt[lo:hi], pair_gt[lo:hi], pair_iou[lo:hi]
        starts = np.concatenate([[0], np.flatnonzero(np.diff(dts)) + 1])
        sizes = np.diff(np.append(starts, len(dts)))
        free = ~taken[:, :, gts] | crowd[gts]
        eligible = free & (ious[None, None, :] >= thr[None, :, None])
        regular = ~ignore[:, gts][:, None, :]
        any_regular = np.logical_or.reduceat(eligible & regular, starts, axis=2)
        eligible &= regular == np.repeat(any_regular, sizes, axis=2)
        value = np.where(eligible, ious[None, None, :], -1.0)
        best = np.maximum.reduceat(value, starts, axis=2)
        winner = eligible & (value == np.repeat(best, sizes, axis=2))
        chosen = np.maximum.reduceat(np.where(winner, gts, -1), starts, axis=2)
        out[:, :, dts[starts]] = chosen
        hit = chosen >= 0
        taken[
            np.broadcast_to(set_index, hit.shape)[hit],
            np.broadcast_to(thr_index, hit.shape)[hit],
            chosen[hit],
        ] = True
    return out


def _pieces(bounds: np.ndarray, pair_dt: np.ndarray, chunk: int) -> list[tuple[int, int]]:
    """Each round's pair range, cut into pieces of about ``chunk`` pairs at prediction edges."""
    out: list[tuple[int, int]] = []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        while hi - lo > chunk:
            cut = lo + chunk
            while cut < hi and pair_dt[cut] == pair_dt[cut - 1]:
                cut += 1
            out.append((lo, cut))
            lo = cut
        if hi > lo:
            out.append((lo, hi))
    return out
