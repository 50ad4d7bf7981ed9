"""Result parsing: every shape of the reference round-trips; bad documents name their path."""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pytest

from rf_notebook.errors import ConfigError, SchemaError
from rf_notebook.results import (
    ClassificationResult,
    Detection,
    DetectionResult,
    MultiLabelResult,
    Result,
    SemanticSegmentationResult,
    normalize_confidence,
)
from rf_notebook.results.scale import scale_response
from tests.fixtures import responses as R


@pytest.mark.parametrize("name", sorted(R.ALL_SHAPES))
def test_from_json_then_json_gives_back_the_document(name: str) -> None:
    doc = R.ALL_SHAPES[name]
    before = copy.deepcopy(doc)
    assert Result.from_json(doc).json() == before
    assert doc == before  # parsing never changes its input


@pytest.mark.parametrize(
    ("name", "kind", "task"),
    [
        ("object_detection", DetectionResult, "object-detection"),
        ("instance_segmentation", DetectionResult, "instance-segmentation"),
        ("instance_segmentation_rle", DetectionResult, "instance-segmentation"),
        ("keypoints", DetectionResult, "keypoint-detection"),
        ("classification", ClassificationResult, "classification"),
        ("classification_old_docs", ClassificationResult, "classification"),
        ("multi_label", MultiLabelResult, "multi-label-classification"),
        ("semantic_legacy", SemanticSegmentationResult, "semantic-segmentation"),
        ("semantic_server", SemanticSegmentationResult, "semantic-segmentation"),
        ("roboflow_prediction_group_od", DetectionResult, "object-detection"),
    ],
)
def test_task_is_read_from_the_shape(name: str, kind: type, task: str) -> None:
    result = Result.from_json(R.ALL_SHAPES[name])
    assert isinstance(result, kind)
    assert result.task == task


def test_detection_fields_and_corners_follow_the_seed_docs() -> None:
    r = Result.from_json(R.OBJECT_DETECTION)
    assert isinstance(r, DetectionResult)
    assert r.image is not None and (r.image.width, r.image.height) == (1280, 720)
    assert r.time == pytest.approx(0.0431)
    assert r.inference_id == "6f1c2a9e-0d1b-4c3e-9a51-2b7f0c9d8e11"
    p = r.predictions[0]
    assert (p.class_name, p.class_id, p.confidence) == ("person", 0, 0.874)
    # x1 = x - width/2 ... exactly
    assert r.xyxy[0].tolist() == [412.5 - 42.5, 300.0 - 80.0, 412.5 + 42.5, 300.0 + 80.0]
    assert p.area == 85.0 * 160.0


def test_roboflow_prediction_group_string_sizes_and_image_path() -> None:
    r = Result.from_json(R.ROBOFLOW_PREDICTION_GROUP_OD)
    assert r.image is not None and (r.image.width, r.image.height) == (100, 80)
    assert r.source == "small.jpg"
    wrapped = Result.from_json(R.ROBOFLOW_PREDICTION_GROUP_CLASSIFICATION)
    assert isinstance(wrapped, ClassificationResult)
    assert (wrapped.top, wrapped.source) == ("ripe", "fruit.jpg")


def test_unknown_size_from_the_roboflow_package_reads_as_none() -> None:
    doc = {**R.ROBOFLOW_PREDICTION_GROUP_OD, "image": {"width": "0", "height": "0"}}
    assert Result.from_json(doc).image is None
    assert Result.from_json({**doc, "image": "Undefined"}).image is None


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["predictions"][1].update(width="wide"), "predictions[1].width"),
        (lambda d: d["predictions"][0].pop("class"), "predictions[0]"),
        (
            lambda d: d["predictions"][0].update(confidence=float("nan")),
            "predictions[0].confidence",
        ),
        (lambda d: d["predictions"][1].update(height=-3), "predictions[1].height"),
        (lambda d: d.update(predictions="nope"), "predictions"),
        (lambda d: d.update(image={"width": 10}), "image"),
        (lambda d: d["predictions"][0].update(x=True), "predictions[0].x"),
    ],
)
def test_malformed_documents_raise_schema_error_with_the_path(mutate: Any, path: str) -> None:
    _assert_schema_error_at(R.OBJECT_DETECTION, mutate, path)


