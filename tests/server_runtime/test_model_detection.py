"""Object detection and instance segmentation through ``OnnxModel.infer`` on the toy models.

Expected values are worked out by hand in ``onnx_builders``' module docstring.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import cv2
import numpy as np
import pytest

from rf_notebook.server.runtime import InferenceParams, OnnxModel

WIDE = np.zeros((128, 256, 3), np.uint8)  # scale 0.5, 32 px bands above and below
SMALL = np.zeros((32, 64, 3), np.uint8)  # scale 2, 32 px bands above and below


def _boxes(body: dict[str, Any]) -> list[tuple[str, int, float, float, float, float, float]]:
    return [
        (
            p["class"],
            p["class_id"],
            round(p["confidence"], 6),
            p["x"],
            p["y"],
            p["width"],
            p["height"],
        )
        for p in body["predictions"]
    ]


CIRCLE = ("circle", 0, 0.9, 80.0, 36.0, 40.0, 40.0)
CIRCLE_2 = ("circle", 0, 0.8, 84.0, 36.0, 40.0, 40.0)
SQUARE = ("square", 1, 0.7, 84.0, 40.0, 40.0, 40.0)
TRIANGLE = ("triangle", 2, 0.35, 180.0, 96.0, 60.0, 20.0)
STAR = ("star", 3, 0.6, 200.0, 20.0, 32.0, 40.0)


def test_infer_detection_defaults_give_hand_computed_boxes(detect_model: OnnxModel) -> None:
    # when
    body = detect_model.infer(WIDE)
    # then
    assert body["image"] == {"width": 256, "height": 128}
    assert _boxes(body) == [CIRCLE, SQUARE, STAR]
    ids = [p["detection_id"] for p in body["predictions"]]
    assert len(set(ids)) == 3
    assert all(uuid.UUID(i).version == 4 for i in ids)
    assert list(body["predictions"][0]) == [
        "x",
        "y",
        "width",
        "height",
        "confidence",
        "class",
        "class_id",
        "detection_id",
    ]
    json.dumps(body, allow_nan=False)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (InferenceParams(confidence=0.35), [CIRCLE, SQUARE, STAR, TRIANGLE]),
        (InferenceParams(confidence=0.36), [CIRCLE, SQUARE, STAR]),
        (InferenceParams(confidence=0.65), [CIRCLE, SQUARE]),
        (InferenceParams(iou_threshold=0.82), [CIRCLE, CIRCLE_2, SQUARE, STAR]),
        (InferenceParams(iou_threshold=0.81), [CIRCLE, SQUARE, STAR]),
        (InferenceParams(class_agnostic_nms=True), [CIRCLE, STAR]),
        (InferenceParams(max_detections=2), [CIRCLE, SQUARE]),
        # the star in the padding band (0.5) never takes one of the max_detections places
        (InferenceParams(confidence=0.3, max_detections=4), [CIRCLE, SQUARE, STAR, TRIANGLE]),
        (InferenceParams(class_filter=["star", "square", "unicorn"]), [SQUARE, STAR]),
        (InferenceParams(class_filter=[]), []),
        (InferenceParams(confidence=0.95), []),
    ],
)
def test_infer_detection_honours_params(
    detect_model: OnnxModel, params: InferenceParams, expected: list[tuple[Any, ...]]
) -> None:
    assert _boxes(detect_model.infer(WIDE, params)) == expected


def test_infer_detection_on_small_image_scales_up(detect_model: OnnxModel) -> None:
    # 64x32 -> scale 2: circle input box x 30..50, y 40..60 -> original x 15..25, y 4..14
    body = detect_model.infer(SMALL)
    first = body["predictions"][0]
    assert (first["x"], first["y"], first["width"], first["height"]) == (20.0, 9.0, 10.0, 10.0)


def _fill(points: list[dict[str, float]], shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    polygon = np.round([[p["x"], p["y"]] for p in points]).astype(np.int32)
    cv2.fillPoly(mask, [polygon], 1)
    return mask


def test_infer_segmentation_gives_exact_polygons_when_upscaled(segment_model: OnnxModel) -> None:
    # when
    body = segment_model.infer(SMALL)
    # then the empty-mask triangle is left out, the others carry rectangles
    predictions = body["predictions"]
    assert [p["class"] for p in predictions] == ["circle", "square"]
    assert all(p["mask_format"] == "polygon" for p in predictions)
    assert [[(q["x"], q["y"]) for q in p["points"]] for p in predictions] == [
        [(12.0, 2.0), (12.0, 13.0), (23.0, 13.0), (23.0, 2.0)],
        [(40.0, 6.0), (40.0, 17.0), (55.0, 17.0), (55.0, 6.0)],
    ]
    circle = predictions[0]
    # box: input x 20..60, y 30..70 -> original x 10..30, y -1..19 clipped to 0..19
    assert (circle["x"], circle["y"], circle["width"], circle["height"]) == (20.0, 9.5, 20.0, 19.0)
    json.dumps(body, allow_nan=False)


def test_infer_segmentation_masks_match_expected_region_when_downscaled(
    segment_model: OnnxModel,
) -> None:
    # 256x128 -> scale 0.5: circle mask input x 24..48, y 36..60 -> original x 48..96, y 8..56;
    # square's larger blob input x 80..112, y 44..68 -> original x 160..224, y 24..72.
    body = segment_model.infer(WIDE)
    predictions = body["predictions"]
    assert [p["class"] for p in predictions] == ["circle", "square"]
    for prediction, (x0, x1, y0, y1) in zip(
        predictions, [(48, 96, 8, 56), (160, 224, 24, 72)], strict=True
    ):
        expected = np.zeros((128, 256), np.uint8)
        expected[y0:y1, x0:x1] = 1
        got = _fill(prediction["points"], expected.shape)
        iou = (got & expected).sum() / (got | expected).sum()
        assert iou > 0.9


def test_infer_segmentation_class_filter_and_max_detections(segment_model: OnnxModel) -> None:
    body = segment_model.infer(SMALL, InferenceParams(class_filter=["square"]))
    assert [p["class"] for p in body["predictions"]] == ["square"]
    body = segment_model.infer(SMALL, InferenceParams(max_detections=1))
    assert [p["class"] for p in body["predictions"]] == ["circle"]
