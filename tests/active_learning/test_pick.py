"""``pick``: weights, the ranked table, determinism, quotas, ground truth, bad arguments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from rf_notebook import Batch, ConfigError
from rf_notebook.active_learning import NO_CLASS, Picks, pick, ranking_order
from rf_notebook.results import AnyResult
from tests.active_learning.conftest import classes, det, detections


def small_set() -> list[AnyResult]:
    return [
        detections("near", [det(0.42), det(0.38), det(0.44)]),  # 3 near 0.40
        detections("empty", []),
        detections("sure", [det(0.95)]),
        detections("one-near", [det(0.41), det(0.9)]),
    ]


def test_table_has_rank_image_score_strategy_columns_reason_classes() -> None:
    picks = pick(small_set(), 2, ["near_threshold", "no_detections"], dedup=False)
    assert isinstance(picks, Picks) and len(picks) == 2
    assert list(picks.table.columns) == [
        "rank",
        "image",
        "score",
        "near_threshold",
        "no_detections",
        "reason",
        "classes",
        "index",
    ]
    first = picks.table.iloc[0]
    # near: near_threshold 3/3 = 1, no_detections 0 -> score 0.5; empty: 0 and 1 -> 0.5 too
    assert first["score"] == pytest.approx(0.5)
    assert picks.results[0].source == first["image"]
    assert list(picks.ranking["image"])[:2] == list(picks.table["image"])
    assert len(picks.ranking) == 4


def test_weights_scale_each_strategy_after_normalising() -> None:
    results = small_set()
    near_first = pick(results, 4, weights={"near_threshold": 3, "no_detections": 2}, dedup=False)
    # near_threshold 3/3, 0, 0, 1/3 of the largest; no_detections 0, 1, 0, 0
    assert list(near_first.table["image"]) == ["near", "empty", "one-near", "sure"]
    assert near_first.table["score"].tolist() == pytest.approx([0.6, 0.4, 0.2, 0.0])
    empty_first = pick(results, 4, weights={"near_threshold": 1, "no_detections": 3}, dedup=False)
    assert list(empty_first.table["image"])[:2] == ["empty", "near"]
    assert empty_first.weights == {"near_threshold": 1.0, "no_detections": 3.0}


def test_zero_weight_strategy_is_shown_but_does_not_count() -> None:
    picks = pick(
        small_set(),
        1,
        ["near_threshold", "no_detections"],
        weights={"no_detections": 0},
        dedup=False,
    )
    assert picks.table.loc[0, "image"] == "near"
    assert picks.table.loc[0, "reason"] == "3 boxes within 0.05 of the 0.40 threshold"


def test_same_inputs_give_the_same_picks() -> None:
    results = small_set() * 5
    a = pick(results, 10, dedup=False, seed=7).table
    b = pick(results, 10, dedup=False, seed=7).table
    pd.testing.assert_frame_equal(a, b)


def test_seed_changes_only_the_order_of_ties() -> None:
    distinct = [detections(f"top{i}", [det(0.40 + 0.01 * i)] * (i + 1)) for i in range(3)]
    tied = [detections(f"tie{i}", [det(0.9)]) for i in range(12)]
    results = tied[:6] + distinct + tied[6:]
    orders = []
    for seed in range(4):
        table = pick(results, len(results), "near_threshold", dedup=False, seed=seed).table
        assert list(table["image"])[:3] == ["top2", "top1", "top0"]
        assert table["score"].is_monotonic_decreasing
        orders.append(tuple(table["image"]))
    assert len(set(orders)) > 1
    assert all(sorted(o) == sorted(orders[0]) for o in orders)


def test_ranking_order_breaks_ties_by_seed_only() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.5, 0.1])
    for seed in range(5):
        order = ranking_order(scores, seed).tolist()
        assert order[0] == 1 and order[-1] == 4 and sorted(order[1:4]) == [0, 2, 3]
    assert ranking_order(scores, 3).tolist() == ranking_order(scores, 3).tolist()


def test_per_class_quota_caps_picks_containing_each_class() -> None:
    results = [detections(f"car{i}", [det(0.41 + 0.01 * i, "car")]) for i in range(5)]
    results += [detections(f"dog{i}", [det(0.42, "dog")]) for i in range(2)]
    results += [detections(f"empty{i}", []) for i in range(3)]
    picks = pick(results, 6, "least_confidence", per_class_quota=2, dedup=False)
    chosen = list(picks.table["image"])
    assert sum(c.startswith("car") for c in chosen) == 2
    assert sum(c.startswith("dog") for c in chosen) == 2
    assert sum(c.startswith("empty") for c in chosen) == 2
    assert len(chosen) == 6
    assert any("quota reached for 'car'" in why for why in picks.dropped["why"])
    mapping = pick(results, 10, "least_confidence", per_class_quota={"car": 1}, dedup=False)
    assert sum(c.startswith("car") for c in mapping.table["image"]) == 1
    assert len(mapping) == 6  # 1 car + 2 dogs + 3 empty
    assert mapping.warnings and "only 6 of 10" in mapping.warnings[-1]
    only_empty = pick(results, 10, "least_confidence", per_class_quota={NO_CLASS: 0}, dedup=False)
    assert not any(c.startswith("empty") for c in only_empty.table["image"])


def test_confidence_default_comes_from_the_results_and_accepts_percentages() -> None:
    results = [detections("x", [det(0.55)]).filter(confidence=0.6), detections("y", [det(0.58)])]
    assert pick(results, 1, "near_threshold", dedup=False).params.confidence == 0.6
    picks = pick(results, 2, "near_threshold", dedup=False, confidence=55)
    assert picks.params.confidence == pytest.approx(0.55)
    assert picks.table["near_threshold"].tolist() == [1.0, 1.0]


def test_ground_truth_disagreement_orders_by_confident_mistakes() -> None:
    gt_box, other = (0, 0, 10, 10), (50, 50, 60, 60)
    results = [
        detections("agrees", [det(0.9, "cat", gt_box)]),
        detections("confident-fp", [det(0.9, "cat", gt_box), det(0.95, "dog", other)]),
        detections("misses-all", []),
        detections("unsure-fp", [det(0.9, "cat", gt_box), det(0.5, "dog", other)]),
    ]
    truth = {
        "agrees": ([gt_box], ["cat"]),
        "confident-fp": ([gt_box], ["Cat"]),
        "misses-all": ([gt_box, other], ["cat", "cat"]),
        "unsure-fp": ([gt_box], ["cat"]),
    }
    picks = pick(results, 4, "disagreement", ground_truth=truth, dedup=False)
    assert picks.table["image"].tolist()[:2] == ["misses-all", "confident-fp"]
    assert picks.table["disagreement"].tolist() == [1.0, 0.5, 0.0, 0.0]
    assert picks.table.loc[0, "reason"] == "2 missed objects"
    assert picks.table.loc[1, "reason"] == "1 confident false positive (≥ 0.70)"
    listed = pick(results, 1, "disagreement", ground_truth=list(truth.values()), dedup=False)
    assert listed.table.loc[0, "image"] == "misses-all"


def test_ground_truth_for_classification() -> None:
    results = [
        classes("right", {"ripe": 0.9, "unripe": 0.1}),
        classes("confidently-wrong", {"ripe": 0.95, "unripe": 0.05}),
        classes("unsure-wrong", {"ripe": 0.55, "unripe": 0.45}),
    ]
    truth = {"right": "ripe", "confidently-wrong": "unripe", "unsure-wrong": "unripe"}
    table = pick(results, 3, "disagreement", ground_truth=truth, dedup=False).table
    assert table["image"].tolist() == ["confidently-wrong", "unsure-wrong", "right"]
    assert table.loc[0, "reason"] == ("1 confident false positive (≥ 0.70), 1 missed label")


def test_default_strategies_fit_the_task_and_accept_a_batch() -> None:
    batch = Batch(small_set())
    picks = pick(batch, 2, dedup=False)
    assert "margin" not in picks.weights and "overlap" in picks.weights
    assert "disagreement" not in picks.weights
    labelled = pick([classes("a", {"x": 0.6, "y": 0.4})], 1, dedup=False)
    assert "margin" in labelled.weights and "overlap" not in labelled.weights


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "nope"}, "unknown strategy"),
        ({"weights": {"entropy": -1}}, ">= 0"),
        ({"strategy": "entropy", "weights": {"margin": 1}}, "not used"),
        ({"strategy": "disagreement"}, "ground_truth"),
        ({"k": -1}, "k must be"),
        ({"confidence": 2000}, "between 0 and 1"),
        ({"per_class_quota": -2}, ">= 0"),
        ({"ground_truth": 5}, "ground_truth must be"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs: dict[str, Any], message: str) -> None:
    options = {"k": 2, **kwargs}
    with pytest.raises(ConfigError, match=message):
        pick(small_set(), **options)


def test_empty_input_gives_empty_picks() -> None:
    picks = pick([], 5, "entropy")
    assert len(picks) == 0 and picks.table.empty and "0 of 0" in repr(picks)


def test_exclude_and_select_for_review_tools() -> None:
    picks = pick(small_set(), 4, "near_threshold", dedup=False, exclude=["near"])
    assert "near" not in list(picks.table["image"]) and len(picks) == 3
    assert picks.dropped.loc[0, "why"] == "excluded"
    kept = picks.select([2, picks.table.loc[0, "image"]])
    assert list(kept.table["rank"]) == [1, 2]
    assert [r.source for r in kept.results] == list(kept.table["image"])
    assert list(kept.table["image"]) == [picks.table.loc[0, "image"], picks.table.loc[2, "image"]]
    with pytest.raises(ConfigError, match="not a pick"):
        picks.select(["nope"])