def _assert_schema_error_at(original: dict[str, Any], mutate: Any, path: str) -> None:
    doc = copy.deepcopy(original)
    mutate(doc)
    with pytest.raises(SchemaError) as info:
        Result.from_json(doc)
    assert info.value.path == path
    assert path in str(info.value)


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["predictions"][0]["points"][2].update(x="left"), "predictions[0].points[2].x"),
        (lambda d: d["predictions"][0]["points"][1].update(y=False), "predictions[0].points[1].y"),
        (lambda d: d["predictions"][0]["points"][0].pop("y"), "predictions[0].points[0]"),
        (lambda d: d["predictions"][0].update(points="none"), "predictions[0].points"),
        (lambda d: d["predictions"][0].update(class_id="two"), "predictions[0].class_id"),
        (lambda d: d["predictions"][0].update(confidence=-0.5), "predictions[0].confidence"),
        (lambda d: d["predictions"][0].update(y=float("inf")), "predictions[0].y"),
    ],
)
def test_malformed_segmentation_points_name_their_path(mutate: Any, path: str) -> None:
    _assert_schema_error_at(R.INSTANCE_SEGMENTATION, mutate, path)


def test_numbers_sent_as_text_parse_like_numbers() -> None:
    """The roboflow package sends some numbers as strings: the checked path reads them."""
    as_text = copy.deepcopy(R.INSTANCE_SEGMENTATION)
    for prediction in as_text["predictions"]:
        for key in ("x", "y", "width", "height", "confidence"):
            prediction[key] = str(prediction[key])
        prediction["class_id"] = float(prediction["class_id"])
        prediction["points"] = [{"x": str(p["x"]), "y": p["y"]} for p in prediction["points"]]
    plain, text = Result.from_json(R.INSTANCE_SEGMENTATION), Result.from_json(as_text)
    fields = ("x", "y", "width", "height", "confidence", "class_name", "class_id", "points")
    for a, b in zip(plain.predictions, text.predictions, strict=True):
        assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
        assert isinstance(b.x, float) and isinstance(b.class_id, int)


def test_an_error_document_says_what_the_api_said() -> None:
    with pytest.raises(SchemaError, match="quota exceeded"):
        Result.from_json({"error": "quota exceeded"})


def test_extra_keys_are_tolerated_and_kept() -> None:
    doc = copy.deepcopy(R.OBJECT_DETECTION)
    doc["frame_id"] = 7
    doc["predictions"][0]["tracker_id"] = 3
    assert Result.from_json(doc).json() == doc


def test_filter_rethresholds_from_everything_received() -> None:
    r = Result.from_json(R.OBJECT_DETECTION)
    high = r.filter(confidence=0.5)
    assert high.class_names == ["person"]
    assert high.filter(confidence=0.3).class_names == ["person", "dog"]  # back down again
    assert r.filter(confidence=50).class_names == ["person"]  # percentages, as the API
    assert r.filter(classes="dog").class_names == ["dog"]
    assert r.filter(classes=["dog"]).filter(confidence=0.9).class_names == []
    assert high.json()["predictions"] == [R.OBJECT_DETECTION["predictions"][0]]
    assert r.class_names == ["person", "dog"]  # the original is unchanged


def test_filter_below_the_requested_floor_warns() -> None:
    from dataclasses import replace

    r = replace(Result.from_json(R.OBJECT_DETECTION), requested_confidence=0.3)
    with pytest.warns(UserWarning, match="never received"):
        r.filter(confidence=0.1)


def test_classification_filter_recomputes_top_as_the_server_would() -> None:
    r = Result.from_json(R.CLASSIFICATION)
    assert isinstance(r, ClassificationResult)
    assert (r.top, r.confidence) == ("ripe", 0.5521)
    strict = r.filter(confidence=0.6)
    assert (strict.top, strict.confidence, strict.predictions) == ("", 0.0, ())
    assert strict.json()["top"] == "" and strict.json()["predictions"] == []
    assert r.filter(classes=["overripe"]).top == "overripe"


def test_multilabel_filter_changes_predicted_classes() -> None:
    r = Result.from_json(R.MULTI_LABEL)
    assert isinstance(r, MultiLabelResult)
    assert r.predicted_classes == ("cat",)
    assert r.filter(confidence=0.1).predicted_classes == ("cat", "dog")
    assert r.filter(confidence=0.95).json()["predicted_classes"] == []
    assert set(r.filter(confidence=0.95).json()["predictions"]) == {"cat", "dog"}


