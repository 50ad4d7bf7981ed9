"""The one form every kind of predictions is turned into before drawing.

Example:
    >>> import numpy as np
    >>> a = Annotations("instances", xyxy=np.array([[0.0, 0, 10, 10]]), names=("cat",),
    ...                 confidence=np.array([0.4]))
    >>> len(a.filtered(confidence=0.5)), len(a.filtered(classes="cat"))
    (0, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from ..results import Keypoint, normalize_classes, normalize_confidence

__all__ = ["Annotations", "Kind"]

Kind = Literal["instances", "classification", "multi-label", "semantic"]


def _empty_boxes() -> np.ndarray:
    return np.zeros((0, 4), dtype=np.float64)


def _empty_scores() -> np.ndarray:
    return np.zeros(0, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Annotations:
    """What to draw, whatever it came from. Per-instance fields are parallel.

    Attributes:
        kind: Which renderer draws it.
        xyxy: Box corners, ``(n, 4)`` floats.
        names: Class name of each instance (or of each score, for classification).
        confidence: Confidence of each instance; NaN when unknown (ground truth).
        polygons: Per instance, an ``(k, 2)`` polygon or ``None``.
        masks: Per instance, a boolean ``(h, w)`` mask in image coordinates, or ``None``.
        keypoints: Per instance, its keypoints or ``None``.
        scores: Classification and multi-label confidences, parallel to ``names``.
        predicted: Multi-label: whether each class counts as predicted.
        semantic: Semantic segmentation: the class id of every pixel (-1: none).
        class_map: Semantic segmentation: class id to name.
        image_size: ``(width, height)`` the coordinates refer to, when known.

    Example:
        >>> Annotations("classification", names=("ripe",), confidence=np.array([0.6])).kind
        'classification'
    """

    kind: Kind
    xyxy: np.ndarray = field(default_factory=_empty_boxes)
    names: tuple[str, ...] = ()
    confidence: np.ndarray = field(default_factory=_empty_scores)
    polygons: tuple[np.ndarray | None, ...] = ()
    masks: tuple[np.ndarray | None, ...] = ()
    keypoints: tuple[tuple[Keypoint, ...] | None, ...] = ()
    predicted: tuple[bool, ...] = ()
    semantic: np.ndarray | None = None
    semantic_confidence: np.ndarray | None = None
    class_map: Mapping[int, str] = field(default_factory=dict)
    image_size: tuple[int, int] | None = None

    def __len__(self) -> int:
        return len(self.names)

    def select(self, keep: Sequence[bool] | np.ndarray) -> Annotations:
        """Only the entries where ``keep`` is true.

        Example:
            >>> a = Annotations("classification", names=("a", "b"),
            ...                 confidence=np.array([0.1, 0.9]))
            >>> a.select([False, True]).names
            ('b',)
        """
        keep = np.asarray(keep, dtype=bool)
        pick = np.flatnonzero(keep).tolist()
        return replace(
            self,
            xyxy=self.xyxy[keep] if len(self.xyxy) else self.xyxy,
            names=tuple(self.names[i] for i in pick),
            confidence=self.confidence[keep],
            polygons=tuple(self.polygons[i] for i in pick) if self.polygons else (),
            masks=tuple(self.masks[i] for i in pick) if self.masks else (),
            keypoints=tuple(self.keypoints[i] for i in pick) if self.keypoints else (),
            predicted=tuple(self.predicted[i] for i in pick) if self.predicted else (),
        )

    def filtered(
        self, confidence: float | None = None, classes: str | Iterable[str] | None = None
    ) -> Annotations:
        """Hide entries below ``confidence`` (0–1 or 0–100) or not of ``classes``.

        Entries of unknown confidence are kept. For multi-label results a threshold
        also decides which classes count as predicted; for semantic segmentation it
        hides pixels whose confidence is lower, when the response has a confidence mask.

        Example:
            >>> a = Annotations("classification", names=("a", "b"),
            ...                 confidence=np.array([0.1, 0.9]))
            >>> a.filtered(confidence=50).names, a.filtered(classes="a").names
            (('b',), ('a',))
        """
        threshold = normalize_confidence(confidence)
        wanted = normalize_classes(classes)
        if self.kind == "semantic":
            return self._semantic_filtered(threshold, wanted)
        out = self
        if threshold is not None and self.kind == "multi-label":
            out = replace(out, predicted=tuple(bool(c >= threshold) for c in self.confidence))
            threshold = None
        keep = np.ones(len(out), dtype=bool)
        if threshold is not None:
            keep &= ~(out.confidence < threshold)  # NaN (unknown) stays
        if wanted is not None:
            keep &= np.array([n in wanted for n in out.names], dtype=bool)
        return out if keep.all() else out.select(keep)

    def _semantic_filtered(
        self, threshold: float | None, wanted: frozenset[str] | None
    ) -> Annotations:
        if self.semantic is None or (threshold is None and wanted is None):
            return self
        ids = self.semantic.copy()
        if wanted is not None:
            hidden = [i for i, n in self.class_map.items() if n not in wanted]
            ids[np.isin(ids, hidden)] = -1
        conf = self.semantic_confidence
        if threshold is not None and conf is not None and conf.shape == ids.shape:
            ids[conf < threshold] = -1
        return replace(self, semantic=ids)

    def fitted(self, width: int, height: int) -> Annotations:
        """Coordinates scaled to an image of ``width`` × ``height`` when the
        predictions were made on an image of another size (masks are resized when drawn).

        Example:
            >>> a = Annotations("instances", xyxy=np.array([[0.0, 0, 10, 10]]), names=("a",),
            ...                 confidence=np.array([1.0]), image_size=(20, 20))
            >>> a.fitted(40, 10).xyxy.tolist()
            [[0.0, 0.0, 20.0, 5.0]]
        """
        if self.image_size is None or self.image_size == (width, height):
            return self
        fx, fy = width / self.image_size[0], height / self.image_size[1]
        return replace(
            self,
            xyxy=self.xyxy * np.array([fx, fy, fx, fy]),
            polygons=tuple(None if p is None else p * np.array([fx, fy]) for p in self.polygons),
            keypoints=tuple(
                None if ks is None else tuple(replace(k, x=k.x * fx, y=k.y * fy) for k in ks)
                for ks in self.keypoints
            ),
            image_size=(width, height),
        )
