"""The small frozen value types inside results: image size, boxes, points, class scores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "ClassScore",
    "Detection",
    "ImageInfo",
    "Keypoint",
    "Point",
    "Task",
]

Task = Literal[
    "object-detection",
    "instance-segmentation",
    "keypoint-detection",
    "classification",
    "multi-label-classification",
    "semantic-segmentation",
]


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """The size of the original image, in pixels.

    Example:
        >>> ImageInfo(640, 480).width
        640
    """

    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Point:
    """A polygon vertex in original-image pixels."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Keypoint:
    """One keypoint of a keypoint-detection prediction."""

    x: float
    y: float
    confidence: float
    class_id: int | None
    class_name: str


@dataclass(frozen=True, slots=True)
class Detection:
    """One box: object detection, instance segmentation or keypoints.

    ``x`` and ``y`` are the box *center*, as the API sends them; the corners follow
    the seed docs exactly: ``x1 = x - width / 2`` and so on.

    Example:
        >>> d = Detection(x=50, y=40, width=20, height=10, confidence=0.9, class_name="cat")
        >>> d.xyxy
        (40.0, 35.0, 60.0, 45.0)
    """

    x: float
    y: float
    width: float
    height: float
    confidence: float
    class_name: str
    class_id: int | None = None
    detection_id: str | None = None
    points: tuple[Point, ...] | None = None
    rle: Mapping[str, Any] | None = None
    keypoints: tuple[Keypoint, ...] | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def x1(self) -> float:
        """Left edge."""
        return self.x - self.width / 2

    @property
    def y1(self) -> float:
        """Top edge."""
        return self.y - self.height / 2

    @property
    def x2(self) -> float:
        """Right edge."""
        return self.x + self.width / 2

    @property
    def y2(self) -> float:
        """Bottom edge."""
        return self.y + self.height / 2

    @property
    def xyxy(self) -> tuple[float, float, float, float]:
        """Corners ``(x1, y1, x2, y2)`` as floats."""
        return (float(self.x1), float(self.y1), float(self.x2), float(self.y2))

    @property
    def area(self) -> float:
        """Box area in square pixels."""
        return float(self.width * self.height)


@dataclass(frozen=True, slots=True)
class ClassScore:
    """A class and its confidence, for classification results.

    Example:
        >>> ClassScore("ripe", 0.55, 2).class_name
        'ripe'
    """

    class_name: str
    confidence: float
    class_id: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
