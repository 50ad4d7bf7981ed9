"""Bad input: a clear error, or a warning counted in the report; nothing dropped in silence."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest

from rf_notebook.batch import Batch, Failure
from rf_notebook.errors import ConfigError, SchemaError
from rf_notebook.evaluate import (
    AnnotationError,
    Evaluation,
    EvaluationWarning,
    ImageTruth,
    evaluate,
)
from rf_notebook.results import DetectionResult, ImageInfo, Result
from rf_notebook.results.types import Detection
from tests.evaluate.conftest import box, ground_truth, response, truth

pytestmark = pytest.mark.filterwarnings("ignore::rf_notebook.evaluate.EvaluationWarning")


@pytest.fixture
def gt() -> Any:
    return ground_truth(
        truth("a.jpg", [[0, 0, 10, 10]], ["cat"]), truth("b.jpg", [[0, 0, 10, 10]], ["dog"])
    )


def test_images_on_one_side_only_are_left_out_with_warnings(gt: Any) -> None:
    preds = {"a.jpg": response(box(0, 0, 10, 10, "cat", 0.9)), "zzz.jpg": response()}
    with pytest.warns(EvaluationWarning) as caught:
        ev = evaluate(preds, gt)
    assert isinstance(ev, Evaluation) and ev.images == ("a.jpg",)
    messages = " | ".join(ev.warnings)
    assert "'zzz.jpg'" in messages and "'b.jpg'" in messages
    assert len(caught) == len(ev.warnings) == 2
    assert str(ev.report).count("warning:") == 2
    with pytest.raises(ConfigError, match="strict"):
        evaluate(preds, gt, strict=True)


def test_nothing_in_common_is_an_error(gt: Any) -> None:
    with pytest.raises(ConfigError, match="no prediction matches"):
        evaluate({"x.jpg": response()}, gt)


def test_unknown_classes_are_false_positives_and_reported(gt: Any) -> None:
    preds = {
        "a.jpg": response(box(0, 0, 10, 10, "bird", 0.9)),
        "b.jpg": response(box(0, 0, 10, 10, "Dog ", 0.9)),
    }
    with pytest.warns(EvaluationWarning, match="'bird' \\(1\\)"):
        ev = evaluate(preds, gt)
    assert isinstance(ev, Evaluation)
    assert ev.classes == ("cat", "dog", "bird")
    assert ev.per_class().loc["bird", "FP"] == 1 and ev.per_class().loc["dog", "TP"] == 1
    assert ev.report.classes.only_in_predictions == ("bird",)
    assert ("Dog ", "dog") in ev.report.classes.renamed
    mapped = evaluate(preds, gt, class_mapping={"BIRD": "cat"})
    assert isinstance(mapped, Evaluation) and mapped.per_class().loc["cat", "TP"] == 1
    with pytest.raises(ConfigError, match="not a ground-truth class"):
        evaluate(preds, gt, class_mapping={"bird": "cow"})


def test_nan_confidence_and_bad_boxes_are_errors(gt: Any) -> None:
    nan = Detection(x=5, y=5, width=10, height=10, confidence=math.nan, class_name="cat")
    result = DetectionResult(
        task="object-detection",
        image=ImageInfo(100, 100),
        source="a.jpg",
        received=(nan,),
        predictions=(nan,),
    )
    with pytest.raises(ConfigError, match="NaN confidence"):
        evaluate([result], gt)
    negative = Detection(x=5, y=5, width=-1, height=10, confidence=0.5, class_name="cat")
    result = DetectionResult(
        task="object-detection", image=None, source="a.jpg", received=(negative,)
    )
    with pytest.raises(ConfigError, match="negative"):
        evaluate([result], gt)
    with pytest.raises(SchemaError, match="confidence"):
        evaluate(
            [{"image_path": "a.jpg", "predictions": [box(0, 0, 1, 1, "cat", float("nan"))]}], gt
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"boxes": [[0, 0, -1, 5]], "class_names": ("cat",)},
        {"boxes": [[0, 0, float("nan"), 5]], "class_names": ("cat",)},
        {"width": -10},
        {"height": float("nan")},
        {"boxes": [[0, 0, 1, 1]], "class_names": ()},
    ],
)
def test_bad_ground_truth_is_an_annotation_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(AnnotationError, match=r"image 'a\.jpg'"):
        ImageTruth("a.jpg", **kwargs)


def test_predictions_need_a_name_and_one_per_image(gt: Any) -> None:
    unnamed = Result.from_json(response())
    with pytest.raises(ConfigError, match="does not say which image"):
        evaluate([unnamed], gt)
    named = [
        Result.from_json(response(), source="/x/a.jpg"),
        Result.from_json(response(), source="a.jpg"),
    ]
    with pytest.raises(ConfigError, match=r"two predictions for image 'a\.jpg'"):
        evaluate(named, gt)
    with pytest.raises(ConfigError, match="predictions must be"):
        evaluate("a.jpg", gt)  # type: ignore[arg-type]


def test_raw_dicts_join_by_image_path_and_batches_report_failures(gt: Any) -> None:
    docs = [
        {**response(box(0, 0, 10, 10, "cat", 0.9)), "image_path": "/data/a.jpg"},
        {**response(), "image_path": "b.jpg"},
    ]
    ev = evaluate(docs, gt)
    assert isinstance(ev, Evaluation) and ev.images == ("a.jpg", "b.jpg")
    batch = Batch([Result.from_json(docs[0]), Failure(1, "b.jpg", "ImageError", "broken")])
    with pytest.warns(EvaluationWarning, match="failed to predict"):
        ev = evaluate(batch, gt)
    assert any("failed to predict" in w for w in ev.warnings)


def test_bad_arguments(gt: Any) -> None:
    preds = {"a.jpg": response(box(0, 0, 10, 10, "cat", 0.9)), "b.jpg": response()}
    for iou in (0, -0.1, 101):
        with pytest.raises(ConfigError, match="iou"):
            evaluate(preds, gt, iou=iou)
    with pytest.raises(ConfigError, match="confidence"):
        evaluate(preds, gt, confidence=float("nan"))
    ev = evaluate(preds, gt, iou=50, confidence=40)  # percentages, as on the hosted API
    assert isinstance(ev, Evaluation) and (ev.iou, ev.confidence) == (0.5, 0.4)
    with pytest.raises(ConfigError, match="normalize"):
        ev.confusion_matrix(normalize="rows")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="iou_type"):
        evaluate(preds, gt, iou_type="mask")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="no polygon or mask"):
        evaluate(preds, gt, iou_type="segm")


def test_default_confidence_follows_the_results(gt: Any) -> None:
    results = [
        Result.from_json(response(box(0, 0, 10, 10, "cat", 0.9)), source=k)
        for k in ("a.jpg", "b.jpg")
    ]
    ev = evaluate([r.filter(confidence=0.7) for r in results], gt)
    assert isinstance(ev, Evaluation) and ev.confidence == 0.7
    mixed = [results[0].filter(confidence=0.7), results[1].filter(confidence=0.2)]
    with pytest.raises(ConfigError, match="different confidences"):
        evaluate(mixed, gt)
    floor = [replace(r, requested_confidence=0.5) for r in results]
    with pytest.warns(EvaluationWarning, match="AP and mAP miss"):
        evaluate(floor, gt)


def test_mixed_tasks_are_an_error(gt: Any) -> None:
    detection = Result.from_json(response(), source="a.jpg")
    label = Result.from_json(
        {"predictions": [{"class": "cat", "confidence": 0.9}], "top": "cat"}, source="b.jpg"
    )
    with pytest.raises(ConfigError, match="together"):
        evaluate([detection, label], gt)


def test_single_label_needs_one_label_per_image(gt: Any) -> None:
    label = Result.from_json(
        {"predictions": [{"class": "cat", "confidence": 0.9}], "top": "cat"}, source="a.jpg"
    )
    with pytest.raises(ConfigError, match="exactly one"):
        evaluate([label], gt)
