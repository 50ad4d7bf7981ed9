"""Typed, frozen results for every response shape of the hosted API and inference servers.

A result keeps everything the server sent (``received``) and shows the predictions that
pass its client-side filters (``predictions``). Filtering never calls the API again:
``result.filter(confidence=0.6)`` re-thresholds what was received, down to the
confidence the server was asked for (``requested_confidence``).
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ..errors import ConfigError
from .types import ClassScore, Detection, ImageInfo, Task

if TYPE_CHECKING:
    from .parse import AnyResult

__all__ = [
    "ClassificationResult",
    "DetectionResult",
    "MultiLabelResult",
    "Result",
    "normalize_classes",
    "normalize_confidence",
]

R = TypeVar("R", bound="Result")


def normalize_confidence(value: float | None, name: str = "confidence") -> float | None:
    """Read a 0–1 threshold; values above 1 are percentages, as on the hosted API.

    ``1`` means 100 %: the one value where the hosted API (which reads 1 as 1 %) and a
    0–1 reading disagree, settled the way a 0–1 API reads it. It is sent as ``100``.

    Example:
        >>> normalize_confidence(40), normalize_confidence(0.4), normalize_confidence(1)
        (0.4, 0.4, 1.0)
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ConfigError(f"{name} must be a number between 0 and 1 (or 0–100), got {value!r}")
    if value < 0 or value > 100:
        raise ConfigError(f"{name} must be between 0 and 1 (or 0–100 as a percentage), got {value}")
    return float(value) / 100 if value > 1 else float(value)


def normalize_classes(classes: str | Iterable[str] | None) -> frozenset[str] | None:
    """Read a class filter: a list of names or one comma-separated string.

    Example:
        >>> sorted(normalize_classes("cat, dog"))
        ['cat', 'dog']
    """
    if classes is None:
        return None
    names = classes.split(",") if isinstance(classes, str) else list(classes)
    return frozenset(str(n).strip() for n in names if str(n).strip())


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Result:
    """What every result has: the task, the image size, and where it came from.

    Attributes:
        task: The prediction task, like ``"object-detection"``.
        image: The original image size, or ``None`` when the response did not say.
        time: Server-side inference time in seconds.
        inference_id: The server's id for this request.
        model_id: ``project/version`` of the model that answered.
        source: The input's name: a path, a URL, or a name given for in-memory images.
        raw: The top-level response document exactly as received.
        threshold: The client-side confidence threshold now applied, if any.
        class_filter: The client-side class filter now applied, if any.
        requested_confidence: The confidence the server was asked for (the floor).
    """

    task: Task
    image: ImageInfo | None
    time: float | None = None
    inference_id: str | None = None
    model_id: str | None = None
    source: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)
    threshold: float | None = None
    class_filter: frozenset[str] | None = None
    requested_confidence: float | None = None

    @staticmethod
    def from_json(
        doc: Mapping[str, Any],
        *,
        task: Task | None = None,
        model_id: str | None = None,
        source: str | None = None,
    ) -> AnyResult:
        """Parse an API response (or a ``roboflow`` ``PredictionGroup.json()``) into a result.

        The task is read from the shape unless given. Extra keys are kept and ignored;
        a malformed document raises :class:`~rf_notebook.errors.SchemaError` naming the
        offending path, like ``predictions[2].width``.

        Example:
            >>> r = Result.from_json({"image": {"width": 4, "height": 4}, "predictions": []})
            >>> r.task, len(r.predictions)
            ('object-detection', 0)
        """
        from .parse import parse_result

        return parse_result(doc, task=task, model_id=model_id, source=source)

    def json(self) -> dict[str, Any]:
        """The response as received, with only the visible predictions.

        With no client-side filter, ``Result.from_json(doc).json() == doc``.
        """
        return copy.deepcopy(dict(self.raw))

    def filter(
        self: R,
        confidence: float | None = None,
        classes: str | Iterable[str] | None = None,
    ) -> R:
        """A new result showing only predictions at ``confidence`` or above, of ``classes``.

        Thresholds apply to everything received, so a later call may lower the threshold
        again, down to ``requested_confidence``. ``None`` keeps the current setting.

        Example:
            >>> sure = result.filter(confidence=0.8, classes=["cat"])  # doctest: +SKIP
        """
        threshold = normalize_confidence(confidence) if confidence is not None else self.threshold
        wanted = normalize_classes(classes) if classes is not None else self.class_filter
        if (
            threshold is not None
            and self.requested_confidence is not None
            and threshold < self.requested_confidence - 1e-12
        ):
            warnings.warn(
                f"confidence {threshold:.2f} is below the {self.requested_confidence:.2f} the "
                "server was asked for; predictions under that were never received. Predict "
                "again with a lower floor to see them.",
                stacklevel=2,
            )
        return self._refiltered(threshold, wanted)

    def _refiltered(
        self: R, threshold: float | None, wanted: frozenset[str] | None, **changes: Any
    ) -> R:
        """A copy shown at ``threshold`` and ``wanted``; ``changes`` go into the same copy."""
        return replace(self, threshold=threshold, class_filter=wanted, **changes)

    def _header(self) -> str:
        size = f"{self.image.width}×{self.image.height}" if self.image else "size unknown"
        parts = [self.task, size]
        if self.source:
            parts.append(f"source={self.source!r}")
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._header()})"


