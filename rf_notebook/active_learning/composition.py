"""What an image holds, against the rest of the set: counts, rare classes, overlaps.

Example:
    >>> rare_class(ctx).explain(4)  # doctest: +SKIP
    "rare class 'dog' (in 2 of 500 images)"
"""

from __future__ import annotations

import numpy as np

from .context import Context
from .flat import DETECTION, group_heads
from .strategies import TOLERANCE, Scored, plural

__all__ = ["MAX_OVERLAP_BOXES", "count_outlier", "overlap", "rare_class"]

#: Boxes per image that ``overlap`` compares (the most confident ones).
MAX_OVERLAP_BOXES = 300


def count_outlier(ctx: Context) -> Scored:
    """Robust z-score of the number of kept boxes: ``|n − median| / (1.4826 · MAD)``.

    When more than half the images share one count (MAD = 0), the mean absolute
    deviation (× 1.2533) stands in; when every count is equal, all scores are 0.

    Example:
        >>> count_outlier(ctx).explain(3)  # doctest: +SKIP
        '9 detections, unusual for this set (median 2, robust z 4.7)'
    """
    flat, counts = ctx.flat, ctx.kept_count.astype(np.float64)
    is_det = flat.kind == DETECTION
    value = np.zeros(flat.n)
    median = 0.0
    if is_det.any():
        sample = counts[is_det]
        median = float(np.median(sample))
        deviation = np.abs(sample - median)
        scale = 1.4826 * float(np.median(deviation))
        if scale == 0:
            scale = 1.2533 * float(deviation.mean())
        if scale > 0:
            value[is_det] = deviation / scale

    def explain(i: int) -> str:
        return (
            f"{plural(int(counts[i]), 'detection')}, unusual for this set (median {median:g}, "
            f"robust z {value[i]:.1f})"
        )

    return Scored(value, explain)


def rare_class(ctx: Context) -> Scored:
    """``log2(images with the most common class / images with the image's rarest class)``.

    Example:
        >>> rare_class(ctx).explain(2)  # doctest: +SKIP
        "rare class 'b' (in 1 of 4 images)"
    """
    flat = ctx.flat
    image, cls = ctx.present
    images_with = np.bincount(cls, minlength=len(flat.classes))
    value = np.zeros(flat.n)
    rarest = np.full(flat.n, -1, dtype=np.int64)
    if len(image):
        info = np.log2(images_with.max() / images_with[cls])
        head = group_heads(info, image, flat.n, largest=True)
        has = head >= 0
        value[has] = info[head[has]]
        rarest[has] = cls[head[has]]

    def explain(i: int) -> str:
        c = rarest[i]
        return f"rare class {flat.classes[c]!r} (in {images_with[c]} of {flat.n} images)"

    return Scored(value, explain)


def _pairs(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Every within-image pair ``(left, right)``, ``left < right``, of kept boxes."""
    kept, n = ctx.kept, ctx.flat.n
    order = np.lexsort((-kept.confidence, kept.image))
    starts = kept.starts(n)
    rank = np.empty(len(kept), dtype=np.int64)
    rank[order] = np.arange(len(kept)) - starts[kept.image[order]]
    boxes = np.flatnonzero(rank < MAX_OVERLAP_BOXES)
    image = kept.image[boxes]
    per_box = np.bincount(image, minlength=n)[image]
    left = np.repeat(boxes, per_box)
    first_of_image = np.searchsorted(image, image)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(per_box) - per_box, per_box)
    right = boxes[np.repeat(first_of_image, per_box) + offset]
    keep = right > left
    return left[keep], right[keep]


def overlap(ctx: Context) -> Scored:
    """How many pairs of kept boxes of different classes overlap at IoU ≥ ``overlap_iou``.

    Example:
        >>> overlap(ctx).explain(2)  # doctest: +SKIP
        "1 overlapping pair of boxes of different classes ('a'/'b', IoU 0.82)"
    """
    kept, n = ctx.kept, ctx.flat.n
    left, right = _pairs(ctx)
    different = kept.cls[left] != kept.cls[right]
    left, right = left[different], right[different]
    a, b = kept.xyxy[left], kept.xyxy[right]
    width = (np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0])).clip(0)
    height = (np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1])).clip(0)
    inter = width * height
    area_a = (a[:, 2] - a[:, 0]).clip(0) * (a[:, 3] - a[:, 1]).clip(0)
    area_b = (b[:, 2] - b[:, 0]).clip(0) * (b[:, 3] - b[:, 1]).clip(0)
    union = area_a + area_b - inter
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    hit = iou >= ctx.params.overlap_iou - TOLERANCE
    hit_image = kept.image[left[hit]]
    value = np.bincount(hit_image, minlength=n).astype(np.float64)
    best = group_heads(iou[hit], hit_image, n, largest=True)
    hit_left, hit_right, hit_iou = left[hit], right[hit], iou[hit]

    def explain(i: int) -> str:
        j = best[i]
        pair = f"{ctx.names[kept.cls[hit_left[j]]]!r}/{ctx.names[kept.cls[hit_right[j]]]!r}"
        count = plural(int(value[i]), "overlapping pair")
        return f"{count} of boxes of different classes ({pair}, IoU {hit_iou[j]:.2f})"

    return Scored(value, explain)
