"""Per-image uncertainty: least confidence, margin, entropy, near the threshold, nothing found.

Each scorer works on the whole set at once; see :mod:`.strategies` for what they mean.

Example:
    >>> least_confidence(ctx).explain(0)  # doctest: +SKIP
    "least confident detection 'car' at 0.41"
"""

from __future__ import annotations

import numpy as np

from .context import Context
from .flat import DETECTION, LABELS, MULTILABEL, OTHER, group_heads
from .strategies import TOLERANCE, Scored, binary_entropy, plural

__all__ = ["entropy", "least_confidence", "margin", "near_threshold", "no_detections"]


def least_confidence(ctx: Context) -> Scored:
    """1 − the lowest kept box confidence; 1 − the top class; a class's closeness to 0.5.

    Example:
        >>> least_confidence(ctx).value[:2]  # doctest: +SKIP
        array([0.59, 0.  ])
    """
    flat, kept, labels = ctx.flat, ctx.kept, ctx.flat.labels
    value = np.zeros(flat.n)
    low = group_heads(kept.confidence, kept.image, flat.n, largest=False)
    has = low >= 0
    value[has] = 1 - kept.confidence[low[has]]
    single = (flat.kind == LABELS) & (ctx.top >= 0)
    value[single] = 1 - labels.confidence[ctx.top[single]]
    multi_rows = flat.kind[labels.image] == MULTILABEL
    distance = np.where(multi_rows, np.abs(labels.confidence - 0.5), np.inf)
    near = group_heads(distance, labels.image, flat.n, largest=False)
    multi = (flat.kind == MULTILABEL) & (near >= 0)
    value[multi] = 0.5 - distance[near[multi]]

    def explain(i: int) -> str:
        if flat.kind[i] == DETECTION:
            j = low[i]
            return (
                f"least confident detection {ctx.names[kept.cls[j]]!r} at {kept.confidence[j]:.2f}"
            )
        j = ctx.top[i] if flat.kind[i] == LABELS else near[i]
        name, c = ctx.names[labels.cls[j]], labels.confidence[j]
        return (
            f"top class {name!r} at only {c:.2f}"
            if flat.kind[i] == LABELS
            else (f"{name!r} at {c:.2f}, close to 0.5")
        )

    return Scored(value, explain)


def margin(ctx: Context) -> Scored:
    """1 − (top class − runner-up) for classification; 0 for detection.

    Example:
        >>> margin(ctx).explain(0)  # doctest: +SKIP
        "top two classes close: 'ripe' 0.48, 'unripe' 0.45"
    """
    flat, labels = ctx.flat, ctx.flat.labels
    value = np.zeros(flat.n)
    has = (flat.kind != DETECTION) & (ctx.top >= 0)
    first = np.zeros(flat.n)
    second = np.zeros(flat.n)
    first[has] = labels.confidence[ctx.top[has]]
    runner = has & (ctx.second >= 0)
    second[runner] = labels.confidence[ctx.second[runner]]
    value[has] = np.clip(1 - (first[has] - second[has]), 0, 1)

    def explain(i: int) -> str:
        a = ctx.names[labels.cls[ctx.top[i]]]
        if ctx.second[i] < 0:
            return f"only class {a!r} at {first[i]:.2f}"
        b = ctx.names[labels.cls[ctx.second[i]]]
        return f"top two classes close: {a!r} {first[i]:.2f}, {b!r} {second[i]:.2f}"

    return Scored(value, explain)


def entropy(ctx: Context) -> Scored:
    """Summed binary entropy of box confidences, or the class distribution's entropy, in bits.

    Example:
        >>> entropy(ctx).value.round(2)[:2]  # doctest: +SKIP
        array([2.4, 0. ])
    """
    flat, boxes, labels, p = ctx.flat, ctx.flat.boxes, ctx.flat.labels, ctx.params
    counted = boxes.confidence >= p.entropy_floor
    box_h = np.bincount(
        boxes.image[counted], weights=binary_entropy(boxes.confidence[counted]), minlength=flat.n
    )
    box_n = np.bincount(boxes.image[counted], minlength=flat.n)
    single_rows = flat.kind[labels.image] == LABELS
    totals = np.bincount(labels.image, weights=labels.confidence, minlength=flat.n)
    share = labels.confidence / np.where(totals[labels.image] > 0, totals[labels.image], 1.0)
    share = np.clip(share, 1e-12, 1.0)
    per_row = np.where(single_rows, -share * np.log2(share), binary_entropy(labels.confidence))
    label_h = np.bincount(labels.image, weights=per_row, minlength=flat.n)
    value = np.where(flat.kind == DETECTION, box_h, label_h)
    value = np.clip(value, 0, None)

    def explain(i: int) -> str:
        if flat.kind[i] == DETECTION:
            boxes_text = plural(int(box_n[i]), "box", "es")
            return f"{value[i]:.2f} bits of uncertainty over {boxes_text} ≥ {p.entropy_floor:.2f}"
        if flat.kind[i] == LABELS:
            return f"class distribution entropy {value[i]:.2f} bits"
        return f"{value[i]:.2f} bits of uncertainty over the labels"

    return Scored(value, explain)


def near_threshold(ctx: Context) -> Scored:
    """How many confidences lie within ±ε of the operating threshold.

    Example:
        >>> near_threshold(ctx).explain(0)  # doctest: +SKIP
        '3 boxes within 0.05 of the 0.40 threshold'
    """
    flat, p = ctx.flat, ctx.params
    box_rows = np.abs(flat.boxes.confidence - p.confidence) <= p.epsilon + TOLERANCE
    label_rows = np.abs(flat.labels.confidence - p.confidence) <= p.epsilon + TOLERANCE
    value = np.bincount(flat.boxes.image[box_rows], minlength=flat.n) + np.bincount(
        flat.labels.image[label_rows], minlength=flat.n
    )

    def explain(i: int) -> str:
        count = int(value[i])
        what = (
            plural(count, "box", "es")
            if flat.kind[i] == DETECTION
            else plural(count, "class", "es")
        )
        return f"{what} within {p.epsilon:.2f} of the {p.confidence:.2f} threshold"

    return Scored(value.astype(np.float64), explain)


def no_detections(ctx: Context) -> Scored:
    """1 where nothing reaches the threshold (no box, or no class).

    Example:
        >>> no_detections(ctx).explain(1)  # doctest: +SKIP
        'no detections'
    """
    flat, boxes, labels, t = ctx.flat, ctx.flat.boxes, ctx.flat.labels, ctx.params.confidence
    best_box = group_heads(boxes.confidence, boxes.image, flat.n, largest=True)
    predicted = np.bincount(ctx.predicted_labels.image, minlength=flat.n)
    is_det = flat.kind == DETECTION
    empty = np.where(is_det, ctx.kept_count == 0, (predicted == 0) & (flat.kind != OTHER))

    def explain(i: int) -> str:
        if is_det[i]:
            j = best_box[i]
            if j < 0:
                return "no detections"
            return f"no detections at or above {t:.2f} (best {boxes.confidence[j]:.2f})"
        j = ctx.top[i]
        if j < 0:
            return "no class predicted"
        name = ctx.names[labels.cls[j]]
        return f"no class at or above {t:.2f} (best {name!r} {labels.confidence[j]:.2f})"

    return Scored(empty.astype(np.float64), explain)
