"""Each strategy on constructed results: hand-computed values, a known order, the reason."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from benchmarks.bench_picks import reference_scores, synthetic_results
from rf_notebook.active_learning import ScoreParams, pick, score
from rf_notebook.results import AnyResult
from tests.active_learning.conftest import classes, det, detections, labels


def order(results: Sequence[AnyResult], strategy: str, **options: float) -> list[str]:
    picks = pick(results, len(results), strategy, dedup=False, **options)  # type: ignore[arg-type]
    return [str(name) for name in picks.table["image"]]


def h(p: float) -> float:
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def test_least_confidence_ranks_the_weakest_kept_box_first() -> None:
    # given: lowest kept box 0.9, 0.45, 0.7 (0.3 is below the 0.4 threshold and ignored)
    results = [
        detections("a", [det(0.9), det(0.95)]),
        detections("b", [det(0.45), det(0.3)]),
        detections("c", [det(0.7)]),
    ]
    # then
    values = score(results, "least_confidence", confidence=0.4)["least_confidence"]
    assert values.round(6).tolist() == [0.1, 0.55, 0.3]
    assert order(results, "least_confidence", confidence=0.4) == ["b", "c", "a"]
    assert pick(results, 1, "least_confidence", dedup=False).table.loc[0, "reason"] == (
        "least confident detection 'a' at 0.45"
    )


def test_least_confidence_and_margin_for_classification() -> None:
    results = [
        classes("sure", {"ripe": 0.9, "unripe": 0.1}),
        classes("torn", {"ripe": 0.5, "unripe": 0.45, "rotten": 0.05}),
        classes("leaning", {"ripe": 0.3, "unripe": 0.7}),
    ]
    table = score(results, ["least_confidence", "margin"])
    assert table["least_confidence"].round(6).tolist() == [0.1, 0.5, 0.3]
    assert table["margin"].round(6).tolist() == [0.2, 0.95, 0.6]
    assert order(results, "margin") == ["torn", "leaning", "sure"]
    reason = pick(results, 1, "margin", dedup=False).table.loc[0, "reason"]
    assert reason == "top two classes close: 'ripe' 0.50, 'unripe' 0.45"


def test_entropy_sums_binary_entropy_of_boxes_above_the_floor() -> None:
    results = [
        detections("one-unsure", [det(0.5)]),
        detections("confident", [det(0.95), det(0.05)]),  # 0.05 is under the 0.1 floor
        detections("two-unsure", [det(0.7), det(0.6)]),
    ]
    values = score(results, "entropy")["entropy"].tolist()
    assert values == pytest.approx([1.0, h(0.95), h(0.7) + h(0.6)])
    assert order(results, "entropy") == ["two-unsure", "one-unsure", "confident"]


def test_entropy_of_class_distributions() -> None:
    results: list[AnyResult] = [
        classes("flat", {"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}),
        classes("peaked", {"a": 0.97, "b": 0.01, "c": 0.01, "d": 0.01}),
        labels("multi", {"a": 0.5, "b": 0.5}),
    ]
    values = score(results, "entropy")["entropy"].tolist()
    assert values == pytest.approx([2.0, 0.2419, 2.0], abs=1e-4)


def test_near_threshold_counts_boxes_in_the_band_edges_included() -> None:
    results = [
        detections("three", [det(0.35), det(0.45), det(0.41), det(0.9)]),
        detections("none", [det(0.34), det(0.46), det(0.9)]),
        detections("one", [det(0.4)]),
    ]
    values = score(results, "near_threshold", confidence=0.4)["near_threshold"].tolist()
    assert values == [3, 0, 1]
    top = pick(results, 1, "near_threshold", dedup=False, confidence=0.4, epsilon=0.05)
    assert top.table.loc[0, "reason"] == "3 boxes within 0.05 of the 0.40 threshold"
    wider = score(results, "near_threshold", params=ScoreParams(confidence=0.4, epsilon=0.07))
    assert wider["near_threshold"].tolist() == [3, 2, 1]


def test_no_detections_and_its_reasons() -> None:
    results = [
        detections("boxes", [det(0.9)]),
        detections("empty", []),
        detections("weak", [det(0.2)]),
    ]
    assert score(results, "no_detections")["no_detections"].tolist() == [0, 1, 1]
    reasons = pick(results, 3, "no_detections", dedup=False, seed=0).table.set_index("image")
    assert reasons.loc["empty", "reason"] == "no detections"
    assert reasons.loc["weak", "reason"] == "no detections at or above 0.40 (best 0.20)"
    assert reasons.loc["boxes", "reason"] == "nothing unusual"
    top_two = set(order(results, "no_detections")[:2])
    assert top_two == {"empty", "weak"}


def test_count_outlier_is_a_robust_z_score() -> None:
    counts = [2, 2, 3, 2, 10, 2, 1]
    results = [detections(f"n{c}-{i}", [det(0.9)] * c) for i, c in enumerate(counts)]
    values = score(results, "count_outlier")["count_outlier"].to_numpy()
    # median 2; deviations 0 0 1 0 8 0 1 -> MAD 0, so 1.2533 × mean deviation (10/7)
    scale = 1.2533 * 10 / 7
    assert values == pytest.approx([0, 0, 1 / scale, 0, 8 / scale, 0, 1 / scale])
    assert order(results, "count_outlier")[0] == "n10-4"


def test_rare_class_prefers_the_rarest_present_class() -> None:
    results = [detections(f"car{i}", [det(0.9, "car")]) for i in range(4)]
    results += [
        detections("dog", [det(0.9, "car"), det(0.8, "dog")]),
        detections("bus", [det(0.9, "bus")]),
        detections("bus2", [det(0.9, "bus")]),
    ]
    values = score(results, "rare_class")["rare_class"].tolist()
    # images with: car 5, bus 2, dog 1
    assert values == pytest.approx([0, 0, 0, 0, math.log2(5), math.log2(5 / 2), math.log2(5 / 2)])
    picks = pick(results, 1, "rare_class", dedup=False)
    assert picks.table.loc[0, "image"] == "dog"
    assert picks.table.loc[0, "reason"] == "rare class 'dog' (in 1 of 7 images)"


def test_overlap_counts_different_class_pairs_above_the_iou() -> None:
    results = [
        detections("cat-dog", [det(0.9, "cat", (0, 0, 10, 10)), det(0.8, "dog", (1, 0, 11, 10))]),
        detections(
            "same-class", [det(0.9, "cat", (0, 0, 10, 10)), det(0.8, "cat", (1, 0, 11, 10))]
        ),
        detections("apart", [det(0.9, "cat", (0, 0, 10, 10)), det(0.8, "dog", (6, 0, 16, 10))]),
        detections(
            "three",
            [
                det(0.9, "cat", (0, 0, 10, 10)),
                det(0.8, "dog", (0, 1, 10, 11)),
                det(0.7, "cow", (1, 1, 11, 11)),
                det(0.3, "dog", (0, 0, 10, 10)),  # below the threshold
            ],
        ),
    ]
    assert score(results, "overlap")["overlap"].tolist() == [1, 0, 0, 3]
    table = pick(results, 2, "overlap", dedup=False).table
    assert list(table["image"]) == ["three", "cat-dog"]
    assert table.loc[1, "reason"] == (
        "1 overlapping pair of boxes of different classes ('cat'/'dog', IoU 0.82)"
    )


def test_class_filter_of_a_result_is_respected() -> None:
    result = detections("x", [det(0.9, "cat"), det(0.42, "dog")]).filter(classes=["cat"])
    assert score([result], "near_threshold")["near_threshold"].tolist() == [0]


def test_vectorised_scores_equal_a_plain_python_loop() -> None:
    results = synthetic_results(400, seed=3)
    expected = reference_scores(results)
    got = score(results, list(expected), confidence=0.4)
    for name, values in expected.items():
        np.testing.assert_allclose(got[name], values, rtol=1e-12, atol=1e-12, err_msg=name)
