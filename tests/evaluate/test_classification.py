"""Classification metrics checked by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from rf_notebook.evaluate import (
    ClassificationEvaluation,
    GroundTruth,
    MultiLabelEvaluation,
    evaluate,
)


def single(top: str, scores: dict[str, float]) -> dict[str, Any]:
    return {
        "image": {"width": 10, "height": 10},
        "predictions": [{"class": c, "confidence": v} for c, v in scores.items()],
        "top": top,
        "confidence": scores[top],
    }


def multi(scores: dict[str, float], predicted: list[str]) -> dict[str, Any]:
    return {
        "image": {"width": 10, "height": 10},
        "predictions": {c: {"confidence": v} for c, v in scores.items()},
        "predicted_classes": predicted,
    }


@pytest.fixture
def single_label() -> ClassificationEvaluation:
    gt = GroundTruth.from_labels({"1.jpg": "a", "2.jpg": "a", "3.jpg": "b", "4.jpg": "c"})
    preds = {
        "1.jpg": single("a", {"a": 0.9, "b": 0.1}),
        "2.jpg": single("b", {"a": 0.3, "b": 0.7}),
        "3.jpg": single("b", {"b": 0.6, "c": 0.4}),
        "4.jpg": single("a", {"a": 0.35, "c": 0.3}),
    }
    ev = evaluate(preds, gt)
    assert isinstance(ev, ClassificationEvaluation)
    return ev


def test_top1_accuracy_and_confusion(single_label: ClassificationEvaluation) -> None:
    assert single_label.accuracy == 0.5
    matrix = single_label.confusion_matrix()
    assert list(matrix.columns) == ["a", "b", "c"]
    assert matrix.to_numpy().tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 0]]
    np.testing.assert_allclose(single_label.confusion_matrix("true").to_numpy()[0], [0.5, 0.5, 0])


def test_per_class_precision_recall_f1(single_label: ClassificationEvaluation) -> None:
    table = single_label.per_class()
    assert table[["support", "TP", "FP", "FN"]].to_numpy().tolist() == [
        [2, 1, 1, 1],
        [1, 1, 1, 0],
        [1, 0, 0, 1],
    ]
    assert table.loc["a", ["precision", "recall", "F1"]].tolist() == [0.5, 0.5, 0.5]
    assert table.loc["b", ["precision", "recall"]].tolist() == [0.5, 1.0]
    assert table.loc["b", "F1"] == pytest.approx(2 / 3)
    assert np.isnan(table.loc["c", "precision"]) and table.loc["c", "F1"] == 0
    summary = single_label.summary()
    assert summary["macro_F1"] == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    assert summary["weighted_F1"] == pytest.approx((2 * 0.5 + 2 / 3) / 4)


def test_errors_and_per_image(single_label: ClassificationEvaluation) -> None:
    errors = single_label.errors()
    assert errors.index.tolist() == ["2.jpg", "4.jpg"]  # most confident mistake first
    assert errors["predicted"].tolist() == ["b", "a"]
    assert single_label.errors(cls="c").index.tolist() == ["4.jpg"]
    assert single_label.per_image()["correct"].tolist() == [True, False, True, False]


def test_explicit_confidence_turns_weak_tops_into_no_prediction() -> None:
    gt = GroundTruth.from_labels({"1.jpg": "a", "2.jpg": "b"})
    preds = {"1.jpg": single("a", {"a": 0.9}), "2.jpg": single("a", {"a": 0.35})}
    ev = evaluate(preds, gt, confidence=0.5)
    assert isinstance(ev, ClassificationEvaluation)
    matrix = ev.confusion_matrix()
    assert list(matrix.columns) == ["a", "b", "(none)"]
    assert matrix.to_numpy().tolist() == [[1, 0, 0], [0, 0, 1]]
    assert ev.per_class().loc["a", "FP"] == 0


@pytest.fixture
def multi_label() -> MultiLabelEvaluation:
    gt = GroundTruth.from_labels({"1.jpg": ["cat"], "2.jpg": ["cat", "dog"], "3.jpg": []})
    gt = GroundTruth.from_images([gt[k] for k in gt], classes=["cat", "dog"])
    preds = {
        "1.jpg": multi({"cat": 0.9, "dog": 0.6}, ["cat", "dog"]),
        "2.jpg": multi({"cat": 0.8, "dog": 0.3}, ["cat"]),
        "3.jpg": multi({"cat": 0.2, "dog": 0.1}, []),
    }
    ev = evaluate(preds, gt)
    assert isinstance(ev, MultiLabelEvaluation)
    return ev


def test_multilabel_per_class(multi_label: MultiLabelEvaluation) -> None:
    table = multi_label.per_class()
    assert table[["support", "TP", "FP", "FN", "TN"]].to_numpy().tolist() == [
        [2, 2, 0, 0, 1],
        [1, 0, 1, 1, 1],
    ]
    assert table.loc["cat", "F1"] == 1.0 and table.loc["dog", "F1"] == 0.0
    summary = multi_label.summary()
    assert summary["micro_precision"] == pytest.approx(2 / 3)
    assert summary["micro_recall"] == pytest.approx(2 / 3)
    assert summary["exact_match"] == pytest.approx(1 / 3)


def test_multilabel_threshold_sweep_and_errors(multi_label: MultiLabelEvaluation) -> None:
    best = multi_label.sweep().best
    assert best.loc["dog", "confidence"] == 0.3 and best.loc["dog", "F1"] == pytest.approx(2 / 3)
    assert best.loc["cat", "confidence"] == 0.8 and best.loc["cat", "F1"] == 1.0
    fp = multi_label.errors("fp")
    assert fp[["image", "class", "confidence"]].values.tolist() == [["1.jpg", "dog", 0.6]]
    assert multi_label.errors("fn", cls="dog")["image"].tolist() == ["2.jpg"]
    assert multi_label.per_image()["exact"].tolist() == [False, False, True]


def test_explicit_confidence_remakes_the_predicted_sets(multi_label: MultiLabelEvaluation) -> None:
    gt = GroundTruth.from_labels({"1.jpg": ["cat"], "2.jpg": ["cat", "dog"]})
    preds = {
        "1.jpg": multi({"cat": 0.9, "dog": 0.6}, []),
        "2.jpg": multi({"cat": 0.8, "dog": 0.3}, []),
    }
    ev = evaluate(preds, gt, confidence=0.25)
    assert isinstance(ev, MultiLabelEvaluation)
    assert ev.per_class()[["TP", "FP", "FN"]].to_numpy().tolist() == [[2, 0, 0], [1, 1, 0]]