def _passes(
    confidence: float, name: str, threshold: float | None, wanted: frozenset[str] | None
) -> bool:
    return (threshold is None or confidence >= threshold) and (wanted is None or name in wanted)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DetectionResult(Result):
    """Boxes: object detection, instance segmentation (``points``/``rle``) or keypoints.

    Example:
        >>> r = Result.from_json(response)  # doctest: +SKIP
        >>> r.xyxy.shape, r.filter(confidence=0.5).class_names  # doctest: +SKIP
    """

    predictions: tuple[Detection, ...] = ()
    received: tuple[Detection, ...] = ()
    overlap: float | None = None

    def _refiltered(
        self, threshold: float | None, wanted: frozenset[str] | None, **changes: Any
    ) -> DetectionResult:
        visible = tuple(
            p for p in self.received if _passes(p.confidence, p.class_name, threshold, wanted)
        )
        return replace(
            self, threshold=threshold, class_filter=wanted, predictions=visible, **changes
        )

    def with_overlap(self, iou: float) -> DetectionResult:
        """Class-aware non-maximum suppression on the client, at IoU ``iou`` (0–1 or 0–100).

        Boxes of the same class overlapping a more confident one by more than ``iou``
        are dropped; boxes of different classes never suppress each other.

        Example:
            >>> fewer = result.with_overlap(0.3)  # doctest: +SKIP
        """
        from .convert import nms_keep

        threshold = normalize_confidence(iou, "overlap")
        assert threshold is not None
        keep = nms_keep(self.received, threshold)
        kept = tuple(p for p, k in zip(self.received, keep, strict=True) if k)
        narrowed = replace(self, received=kept, overlap=threshold)
        return narrowed._refiltered(self.threshold, self.class_filter)

    @property
    def xyxy(self) -> np.ndarray:
        """Visible boxes as an ``(n, 4)`` float array of corners."""
        if not self.predictions:
            return np.zeros((0, 4), dtype=np.float64)
        return np.array([p.xyxy for p in self.predictions], dtype=np.float64)

    @property
    def confidence(self) -> np.ndarray:
        """Visible confidences as an ``(n,)`` float array."""
        return np.array([p.confidence for p in self.predictions], dtype=np.float64)

    @property
    def class_names(self) -> list[str]:
        """Visible class names, in prediction order."""
        return [p.class_name for p in self.predictions]

    def to_supervision(self) -> Any:
        """The visible predictions as ``supervision.Detections``.

        Masks are rasterised from polygons (or decoded from RLE) at the image size;
        class names are in ``detections.data["class_name"]``.

        Example:
            >>> dets = result.to_supervision()  # doctest: +SKIP
            >>> dets[dets.confidence > 0.5]  # doctest: +SKIP
        """
        from .convert import to_supervision

        return to_supervision(self)

    def json(self) -> dict[str, Any]:
        out = copy.deepcopy(dict(self.raw))
        out["predictions"] = [_prediction_json(p) for p in self.predictions]
        return out

    def __len__(self) -> int:
        return len(self.predictions)

    def __repr__(self) -> str:
        shown = f"{len(self.predictions)} predictions"
        if self.threshold is not None:
            shown += f" ≥ {self.threshold:.2f}"
        return f"{type(self).__name__}({self._header()}, {shown})"


