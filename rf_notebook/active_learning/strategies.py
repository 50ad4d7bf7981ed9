"""The strategies by name, and what each scorer returns.

Every scorer takes a :class:`~.context.Context` and returns a raw per-image value (0
means "nothing to see here", higher means "label me") and a function that explains one
image's value in words. Scorers live in :mod:`.uncertainty` (per-image confidence),
:mod:`.composition` (what an image holds, against the set) and :mod:`.truth`.

Example:
    >>> Strategy("near_threshold") is Strategy.NEAR_THRESHOLD
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np

__all__ = ["TOLERANCE", "Scored", "Strategy", "binary_entropy", "plural"]

#: Slack for comparing confidences with thresholds (0.35 is within 0.05 of 0.40).
TOLERANCE = 1e-9


class Strategy(str, Enum):
    """How an image earns its place in the labeling queue."""

    LEAST_CONFIDENCE = "least_confidence"
    """1 − the lowest kept box confidence (detection), 1 − the top class confidence
    (classification), or closeness of a class to 0.5 (multi-label)."""
    MARGIN = "margin"
    """1 − (top class − runner-up): the two best classes are close (classification)."""
    ENTROPY = "entropy"
    """Binary entropy of box confidences, summed (detection); entropy of the class
    distribution (classification); summed binary entropy of classes (multi-label)."""
    NEAR_THRESHOLD = "near_threshold"
    """How many confidences lie within ±ε of the operating threshold."""
    NO_DETECTIONS = "no_detections"
    """1 when nothing reaches the threshold: no boxes, or no class."""
    COUNT_OUTLIER = "count_outlier"
    """Robust z-score (median and MAD) of the number of kept boxes (detection)."""
    RARE_CLASS = "rare_class"
    """log2(most common class's image count / the rarest present class's image count)."""
    OVERLAP = "overlap"
    """How many pairs of kept boxes of different classes overlap at IoU ≥ ``overlap_iou``."""
    DISAGREEMENT = "disagreement"
    """With ground truth: confident false positives plus missed objects (or labels)."""


@dataclass(frozen=True)
class Scored:
    """One strategy's raw values and their explanation.

    Attributes:
        value: ``(n,)`` raw scores, all >= 0.
        explain: Words for image ``i``'s value; only called where ``value[i] > 0``.
    """

    value: np.ndarray
    explain: Callable[[int], str]


def plural(count: int, word: str, suffix: str = "s") -> str:
    """``"1 box"``, ``"3 boxes"``.

    Example:
        >>> plural(3, "box", "es"), plural(1, "class", "es")
        ('3 boxes', '1 class')
    """
    return f"{count} {word}{'' if count == 1 else suffix}"


def binary_entropy(p: np.ndarray) -> np.ndarray:
    """Entropy in bits of a yes/no outcome with probability ``p``.

    Example:
        >>> binary_entropy(np.array([0.5, 1.0])).round(3).tolist()
        [1.0, 0.0]
    """
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-12, 1 - 1e-12)
    h: np.ndarray = -(q * np.log2(q) + (1 - q) * np.log2(1 - q))
    return h
