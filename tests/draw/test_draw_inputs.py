"""Every accepted kind of predictions draws the same thing; filters; bad inputs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rf_notebook.draw import draw_boxes
from rf_notebook.errors import ConfigError, ImageError, SchemaError
from rf_notebook.results import DetectionResult, Result
from tests.draw.helpers import blank, box, changed

PREDICTIONS = [
    box(40, 30, 30, 20, "cat", confidence=0.91, class_id=0),
    box(120, 80, 50, 40, "dog", confidence=0.35, class_id=1),
    box(150, 20, 20, 30, "cat", confidence=0.62, class_id=0),
]
RESPONSE: dict[str, Any] = {
    "inference_id": "x",
    "time": 0.01,
    "image": {"width": 200, "height": 120},
    "predictions": PREDICTIONS,
}
PREDICTION_GROUP: dict[str, Any] = {  # the roboflow package's PredictionGroup.json()
    "predictions": [
        {**p, "image_path": "photo.jpg", "prediction_type": "ObjectDetectionModel"}
        for p in PREDICTIONS
    ],
    "image": {"width": "200", "height": "120"},
}


def _kinds() -> dict[str, Any]:
    result = Result.from_json(RESPONSE)
    assert isinstance(result, DetectionResult)
    return {
        "result": result,
        "raw dict": copy.deepcopy(RESPONSE),
        "PredictionGroup.json()": copy.deepcopy(PREDICTION_GROUP),
        "list of dicts": copy.deepcopy(PREDICTIONS),
        "list of Detection": list(result.predictions),
        "supervision.Detections": result.to_supervision(),
    }


@pytest.mark.parametrize("labels", [False, True])
def test_every_kind_draws_the_same_boxes(labels: bool) -> None:
    image = blank(200, 120, 30)
    drawn = {
        name: np.asarray(draw_boxes(image, kind, labels=labels)) for name, kind in _kinds().items()
    }
    reference = drawn.pop("result")
    assert changed(image, reference).sum() > 200
    for name, pixels in drawn.items():
        assert np.array_equal(pixels, reference), name


def test_ground_truth_without_confidence_draws_the_same_boxes() -> None:
    image = blank(200, 120)
    truth = [{k: v for k, v in p.items() if k != "confidence"} for p in PREDICTIONS]
    plain = np.asarray(draw_boxes(image, truth, labels=False))
    assert np.array_equal(plain, np.asarray(draw_boxes(image, RESPONSE, labels=False)))
    # Labels show no confidence: the same as a result drawn without confidences.
    assert np.array_equal(
        np.asarray(draw_boxes(image, truth)),
        np.asarray(draw_boxes(image, RESPONSE, show_confidence=False)),
    )
    # Unknown confidence is never filtered out.
    assert np.array_equal(
        np.asarray(draw_boxes(image, truth, confidence=0.99)), np.asarray(draw_boxes(image, truth))
    )


def test_supervision_detections_without_names_use_class_ids() -> None:
    import supervision as sv

    detections = sv.Detections(
        xyxy=np.array([[10.0, 10, 40, 30]]), class_id=np.array([3]), confidence=np.array([0.5])
    )
    image = blank(60, 50)
    named = [box(25, 20, 30, 20, "3", confidence=0.5)]
    assert np.array_equal(
        np.asarray(draw_boxes(image, detections)), np.asarray(draw_boxes(image, named))
    )


def test_confidence_filter_takes_fractions_and_percentages() -> None:
    image = blank(200, 120)
    only_sure = np.asarray(draw_boxes(image, [PREDICTIONS[0], PREDICTIONS[2]]))
    for threshold in (0.5, 50):
        assert np.array_equal(
            np.asarray(draw_boxes(image, RESPONSE, confidence=threshold)), only_sure
        )


def test_class_filter_takes_a_list_or_a_comma_string() -> None:
    image = blank(200, 120)
    dogs = np.asarray(draw_boxes(image, [PREDICTIONS[1]]))
    for classes in (["dog"], "dog", " dog , bird"):
        assert np.array_equal(np.asarray(draw_boxes(image, RESPONSE, classes=classes)), dogs)


def test_a_filtered_result_draws_only_what_it_shows() -> None:
    image = blank(200, 120)
    result = Result.from_json(RESPONSE).filter(confidence=0.5)
    assert np.array_equal(
        np.asarray(draw_boxes(image, result)),
        np.asarray(draw_boxes(image, RESPONSE, confidence=0.5)),
    )


def test_predictions_for_another_size_are_scaled_to_the_image() -> None:
    image = blank(100, 60)
    doc = {"image": {"width": 200, "height": 120}, "predictions": [box(100, 60, 40, 20)]}
    half = [box(50, 30, 20, 10)]
    assert np.array_equal(
        np.asarray(draw_boxes(image, doc, labels=False)),
        np.asarray(draw_boxes(image, half, labels=False)),
    )


def test_image_paths_are_read(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "x.png"
    Image.fromarray(blank(200, 120, 30)).save(path)
    assert np.array_equal(
        np.asarray(draw_boxes(path, RESPONSE)),
        np.asarray(draw_boxes(blank(200, 120, 30), RESPONSE)),
    )


@pytest.mark.parametrize("bad", [42, "not predictions", [1, 2], object()])
def test_unknown_prediction_kinds_are_refused(bad: Any) -> None:
    with pytest.raises(ConfigError, match="cannot draw"):
        draw_boxes(blank(10, 10), bad)


def test_malformed_responses_name_the_bad_field() -> None:
    with pytest.raises(SchemaError, match=r"predictions\[0\]"):
        draw_boxes(blank(10, 10), {"predictions": [{"x": 1, "y": 1, "width": "wide"}]})


def test_unreadable_images_raise_image_errors(tmp_path: Path) -> None:
    with pytest.raises(ImageError):
        draw_boxes(tmp_path / "missing.jpg", [])


@pytest.mark.parametrize(
    "options",
    [
        {"stroke": 0},
        {"stroke": 1.5},
        {"font_size": 2},
        {"mask_opacity": 1.5},
        {"top_k": 0},
        {"confidence": 150},
        {"palette": []},
        {"palette": ["not-a-color"]},
    ],
)
def test_bad_options_are_config_errors(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        draw_boxes(blank(20, 20), [box(10, 10, 4, 4)], **options)
