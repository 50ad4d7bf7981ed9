"""Per-image matching follows pycocotools: greedy by score, class-aware, crowd regions ignored."""

from __future__ import annotations

import numpy as np

from rf_notebook.matching import box_iou, match_detections


def arr(*rows: list[float]) -> np.ndarray:
    return np.array(rows, dtype=float).reshape(-1, 4)


def test_highest_score_wins_the_box_and_the_duplicate_is_a_false_positive() -> None:
    m = match_detections(
        arr([0, 0, 10, 10]),
        np.array([0]),
        arr([0, 0, 10, 10], [0, 0, 10, 10]),
        np.array([0, 0]),
        np.array([0.5, 0.9]),
    )
    assert m.pred_to_gt.tolist() == [-1, 0]
    assert m.true_positive.tolist() == [False, True] and m.gt_matched.tolist() == [True]


def test_ties_keep_input_order_like_a_stable_sort() -> None:
    m = match_detections(
        arr([0, 0, 10, 10]),
        np.array([0]),
        arr([0, 0, 10, 10], [0, 0, 10, 10]),
        np.array([0, 0]),
        np.array([0.7, 0.7]),
    )
    assert m.pred_to_gt.tolist() == [0, -1]


def test_class_mismatch_never_matches() -> None:
    m = match_detections(
        arr([0, 0, 10, 10]), np.array([1]), arr([0, 0, 10, 10]), np.array([0]), np.array([0.9])
    )
    assert m.false_positive.tolist() == [True] and m.gt_matched.tolist() == [False]


def test_the_threshold_is_inclusive_and_the_best_iou_wins() -> None:
    gt = arr([0, 0, 10, 10], [0, 0, 10, 12])
    pred = arr([0, 0, 10, 11.9])
    iou = box_iou(pred, gt)
    m = match_detections(
        gt, np.array([0, 0]), pred, np.array([0]), np.array([0.9]), iou=float(iou[0, 0])
    )
    assert m.pred_to_gt.tolist() == [1]  # 11.9/12 beats 10/11.9


def test_crowd_regions_absorb_predictions_without_counting_them() -> None:
    gt = arr([0, 0, 100, 100], [200, 200, 210, 210])
    crowd = np.array([True, False])
    preds = arr([10, 10, 20, 20], [30, 30, 40, 40], [200, 200, 210, 210])
    m = match_detections(
        gt, np.array([0, 0]), preds, np.array([0, 0, 0]), np.array([0.9, 0.8, 0.7]), gt_crowd=crowd
    )
    assert m.ignored.tolist() == [True, True, False]
    assert m.true_positive.tolist() == [False, False, True]
    assert m.gt_matched.tolist() == [False, True]


def test_real_boxes_are_preferred_over_crowd_regions() -> None:
    gt = arr([0, 0, 100, 100], [0, 0, 10, 10])
    m = match_detections(
        gt,
        np.array([0, 0]),
        arr([0, 0, 10, 10]),
        np.array([0]),
        np.array([0.9]),
        gt_crowd=np.array([True, False]),
    )
    assert m.pred_to_gt.tolist() == [1] and not m.ignored[0]


def test_empty_inputs() -> None:
    m = match_detections(arr(), np.array([]), arr([0, 0, 1, 1]), np.array([0]), np.array([0.5]))
    assert m.false_positive.tolist() == [True]
    m = match_detections(arr([0, 0, 1, 1]), np.array([0]), arr(), np.array([]), np.array([]))
    assert m.gt_matched.tolist() == [False]
