"""Builders for constructed results, and small images on disk."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from rf_notebook.results import (
    ClassificationResult,
    ClassScore,
    Detection,
    DetectionResult,
    ImageInfo,
    MultiLabelResult,
    Point,
)


def det(
    confidence: float,
    cls: str = "a",
    box: tuple[float, float, float, float] = (10, 10, 30, 30),
    points: list[tuple[float, float]] | None = None,
) -> Detection:
    """A box from corners ``(x1, y1, x2, y2)``."""
    x1, y1, x2, y2 = box
    return Detection(
        x=(x1 + x2) / 2,
        y=(y1 + y2) / 2,
        width=x2 - x1,
        height=y2 - y1,
        confidence=confidence,
        class_name=cls,
        points=None if points is None else tuple(Point(x, y) for x, y in points),
    )


def detections(
    source: str | None,
    boxes: list[Detection],
    size: tuple[int, int] | None = (100, 80),
    task: str = "object-detection",
) -> DetectionResult:
    return DetectionResult(
        task=task,  # type: ignore[arg-type]
        image=None if size is None else ImageInfo(*size),
        predictions=tuple(boxes),
        received=tuple(boxes),
        source=source,
    )


def classes(source: str, scores: dict[str, float]) -> ClassificationResult:
    received = tuple(ClassScore(n, c) for n, c in scores.items())
    top = max(scores, key=lambda n: scores[n])
    return ClassificationResult(
        task="classification",
        image=ImageInfo(10, 10),
        predictions=received,
        received=received,
        top=top,
        confidence=scores[top],
        source=source,
    )


def labels(source: str, scores: dict[str, float]) -> MultiLabelResult:
    received = tuple(ClassScore(n, c) for n, c in scores.items())
    return MultiLabelResult(
        task="multi-label-classification",
        image=ImageInfo(10, 10),
        predictions=received,
        received=received,
        predicted_classes=tuple(n for n, c in scores.items() if c >= 0.5),
        received_predicted=tuple(n for n, c in scores.items() if c >= 0.5),
        source=source,
    )


def scene(seed: int, size: tuple[int, int] = (160, 120)) -> Image.Image:
    """A photo-like image: a smooth gradient with a few random shapes."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / w + np.sin(angle) * yy / h) * 60 + rng.uniform(60, 140)
    base = np.stack([ramp + rng.uniform(-30, 30) for _ in range(3)], axis=-1)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.uniform(-0.1, 0.9) * w, rng.uniform(-0.1, 0.9) * h
        side = rng.uniform(0.1, 0.35) * w
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        draw.ellipse((x, y, x + side, y + side * rng.uniform(0.5, 1.5)), fill=colour)
    return image


def save(image: Image.Image, path: Path, quality: int = 90) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".jpg", ".jpeg"):
        image.save(path, format="JPEG", quality=quality)
    else:
        image.save(path)
    return path


def jpeg_bytes(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
