"""Builders for widget tests: small images on disk, results, an evaluation; no network."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rf_notebook.evaluate import Evaluation, GroundTruth, ImageTruth, evaluate
from rf_notebook.results import Detection, DetectionResult, ImageInfo

Box = tuple[float, float, float, float]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a connection fails the test: widgets never call the API."""

    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"a widget tried to connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield


def det(confidence: float, cls: str, box: Box) -> Detection:
    """A prediction from corners ``(x1, y1, x2, y2)``."""
    x1, y1, x2, y2 = box
    return Detection(
        x=(x1 + x2) / 2,
        y=(y1 + y2) / 2,
        width=x2 - x1,
        height=y2 - y1,
        confidence=confidence,
        class_name=cls,
    )


def result(
    source: str | None,
    boxes: list[Detection],
    size: tuple[int, int] | None = (200, 120),
    floor: float | None = 0.3,
) -> DetectionResult:
    return DetectionResult(
        task="object-detection",
        image=None if size is None else ImageInfo(*size),
        predictions=tuple(boxes),
        received=tuple(boxes),
        source=source,
        requested_confidence=floor,
    )


def black(size: tuple[int, int] = (200, 120)) -> np.ndarray:
    return np.zeros((size[1], size[0], 3), dtype=np.uint8)


def decode(data: bytes) -> np.ndarray:
    """The RGB pixels of an ``Image`` widget's bytes."""
    assert data, "the widget shows no image"
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def near(pixels: np.ndarray, color: tuple[int, int, int], tolerance: int = 12) -> int:
    """How many pixels are within ``tolerance`` of ``color`` in every channel."""
    diff = np.abs(pixels.astype(np.int16) - np.array(color, dtype=np.int16))
    return int((diff <= tolerance).all(axis=2).sum())


def write_image(folder: Path, name: str, size: tuple[int, int] = (160, 120)) -> Path:
    path = folder / name
    rng = np.random.default_rng(len(name) + sum(map(ord, name)))
    pixels = rng.integers(40, 90, size=(size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return path


@pytest.fixture
def evaluation(tmp_path: Path) -> Evaluation:
    """Three images, classes cat and dog; at confidence 0.5 the matrix is::

        true \\ predicted   cat  dog  background
        cat                 1    0    1          (a: found; b: missed)
        dog                 1    0    0          (a: a dog predicted as cat, 0.8)
        background          0    3    0          (b: dog 0.7; c: dogs 0.6 and 0.55)

    and b has one more dog at 0.45, counted from threshold 0.45 down.
    """
    truth = [
        ImageTruth.from_boxes(
            "a.png",
            [[10, 10, 50, 50], [80, 20, 130, 70]],
            ["cat", "dog"],
            width=160,
            height=120,
            path=write_image(tmp_path, "a.png"),
        ),
        ImageTruth.from_boxes(
            "b.png",
            [[20, 20, 60, 60]],
            ["cat"],
            width=160,
            height=120,
            path=write_image(tmp_path, "b.png"),
        ),
        ImageTruth.from_boxes(
            "c.png",
            np.zeros((0, 4)),
            [],
            width=160,
            height=120,
            path=write_image(tmp_path, "c.png"),
        ),
    ]
    gt = GroundTruth.from_images(truth, classes=["cat", "dog"])
    boxes = {
        "a.png": [det(0.9, "cat", (10, 10, 50, 50)), det(0.8, "cat", (80, 20, 130, 70))],
        "b.png": [det(0.7, "dog", (100, 60, 150, 110)), det(0.45, "dog", (100, 5, 140, 40))],
        "c.png": [det(0.6, "dog", (10, 10, 40, 40)), det(0.55, "dog", (90, 60, 130, 100))],
    }
    predictions = [result(k, v, size=(160, 120), floor=None) for k, v in boxes.items()]
    ev = evaluate(predictions, gt, confidence=0.5)
    assert isinstance(ev, Evaluation)
    return ev
