"""Per-request inference parameters, validated once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from numbers import Real

from rf_notebook.server.runtime.errors import InvalidParamsError

__all__ = ["InferenceParams"]


@dataclass(frozen=True)
class InferenceParams:
    """What one request asks of a model; defaults are the hosted server's.

    Scales are 0-1. Turning the legacy route's 0-100 values (``confidence=40``) into 0-1 and
    flooring at 0.01 is the server's job, before building this object.

    Attributes:
        confidence: Inclusive threshold on the confidence (detections, classes, multi-label).
        iou_threshold: NMS overlap threshold (the legacy ``overlap``); a box overlapping a better
            box of the same class by more than this is dropped.
        max_detections: Most boxes returned.
        max_candidates: Most boxes that enter NMS (highest scores first).
        class_filter: Class names to keep (detection tasks); ``None`` keeps all. Names the model
            does not know simply match nothing.
        class_agnostic_nms: Suppress overlapping boxes across classes too.

    Example:
        >>> InferenceParams(confidence=0.5, class_filter=["dog"]).class_filter
        ('dog',)
    """

    confidence: float = 0.4
    iou_threshold: float = 0.3
    max_detections: int = 300
    max_candidates: int = 3000
    class_filter: tuple[str, ...] | None = None
    class_agnostic_nms: bool = False

    def __init__(
        self,
        confidence: float = 0.4,
        iou_threshold: float = 0.3,
        max_detections: int = 300,
        max_candidates: int = 3000,
        class_filter: Iterable[str] | None = None,
        class_agnostic_nms: bool = False,
    ) -> None:
        _check_fraction("confidence", confidence)
        _check_fraction("iou_threshold", iou_threshold)
        _check_count("max_detections", max_detections)
        _check_count("max_candidates", max_candidates)
        names: tuple[str, ...] | None = None
        if class_filter is not None:
            if isinstance(class_filter, str):
                raise InvalidParamsError(
                    "class_filter must be a list of class names, not one string; "
                    'split "a,b" on commas first.'
                )
            names = tuple(class_filter)
            if not all(isinstance(name, str) for name in names):
                raise InvalidParamsError(f"class_filter must hold strings, got {names!r}.")
        object.__setattr__(self, "confidence", float(confidence))
        object.__setattr__(self, "iou_threshold", float(iou_threshold))
        object.__setattr__(self, "max_detections", int(max_detections))
        object.__setattr__(self, "max_candidates", int(max_candidates))
        object.__setattr__(self, "class_filter", names)
        object.__setattr__(self, "class_agnostic_nms", bool(class_agnostic_nms))


def _check_fraction(name: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not 0.0 <= float(value) <= 1.0  # also refuses NaN
    ):
        raise InvalidParamsError(f"{name} must be a number between 0 and 1, got {value!r}.")


def _check_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParamsError(f"{name} must be a positive integer, got {value!r}.")
