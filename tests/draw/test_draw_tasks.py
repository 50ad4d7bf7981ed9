"""Each task draws its own way: masks, keypoints, classification, multi-label, semantic."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from rf_notebook.draw import draw_boxes, style_for
from rf_notebook.errors import ConfigError
from rf_notebook.results import DetectionResult, Result
from tests.draw.helpers import blank, box, changed
from tests.fixtures import responses

RED, BLUE = (255, 0, 0), (0, 0, 255)
SQUARE = [
    {"x": 20.0, "y": 20.0},
    {"x": 60.0, "y": 20.0},
    {"x": 60.0, "y": 60.0},
    {"x": 20.0, "y": 60.0},
]


def _segment(**extra: Any) -> dict[str, Any]:
    return {
        "image": {"width": 100, "height": 80},
        "predictions": [box(40, 40, 40, 40, "crack", points=SQUARE, **extra)],
    }


def test_polygons_are_filled_translucently_and_outlined() -> None:
    image = blank(100, 80, 100)
    out = np.asarray(
        draw_boxes(
            image, _segment(), palette={"crack": RED}, labels=False, mask_opacity=0.5, stroke=2
        )
    )
    assert tuple(out[40, 40]) == (178, 50, 50)  # half red, half gray
    assert tuple(out[20, 40]) == RED  # the outline
    assert tuple(out[70, 40]) == (100, 100, 100)  # outside
    opaque = np.asarray(draw_boxes(image, _segment(), palette={"crack": RED}, mask_opacity=1))
    assert tuple(opaque[40, 40]) == RED
    clear = np.asarray(draw_boxes(image, _segment(), palette={"crack": RED}, mask_opacity=0))
    assert tuple(clear[40, 40]) == (100, 100, 100)


def test_instance_masks_from_rle_are_filled() -> None:
    image = blank(4, 3, 0)
    out = np.asarray(
        draw_boxes(
            image,
            responses.INSTANCE_SEGMENTATION_RLE,
            labels=False,
            palette={"crack": RED},
            mask_opacity=1.0,
        )
    )
    result = Result.from_json(responses.INSTANCE_SEGMENTATION_RLE)
    assert isinstance(result, DetectionResult)
    expected = result.to_supervision().mask[0]
    assert np.array_equal((out == RED).all(axis=2), expected)


def test_supervision_masks_are_filled_and_scaled_to_the_image() -> None:
    import supervision as sv

    mask = np.zeros((1, 40, 50), dtype=bool)
    mask[0, 10:20, 10:20] = True
    detections = sv.Detections(
        xyxy=np.array([[10.0, 10, 20, 20]]),
        mask=mask,
        class_id=np.array([0]),
        data={"class_name": np.array(["a"])},
    )
    out = np.asarray(
        draw_boxes(blank(100, 80), detections, palette={"a": RED}, mask_opacity=1.0, labels=False)
    )
    painted = (out == RED).all(axis=2)
    assert painted[25, 25] and painted[38, 38] and not painted[45, 45] and not painted[15, 15]


def test_many_large_masks_are_drawn_in_bounded_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    import rf_notebook.draw.shapes as shapes

    monkeypatch.setattr(shapes, "_MAX_MASK_PIXELS", 100)
    doc = _segment()
    doc["predictions"] = doc["predictions"] * 3
    out = np.asarray(draw_boxes(blank(100, 80), doc, palette={"crack": RED}, mask_opacity=1))
    assert tuple(out[40, 40]) == RED


KEYPOINTS: dict[str, Any] = {
    "image": {"width": 100, "height": 80},
    "predictions": [
        box(
            50,
            40,
            60,
            60,
            "person",
            keypoints=[
                {"x": 30.0, "y": 20.0, "confidence": 0.9, "class_id": 0, "class": "nose"},
                {"x": 70.0, "y": 20.0, "confidence": 0.9, "class_id": 1, "class": "ear"},
                {"x": 50.0, "y": 60.0, "confidence": 0.9, "class_id": 2, "class": "foot"},
            ],
        )
    ],
}


@pytest.mark.parametrize("skeleton", [[(0, 1)], [("nose", "ear")]])
def test_keypoints_are_dots_joined_by_the_skeleton(skeleton: list[tuple[Any, Any]]) -> None:
    image = blank(100, 80)
    options: dict[str, Any] = {"palette": {"person": RED}, "labels": False, "stroke": 1}
    dots = np.asarray(draw_boxes(image, KEYPOINTS, **options))
    joined = np.asarray(draw_boxes(image, KEYPOINTS, skeleton=skeleton, **options))
    for x, y in ((30, 20), (70, 20), (50, 60)):
        assert tuple(dots[y, x]) == RED
    assert tuple(dots[20, 50]) == (0, 0, 0)  # halfway between nose and ear
    assert tuple(joined[20, 50]) == RED
    assert tuple(joined[40, 40]) == (0, 0, 0)  # nose–foot is not an edge


def test_missing_keypoints_and_unknown_edges_are_skipped() -> None:
    doc: dict[str, Any] = copy.deepcopy(KEYPOINTS)
    doc["predictions"][0]["keypoints"][1].update(x=0.0, y=0.0)  # "not found"
    out = np.asarray(
        draw_boxes(
            blank(100, 80),
            doc,
            skeleton=[(0, 1), ("nose", "tail"), (0, 9)],
            palette={"person": RED},
            labels=False,
            stroke=1,
        )
    )
    assert tuple(out[15, 15]) == (0, 0, 0)  # no edge towards (0, 0)


def test_classification_is_a_top_k_banner() -> None:
    image = blank(224, 224, 60)
    palette = {"ripe": RED, "overripe": BLUE}
    style = style_for(224, 224)
    m = style.margin
    both = np.asarray(draw_boxes(image, responses.CLASSIFICATION, palette=palette))
    assert tuple(both[m + 1, m + 1]) == RED  # the top class first
    one = np.asarray(draw_boxes(image, responses.CLASSIFICATION, palette=palette, top_k=1))
    assert (both == BLUE).all(axis=2).any() and not (one == BLUE).all(axis=2).any()
    assert not changed(image, draw_boxes(image, responses.CLASSIFICATION, labels=False)).any()


def test_multilabel_shows_predicted_classes_as_chips() -> None:
    image = blank(224, 224, 60)
    palette = {"cat": RED, "dog": BLUE}
    out = np.asarray(draw_boxes(image, responses.MULTI_LABEL, palette=palette))
    assert (out == RED).all(axis=2).any() and not (out == BLUE).all(axis=2).any()
    lower = np.asarray(draw_boxes(image, responses.MULTI_LABEL, palette=palette, confidence=0.1))
    assert (lower == BLUE).all(axis=2).any()  # a threshold re-decides what is predicted
    none = np.asarray(draw_boxes(image, responses.MULTI_LABEL, palette=palette, confidence=0.99))
    assert changed(image, none).any()  # a grey "none" chip


@pytest.mark.parametrize("doc", [responses.SEMANTIC_LEGACY, responses.SEMANTIC_SERVER])
def test_semantic_segmentation_is_a_color_overlay_with_a_legend(doc: dict[str, Any]) -> None:
    image = blank(80, 60, 100)  # the 8×6 mask scales up 10×
    out = np.asarray(draw_boxes(image, doc, palette={"road": RED}, mask_opacity=0.5))
    assert tuple(out[35, 45]) == (178, 50, 50)  # mask[3, 4] is road, blended
    assert tuple(out[55, 5]) == (100, 100, 100)  # background is left alone
    assert (out[:20, :30] == RED).all(axis=2).any()  # the legend chip
    hidden = draw_boxes(image, doc, palette={"road": RED}, classes=["sky"])
    assert not changed(image, hidden).any()


def test_semantic_confidence_threshold_hides_unsure_pixels() -> None:
    doc = copy.deepcopy(responses.SEMANTIC_SERVER)
    doc["predictions"]["confidence_mask"] = responses.png_b64(np.full((6, 8), 100))  # ~0.39
    image = blank(80, 60, 100)
    out = draw_boxes(image, doc, confidence=0.5, labels=False)
    assert not changed(image, out).any()


def test_mask_opacity_must_be_between_0_and_1() -> None:
    with pytest.raises(ConfigError, match="mask_opacity"):
        draw_boxes(blank(10, 10), _segment(), mask_opacity=-0.1)
