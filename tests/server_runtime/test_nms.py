from __future__ import annotations

import numpy as np
import pytest

from rf_notebook.server.runtime.nms import box_iou, non_max_suppression


def _reference_nms(
    xyxy: np.ndarray, scores: np.ndarray, classes: np.ndarray | None, iou: float
) -> list[int]:
    """Plain greedy NMS, one box at a time, as the textbook states it."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    kept: list[int] = []
    for i in order:
        same = [k for k in kept if classes is None or classes[k] == classes[i]]
        if not same or box_iou(xyxy[i], xyxy[same]).max() <= iou:
            kept.append(i)
    return kept


def test_box_iou_hand_computed() -> None:
    # 10x10 and 10x5 sharing the top half: 50 / 100
    assert box_iou([0, 0, 10, 10], [[0, 0, 10, 5], [20, 20, 30, 30]]).tolist() == [0.5, 0.0]


def test_nms_when_overlapping_boxes_of_different_classes_then_both_kept() -> None:
    boxes = [[0, 0, 10, 10], [1, 1, 11, 11]]
    assert non_max_suppression(boxes, [0.9, 0.8], [0, 1], iou_threshold=0.3).tolist() == [0, 1]


def test_nms_when_same_class_above_threshold_then_lower_score_suppressed() -> None:
    boxes = [[1, 1, 11, 11], [0, 0, 10, 10]]  # IoU 81 / 119 = 0.68
    assert non_max_suppression(boxes, [0.8, 0.9], [2, 2], iou_threshold=0.6).tolist() == [1]
    assert non_max_suppression(boxes, [0.8, 0.9], [2, 2], iou_threshold=0.7).tolist() == [1, 0]


def test_nms_when_iou_equals_threshold_then_kept() -> None:
    boxes = [[0, 0, 10, 10], [0, 0, 10, 5]]  # IoU exactly 0.5
    assert non_max_suppression(boxes, [0.9, 0.8], [0, 0], iou_threshold=0.5).tolist() == [0, 1]
    assert non_max_suppression(boxes, [0.9, 0.8], [0, 0], iou_threshold=0.49).tolist() == [0]


def test_nms_class_agnostic_suppresses_across_classes() -> None:
    boxes = [[0, 0, 10, 10], [1, 1, 11, 11]]
    assert non_max_suppression(boxes, [0.9, 0.8], None, iou_threshold=0.3).tolist() == [0]


def test_nms_when_negative_coordinates_then_classes_stay_apart() -> None:
    # A class-1 box at negative coordinates must not be shifted onto a class-0 box in the
    # bottom-right corner (OpenCV shifts class k by k * (max coordinate + 1)).
    boxes = [[600, 600, 640, 640], [-41, -41, -1, -1]]
    assert non_max_suppression(boxes, [0.9, 0.8], [0, 1], iou_threshold=0.3).tolist() == [0, 1]


def test_nms_max_detections_keeps_the_best() -> None:
    boxes = [[0, 0, 1, 1], [10, 10, 11, 11], [20, 20, 21, 21], [30, 30, 31, 31]]
    kept = non_max_suppression(
        boxes, [0.1, 0.7, 0.9, 0.3], [0, 0, 0, 0], iou_threshold=0.5, max_detections=2
    )
    assert kept.tolist() == [2, 1]


def test_nms_ties_keep_lower_index_first_and_zero_scores_survive() -> None:
    boxes = [[0, 0, 1, 1], [10, 10, 11, 11], [20, 20, 21, 21]]
    assert non_max_suppression(boxes, [0.5, 0.5, 0.0], None, iou_threshold=0.5).tolist() == [
        0,
        1,
        2,
    ]


def test_nms_when_empty_then_empty() -> None:
    assert non_max_suppression(np.zeros((0, 4)), [], [], iou_threshold=0.5).shape == (0,)


@pytest.mark.parametrize("iou", [0.1, 0.3, 0.5, 0.7])
@pytest.mark.parametrize("class_aware", [True, False])
def test_nms_matches_reference_on_random_boxes(iou: float, class_aware: bool) -> None:
    rng = np.random.default_rng(int(iou * 10) + class_aware)
    centres = rng.uniform(-20, 660, (300, 2))
    sizes = rng.uniform(5, 150, (300, 2))
    boxes = np.c_[centres - sizes / 2, centres + sizes / 2]
    scores = rng.permutation(300) / 300.0  # distinct scores
    classes = rng.integers(0, 4, 300) if class_aware else None
    kept = non_max_suppression(boxes, scores, classes, iou_threshold=iou)
    assert kept.tolist() == _reference_nms(boxes, scores, classes, iou)
