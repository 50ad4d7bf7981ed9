"""Shared builders for evaluation tests: responses from corner boxes, small ground truths."""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from rf_notebook.evaluate import GroundTruth, ImageTruth, load_coco


def box(
    x1: float, y1: float, x2: float, y2: float, cls: str, conf: float, **extra: Any
) -> dict[str, Any]:
    """An API prediction (centre form) from corners."""
    return {
        "x": (x1 + x2) / 2,
        "y": (y1 + y2) / 2,
        "width": x2 - x1,
        "height": y2 - y1,
        "confidence": conf,
        "class": cls,
        **extra,
    }


def response(*predictions: dict[str, Any], size: tuple[int, int] = (100, 100)) -> dict[str, Any]:
    return {"image": {"width": size[0], "height": size[1]}, "predictions": list(predictions)}


def truth(
    key: str,
    boxes: Sequence[Sequence[float]],
    classes: Sequence[str],
    *,
    crowd: Sequence[bool] | None = None,
    size: tuple[int, int] = (100, 100),
) -> ImageTruth:
    return ImageTruth.from_boxes(key, boxes, classes, width=size[0], height=size[1], iscrowd=crowd)


def ground_truth(*images: ImageTruth, classes: Sequence[str] | None = None) -> GroundTruth:
    return GroundTruth.from_images(images, classes)


@pytest.fixture
def quiet() -> Iterator[None]:
    """Silence EvaluationWarning for tests that check ``.warnings`` instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def coco_ground_truth(coco: dict[str, Any], folder: Path | None = None) -> GroundTruth:
    folder = folder or Path(tempfile.mkdtemp())
    path = folder / "_annotations.coco.json"
    path.write_text(json.dumps(coco))
    return load_coco(path)