def test_with_overlap_is_class_aware_nms() -> None:
    def box(x: float, conf: float, cls: str) -> dict[str, Any]:
        return {"x": x, "y": 10, "width": 10, "height": 10, "confidence": conf, "class": cls}

    doc = {
        "image": {"width": 50, "height": 20},
        "predictions": [box(10, 0.9, "a"), box(11, 0.8, "a"), box(11, 0.7, "b"), box(30, 0.6, "a")],
    }
    r = Result.from_json(doc)
    assert isinstance(r, DetectionResult)
    kept = r.with_overlap(0.5)
    assert [(p.x, p.class_name) for p in kept.predictions] == [(10, "a"), (11, "b"), (30, "a")]
    assert len(r.with_overlap(0.95).predictions) == 4  # IoU 0.82 < 0.95 keeps both
    assert kept.filter(confidence=0.65).class_names == ["a", "b"]


def test_to_supervision_boxes_names_and_polygon_masks() -> None:
    r = Result.from_json(R.INSTANCE_SEGMENTATION)
    assert isinstance(r, DetectionResult)
    dets = r.to_supervision()
    assert dets.xyxy.tolist() == [[190.0, 120.0, 250.0, 160.0]]
    assert dets.data["class_name"].tolist() == ["crack"]
    assert dets.class_id.tolist() == [1]
    assert dets.mask.shape == (1, 480, 640)
    assert dets.mask[0, 140, 220] and not dets.mask[0, 100, 220] and not dets.mask[0, 140, 260]


def test_rle_masks_decode_in_column_major_order() -> None:
    r = Result.from_json(R.INSTANCE_SEGMENTATION_RLE)
    assert isinstance(r, DetectionResult)
    mask = r.to_supervision().mask[0].astype(int)
    assert mask.tolist() == [[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0]]


def test_compressed_rle_matches_pycocotools() -> None:
    from pycocotools import mask as coco_mask

    from rf_notebook.results.convert import decode_rle

    rng = np.random.default_rng(3)
    truth = np.asfortranarray(rng.random((37, 53)) > 0.6).astype(np.uint8)
    encoded = coco_mask.encode(truth)
    rle = {"size": encoded["size"], "counts": encoded["counts"].decode()}
    assert (decode_rle(rle) == truth.astype(bool)).all()


def test_semantic_mask_decodes_to_class_ids() -> None:
    for doc in (R.SEMANTIC_LEGACY, R.SEMANTIC_SERVER):
        r = Result.from_json(doc)
        assert isinstance(r, SemanticSegmentationResult)
        assert (r.mask == R.SEMANTIC_MASK).all()
        assert r.class_map == {0: "background", 1: "road"}


def test_keypoints_are_typed() -> None:
    r = Result.from_json(R.KEYPOINTS)
    assert isinstance(r, DetectionResult)
    keypoints = r.predictions[0].keypoints
    assert keypoints is not None and keypoints[0].class_name == "nose"


@pytest.mark.parametrize(
    ("value", "expected"), [(0.4, 0.4), (40, 0.4), (1, 1.0), (1.5, 0.015), (0, 0.0), (100, 1.0)]
)
def test_confidence_scales_like_the_hosted_api(value: float, expected: float) -> None:
    assert normalize_confidence(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", [-0.1, 101, float("nan"), "0.4", True])
def test_bad_confidence_is_a_config_error(value: Any) -> None:
    with pytest.raises(ConfigError):
        normalize_confidence(value)


def test_scale_response_maps_every_coordinate_back_as_floats() -> None:
    doc = copy.deepcopy(R.KEYPOINTS)
    doc["predictions"][0]["points"] = [{"x": 3, "y": 5}]
    out = scale_response(doc, (0.5, 0.25), 1280, 1920)
    p = out["predictions"][0]
    assert (p["x"], p["y"], p["width"], p["height"]) == (640.0, 960.0, 200.0, 800.0)
    assert p["keypoints"][0]["x"] == 636.0 and p["keypoints"][0]["y"] == 640.0
    assert p["points"][0] == {"x": 6.0, "y": 20.0}
    assert out["image"] == {"width": 1280, "height": 1920}
    assert doc["predictions"][0]["x"] == 320  # input untouched


def test_results_are_frozen_and_json_is_a_copy() -> None:
    r = Result.from_json(R.OBJECT_DETECTION)
    with pytest.raises(AttributeError):
        r.task = "classification"  # type: ignore[misc]
    out = r.json()
    out["predictions"].clear()
    assert len(r.json()["predictions"]) == 2
    json.dumps(r.json())  # always serialisable


def test_detection_without_raw_serialises_from_fields() -> None:
    d = Detection(x=5, y=6, width=2, height=2, confidence=0.5, class_name="a", class_id=0)
    r = DetectionResult(task="object-detection", image=None, predictions=(d,), received=(d,))
    assert r.json()["predictions"] == [
        {"x": 5, "y": 6, "width": 2, "height": 2, "confidence": 0.5, "class": "a", "class_id": 0}
    ]
