"""Typed results for every response shape; the only place API JSON is parsed.

Example:
    >>> from rf_notebook.results import Result
    >>> r = Result.from_json({"image": {"width": 100, "height": 80}, "predictions": [
    ...     {"x": 50, "y": 40, "width": 20, "height": 10, "confidence": 0.9, "class": "cat"}]})
    >>> r.xyxy.tolist()
    [[40.0, 35.0, 60.0, 45.0]]
"""

from .core import (
    ClassificationResult,
    DetectionResult,
    MultiLabelResult,
    Result,
    normalize_classes,
    normalize_confidence,
)
from .parse import AnyResult
from .semantic import SemanticSegmentationResult
from .types import ClassScore, Detection, ImageInfo, Keypoint, Point, Task

__all__ = [
    "AnyResult",
    "ClassScore",
    "ClassificationResult",
    "Detection",
    "DetectionResult",
    "ImageInfo",
    "Keypoint",
    "MultiLabelResult",
    "Point",
    "Result",
    "SemanticSegmentationResult",
    "Task",
    "normalize_classes",
    "normalize_confidence",
]
