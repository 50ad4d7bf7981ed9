"""Many results as parallel NumPy arrays, built once, so every score is a few array passes.

Boxes of detection results and class scores of classification results each become flat
arrays (image index, confidence, class index, and corners for boxes), sorted by image.
Per-image numbers then come from ``np.bincount`` and sorted group heads instead of a
Python loop over results.

Example:
    >>> from rf_notebook.results import Result
    >>> r = Result.from_json({"image": {"width": 10, "height": 10}, "predictions": [
    ...     {"x": 5, "y": 5, "width": 2, "height": 2, "confidence": 0.8, "class": "cat"}]})
    >>> flat = flatten([r, r])
    >>> flat.boxes.image.tolist(), flat.classes
    ([0, 1], ('cat',))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

import numpy as np
import pandas as pd

from ..results import AnyResult, ClassificationResult, DetectionResult, MultiLabelResult

__all__ = [
    "DETECTION",
    "LABELS",
    "MULTILABEL",
    "OTHER",
    "Flat",
    "Items",
    "flatten",
    "group_heads",
    "image_key",
    "kind_of",
]

#: Kinds of result, one per image in :attr:`Flat.kind`.
DETECTION, LABELS, MULTILABEL, OTHER = 0, 1, 2, 3

_BOX_FIELDS = attrgetter("x", "y", "width", "height", "confidence")
_NAME = attrgetter("class_name")
_CONFIDENCE = attrgetter("confidence")
_KINDS = {DetectionResult: 0, ClassificationResult: 1, MultiLabelResult: 2}


@dataclass(frozen=True)
class Items:
    """Boxes or class scores of many images, sorted by image.

    Attributes:
        image: ``(n,)`` index of the image each item belongs to, non-decreasing.
        confidence: ``(n,)`` confidences.
        cls: ``(n,)`` index into :attr:`Flat.classes`.
        xyxy: ``(n, 4)`` corners for boxes; ``(n, 0)`` for class scores.
    """

    image: np.ndarray
    confidence: np.ndarray
    cls: np.ndarray
    xyxy: np.ndarray

    def __len__(self) -> int:
        return len(self.image)

    def select(self, mask: np.ndarray) -> Items:
        """The items where ``mask`` is true, still sorted by image.

        Example:
            >>> kept = items.select(items.confidence >= 0.4)  # doctest: +SKIP
        """
        return Items(self.image[mask], self.confidence[mask], self.cls[mask], self.xyxy[mask])

    def count(self, n: int) -> np.ndarray:
        """Items per image, for ``n`` images.

        Example:
            >>> items.count(3).tolist()  # doctest: +SKIP
            [2, 0, 1]
        """
        counts: np.ndarray = np.bincount(self.image, minlength=n)
        return counts

    def starts(self, n: int) -> np.ndarray:
        """``(n + 1,)`` offsets: image ``i``'s items are ``starts[i]:starts[i + 1]``.

        Example:
            >>> items.starts(3).tolist()  # doctest: +SKIP
            [0, 2, 2, 3]
        """
        out: np.ndarray = np.searchsorted(self.image, np.arange(n + 1))
        return out


@dataclass(frozen=True)
class Flat:
    """A set of results, flattened.

    Attributes:
        n: Number of results (images).
        keys: A name per image: its ``source``, or ``"#<index>"`` when it has none.
        kind: ``(n,)`` int8: :data:`DETECTION`, :data:`LABELS` (single-label
            classification), :data:`MULTILABEL` or :data:`OTHER` (semantic segmentation).
        classes: Every class name seen, sorted; ``cls`` arrays index into it.
        boxes: Every box received by detection results (class filters applied).
        labels: Every class score of classification and multi-label results.
    """

    n: int
    keys: tuple[str, ...]
    kind: np.ndarray
    classes: tuple[str, ...]
    boxes: Items
    labels: Items

    def has(self, kind: int) -> bool:
        """Whether any image is of this kind.

        Example:
            >>> flat.has(DETECTION)  # doctest: +SKIP
            True
        """
        return bool((self.kind == kind).any())


def image_key(result: AnyResult, index: int) -> str:
    """The name of a result in tables: its source, else ``"#<index>"``.

    Example:
        >>> image_key(result, 3)  # doctest: +SKIP
        'images/dog.jpg'
    """
    return result.source if result.source else f"#{index}"


def kind_of(result: AnyResult) -> int:
    """The kind of a result: :data:`DETECTION`, :data:`LABELS`, :data:`MULTILABEL` or :data:`OTHER`.

    Example:
        >>> kind_of(result) == DETECTION  # doctest: +SKIP
        True
    """
    if isinstance(result, DetectionResult):
        return DETECTION
    if isinstance(result, ClassificationResult):
        return LABELS
    if isinstance(result, MultiLabelResult):
        return MULTILABEL
    return OTHER


def _visible(result: AnyResult) -> Sequence[object]:
    """What a result received, narrowed by its class filter (never by its threshold)."""
    if not isinstance(result, (DetectionResult, ClassificationResult, MultiLabelResult)):
        return ()
    received: Sequence[object] = result.received
    wanted = result.class_filter
    if wanted is not None:
        received = [p for p in result.received if p.class_name in wanted]
    return received


def flatten(results: Sequence[AnyResult]) -> Flat:
    """Flatten results into :class:`Flat` arrays, with one pass over the predictions.

    Args:
        results: Any results; semantic segmentation results contribute no items.

    Returns:
        The flattened set; classes are sorted by name so indices do not depend on order.

    Example:
        >>> flatten(batch).boxes.confidence.max()  # doctest: +SKIP
        0.97
    """
    n = len(results)
    kinds = [_KINDS.get(type(r)) for r in results]
    kinds = [kind_of(r) if k is None else k for r, k in zip(results, kinds, strict=True)]
    kind = np.array(kinds, dtype=np.int8).reshape(n)
    per_image = [
        _visible(r) if k == OTHER or r.class_filter is not None else r.received  # type: ignore[union-attr]
        for r, k in zip(results, kinds, strict=True)
    ]
    counts = np.fromiter(map(len, per_image), np.int64, n)
    is_box = kind == DETECTION
    if is_box.all():
        box_rows, label_rows = list(chain.from_iterable(per_image)), []
    else:
        flags = is_box.tolist()
        box_rows = list(chain.from_iterable(p for p, b in zip(per_image, flags, strict=True) if b))
        label_rows = list(
            chain.from_iterable(p for p, b in zip(per_image, flags, strict=True) if not b)
        )
    names = list(map(_NAME, box_rows)) + list(map(_NAME, label_rows))
    codes, uniques = pd.factorize(np.array(names, dtype=object), sort=True)
    image = np.repeat(np.arange(n, dtype=np.int64), counts)
    fields = np.fromiter(
        chain.from_iterable(map(_BOX_FIELDS, box_rows)), np.float64, 5 * len(box_rows)
    ).reshape(-1, 5)
    x, y, w, h, box_conf = fields.T
    label_conf = np.fromiter(map(_CONFIDENCE, label_rows), np.float64, len(label_rows))
    codes = np.asarray(codes, dtype=np.int64)
    return Flat(
        n=n,
        keys=tuple([r.source or f"#{i}" for i, r in enumerate(results)]),
        kind=kind,
        classes=tuple(str(c) for c in uniques),
        boxes=Items(
            image[np.repeat(is_box, counts)],
            box_conf,
            codes[: len(box_rows)],
            np.stack([x - w / 2, y - h / 2, x + w / 2, y + h / 2], axis=1),
        ),
        labels=Items(
            image[np.repeat(~is_box, counts)],
            label_conf,
            codes[len(box_rows) :],
            np.zeros((len(label_rows), 0)),
        ),
    )


def group_heads(
    values: np.ndarray, group: np.ndarray, n: int, *, largest: bool, rank: int = 0
) -> np.ndarray:
    """Per group, the index of its largest (or smallest) value, or of the next ones.

    Ties go to the earlier item, so the answer never depends on sort internals.

    Args:
        values: ``(m,)`` values.
        group: ``(m,)`` group of each value, in ``0..n-1``, non-decreasing.
        n: Number of groups.
        largest: Largest first (else smallest first).
        rank: 0 for the best, 1 for the runner-up, and so on.

    Returns:
        ``(n,)`` item indices, -1 where a group has fewer than ``rank + 1`` items.

    Example:
        >>> group_heads(np.array([0.2, 0.9, 0.5]), np.array([0, 0, 1]), 3, largest=True).tolist()
        [1, 2, -1]
    """
    out = np.full(n, -1, dtype=np.int64)
    if len(values) == 0:
        return out
    if rank == 0:  # no sort: the extreme of each run, then its first occurrence
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        reduce = np.maximum if largest else np.minimum
        best = reduce.reduceat(values, starts)
        sizes = np.diff(np.r_[starts, len(values)])
        hits = np.flatnonzero(values == np.repeat(best, sizes))
        hit_group = group[hits]
        first = np.r_[True, hit_group[1:] != hit_group[:-1]]
        out[hit_group[first]] = hits[first]
        return out
    order = np.lexsort((-values if largest else values, group))
    sorted_group = group[order]
    first_at = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    at = first_at + rank
    ok = at < len(order)
    ok[ok] = sorted_group[at[ok]] == sorted_group[first_at[ok]]
    out[sorted_group[first_at[ok]]] = order[at[ok]]
    return out