def _prediction_json(p: Detection | ClassScore) -> dict[str, Any]:
    if p.raw:
        return copy.deepcopy(dict(p.raw))
    if isinstance(p, ClassScore):
        out: dict[str, Any] = {"class": p.class_name, "confidence": p.confidence}
        if p.class_id is not None:
            out["class_id"] = p.class_id
        return out
    out = {"x": p.x, "y": p.y, "width": p.width, "height": p.height}
    out.update({"confidence": p.confidence, "class": p.class_name})
    if p.class_id is not None:
        out["class_id"] = p.class_id
    if p.detection_id is not None:
        out["detection_id"] = p.detection_id
    if p.points is not None:
        out["points"] = [{"x": v.x, "y": v.y} for v in p.points]
    return out


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class ClassificationResult(Result):
    """Single-label classification: classes by confidence, and the top one.

    Example:
        >>> r.top, r.confidence  # doctest: +SKIP
        ('ripe', 0.5521)
    """

    predictions: tuple[ClassScore, ...] = ()
    received: tuple[ClassScore, ...] = ()
    top: str = ""
    confidence: float = 0.0

    def _refiltered(
        self, threshold: float | None, wanted: frozenset[str] | None, **changes: Any
    ) -> ClassificationResult:
        visible = tuple(
            c for c in self.received if _passes(c.confidence, c.class_name, threshold, wanted)
        )
        if threshold is None and wanted is None:
            top, confidence = self.raw.get("top", self.top), self.raw.get("confidence", 0.0)
            top, confidence = _best(self.received) if top is None else (str(top), confidence)
        else:
            top, confidence = _best(visible)
        return replace(
            self,
            threshold=threshold,
            class_filter=wanted,
            predictions=visible,
            top=top,
            confidence=float(confidence),
            **changes,
        )

    def json(self) -> dict[str, Any]:
        out = copy.deepcopy(dict(self.raw))
        out["predictions"] = [_prediction_json(c) for c in self.predictions]
        if "top" in self.raw or self.threshold is not None or self.class_filter is not None:
            out["top"], out["confidence"] = self.top, self.confidence
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._header()}, top={self.top!r} {self.confidence:.2f})"


def _best(scores: tuple[ClassScore, ...]) -> tuple[str, float]:
    if not scores:
        return "", 0.0
    best = max(scores, key=lambda c: c.confidence)
    return best.class_name, best.confidence


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class MultiLabelResult(Result):
    """Multi-label classification: a confidence for every class, and those predicted.

    Example:
        >>> r.predicted_classes  # doctest: +SKIP
        ('cat',)
    """

    predictions: tuple[ClassScore, ...] = ()
    received: tuple[ClassScore, ...] = ()
    predicted_classes: tuple[str, ...] = ()
    received_predicted: tuple[str, ...] = ()

    def _refiltered(
        self, threshold: float | None, wanted: frozenset[str] | None, **changes: Any
    ) -> MultiLabelResult:
        shown = tuple(c for c in self.received if wanted is None or c.class_name in wanted)
        if threshold is None:
            predicted = tuple(n for n in self.received_predicted if wanted is None or n in wanted)
        else:
            predicted = tuple(c.class_name for c in shown if c.confidence >= threshold)
        return replace(
            self,
            threshold=threshold,
            class_filter=wanted,
            predictions=shown,
            predicted_classes=predicted,
            **changes,
        )

    def json(self) -> dict[str, Any]:
        out = copy.deepcopy(dict(self.raw))
        out["predictions"] = {
            c.class_name: {k: v for k, v in _prediction_json(c).items() if k != "class"}
            for c in self.predictions
        }
        out["predicted_classes"] = list(self.predicted_classes)
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._header()}, predicted={list(self.predicted_classes)})"
