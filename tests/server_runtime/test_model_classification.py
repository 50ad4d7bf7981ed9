"""Classification (single- and multi-label) and semantic segmentation through ``infer``."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from rf_notebook.server.runtime import InferenceParams, OnnxModel

from .onnx_builders import write_model_folder

IMAGE = np.zeros((32, 64, 3), np.uint8)


@pytest.mark.parametrize(
    ("confidence", "predictions", "top", "best"),
    [
        (0.4, [("square", 1, 0.6)], "square", 0.6),
        (0.25, [("square", 1, 0.6), ("triangle", 2, 0.3)], "square", 0.6),
        (
            0.0,
            [("square", 1, 0.6), ("triangle", 2, 0.3), ("circle", 0, 0.05), ("star", 3, 0.05)],
            "square",
            0.6,
        ),
        (float(np.float32(0.3)), [("square", 1, 0.6), ("triangle", 2, 0.3)], "square", 0.6),
        (0.61, [], "", 0.0),
    ],
)
def test_infer_single_label_shape(
    classify_model: OnnxModel,
    confidence: float,
    predictions: list[tuple[str, int, float]],
    top: str,
    best: float,
) -> None:
    # when
    body = classify_model.infer(IMAGE, InferenceParams(confidence=confidence))
    # then
    assert body == {
        "image": {"width": 64, "height": 32},
        "predictions": [{"class": c, "class_id": i, "confidence": v} for c, i, v in predictions],
        "top": top,
        "confidence": best,
    }


@pytest.mark.parametrize(
    ("confidence", "predicted"),
    [
        (0.4, ["circle", "triangle", "star"]),  # star's 0.4 passes: the threshold is inclusive
        (0.5, ["circle", "triangle"]),
        (0.95, []),
    ],
)
def test_infer_multi_label_shape(
    multilabel_model: OnnxModel, confidence: float, predicted: list[str]
) -> None:
    body = multilabel_model.infer(IMAGE, InferenceParams(confidence=confidence))
    assert set(body) == {"image", "predictions", "predicted_classes"}
    assert body["predicted_classes"] == predicted
    assert list(body["predictions"]) == ["circle", "square", "triangle", "star"]
    got = {k: (v["class_id"], round(v["confidence"], 6)) for k, v in body["predictions"].items()}
    assert got == {"circle": (0, 0.9), "square": (1, 0.1), "triangle": (2, 0.55), "star": (3, 0.4)}


def test_infer_classification_from_logits_applies_softmax(tmp_path: Path) -> None:
    # logits 0, ln 12, ln 6, 0 -> softmax 1/20, 12/20, 6/20, 1/20
    logits = np.array([[0.0, math.log(12.0), math.log(6.0), 0.0]], np.float32)
    folder = write_model_folder(
        tmp_path,
        "logits/1",
        task="classification",
        outputs={"output0": logits},
        extra_metadata={"scores": "logits"},
    )
    body = OnnxModel.from_folder(folder, threads=1).infer(IMAGE, InferenceParams(confidence=0.2))
    assert body["predictions"] == [
        {"class": "square", "class_id": 1, "confidence": 0.6},
        {"class": "triangle", "class_id": 2, "confidence": 0.3},
    ]


def test_infer_multi_label_from_logits_applies_sigmoid(tmp_path: Path) -> None:
    logits = np.array([[math.log(3.0), 0.0, -math.log(3.0), 0.0]], np.float32)  # .75 .5 .25 .5
    folder = write_model_folder(
        tmp_path,
        "ml-logits/1",
        task="classification",
        multilabel=True,
        outputs={"output0": logits},
        extra_metadata={"scores": "logits"},
    )
    body = OnnxModel.from_folder(folder, threads=1).infer(IMAGE, InferenceParams(confidence=0.5))
    assert body["predicted_classes"] == ["circle", "square", "star"]
    assert body["predictions"]["circle"]["confidence"] == pytest.approx(0.75, abs=1e-7)


def _png(text: str) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(base64.b64decode(text), np.uint8), cv2.IMREAD_UNCHANGED)


def test_infer_semantic_segmentation_both_shapes(semantic_model: OnnxModel) -> None:
    # when
    body: dict[str, Any] = semantic_model.infer(IMAGE)
    # then
    class_map = {"0": "background", "1": "road", "2": "car"}
    assert body["image"] == {"width": 64, "height": 32}
    assert body["class_map"] == class_map
    nested = body["predictions"]
    assert nested["class_map"] == class_map
    assert nested["present_class_ids"] == [0, 1, 2]
    assert nested["segmentation_mask"] == body["segmentation_mask"]
    mask = _png(body["segmentation_mask"])
    expected = np.zeros((32, 64), np.uint8)
    expected[:, :32] = 1
    expected[16:, 32:] = 2
    assert mask.dtype == np.uint8
    np.testing.assert_array_equal(mask, expected)
    confidence = _png(nested["confidence_mask"])
    assert confidence.shape == (32, 64)
    strong = round(255 * math.exp(5) / (math.exp(5) + 2))  # softmax of (0, 5, 0)
    assert (confidence[4, 4], confidence[28, 60], confidence[4, 60]) == (strong, strong, 85)
    json.dumps(body, allow_nan=False)
