"""Scoring settings, and the per-set arrays that several strategies share, computed once.

Example:
    >>> params = ScoreParams(confidence=0.4, epsilon=0.05)
    >>> params.confidence, params.epsilon
    (0.4, 0.05)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ..config import DEFAULT_CONFIDENCE
from ..errors import ConfigError
from .flat import DETECTION, LABELS, MULTILABEL, Flat, Items, group_heads

if TYPE_CHECKING:
    from .truth import Truth

__all__ = ["Context", "ScoreParams"]


@dataclass(frozen=True)
class ScoreParams:
    """The numbers the strategies use; every field is 0–1 and has a sensible default.

    Attributes:
        confidence: The operating threshold: boxes (classes) at or above it count as
            predicted.
        epsilon: ``near_threshold`` counts confidences within ± this of ``confidence``.
        overlap_iou: ``overlap`` counts pairs of boxes of different classes with IoU at or
            above this.
        entropy_floor: ``entropy`` of detections sums over boxes at or above this, so the
            many near-zero boxes received under a low request floor do not drown the rest.
        high_confidence: ``disagreement`` counts false positives at or above this.
        match_iou: ``disagreement`` matches predictions to ground truth at this IoU.

    Example:
        >>> ScoreParams(confidence=0.5).overlap_iou
        0.5
    """

    confidence: float = DEFAULT_CONFIDENCE
    epsilon: float = 0.05
    overlap_iou: float = 0.5
    entropy_floor: float = 0.1
    high_confidence: float = 0.7
    match_iou: float = 0.5

    def __post_init__(self) -> None:
        for name in (
            "confidence",
            "epsilon",
            "overlap_iou",
            "entropy_floor",
            "high_confidence",
            "match_iou",
        ):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value <= 1
            ):
                raise ConfigError(f"{name} must be a number between 0 and 1, got {value!r}")


class Context:
    """A flattened set, its settings and ground truth, with shared arrays made on demand.

    Attributes:
        flat: The flattened results.
        params: The scoring settings.
        truth: Ground truth per image (``None`` where an image has none), or ``None``.
    """

    def __init__(self, flat: Flat, params: ScoreParams, truth: list[Truth | None] | None = None):
        self.flat = flat
        self.params = params
        self.truth = truth

    @cached_property
    def names(self) -> np.ndarray:
        """Class names as an object array, for indexing by ``cls``."""
        return np.array(self.flat.classes, dtype=object)

    @cached_property
    def kept(self) -> Items:
        """Boxes at or above the operating threshold."""
        boxes = self.flat.boxes
        return boxes.select(boxes.confidence >= self.params.confidence)

    @cached_property
    def kept_count(self) -> np.ndarray:
        """Boxes at or above the threshold, per image."""
        return self.kept.count(self.flat.n)

    @cached_property
    def top(self) -> np.ndarray:
        """Per image, the index in ``flat.labels`` of its most confident class, or -1."""
        labels = self.flat.labels
        return group_heads(labels.confidence, labels.image, self.flat.n, largest=True)

    @cached_property
    def second(self) -> np.ndarray:
        """Per image, the index in ``flat.labels`` of its runner-up class, or -1."""
        labels = self.flat.labels
        return group_heads(labels.confidence, labels.image, self.flat.n, largest=True, rank=1)

    @cached_property
    def predicted_labels(self) -> Items:
        """Class scores that count as predicted: the top class (single-label) or any class
        (multi-label) at or above the threshold."""
        labels, kind = self.flat.labels, self.flat.kind
        is_top = np.zeros(len(labels), bool)
        has_top = self.top >= 0
        is_top[self.top[has_top]] = True
        row_kind = kind[labels.image]
        passes = labels.confidence >= self.params.confidence
        chosen = passes & (((row_kind == LABELS) & is_top) | (row_kind == MULTILABEL))
        return labels.select(chosen)

    @cached_property
    def present(self) -> tuple[np.ndarray, np.ndarray]:
        """Unique ``(image, class)`` pairs of predicted classes, sorted by image then class."""
        image = np.concatenate([self.kept.image, self.predicted_labels.image])
        cls = np.concatenate([self.kept.cls, self.predicted_labels.cls])
        width = max(len(self.flat.classes), 1)
        if self.flat.n * width <= 50_000_000:  # a bitmap is faster than sorting
            seen = np.zeros((self.flat.n, width), dtype=bool)
            seen[image, cls] = True
            rows, cols = np.nonzero(seen)
            return rows.astype(np.int64), cols.astype(np.int64)
        pairs = np.unique(image * width + cls)
        return pairs // width, pairs % width

    @cached_property
    def is_detection(self) -> np.ndarray:
        """``(n,)`` bool: detection results."""
        mask: np.ndarray = self.flat.kind == DETECTION
        return mask

    @cached_property
    def _present_starts(self) -> np.ndarray:
        starts: np.ndarray = np.searchsorted(self.present[0], np.arange(self.flat.n + 1))
        return starts

    def classes_of(self, i: int) -> tuple[str, ...]:
        """The predicted class names of image ``i``, sorted.

        Example:
            >>> ctx.classes_of(0)  # doctest: +SKIP
            ('car', 'person')
        """
        starts = self._present_starts
        codes = self.present[1][starts[i] : starts[i + 1]].tolist()
        return tuple(self.flat.classes[c] for c in codes)
