from __future__ import annotations

import math

import numpy as np
import pytest

from rf_notebook.server.runtime import InferenceFailedError
from rf_notebook.server.runtime.decode import (
    Candidates,
    decode_yolo,
    scores_to_probabilities,
    select_detections,
)

# Columns: (cx, cy, w, h, score class 0, score class 1); nc = 2.
TABLE = np.array(
    [
        [10.0, 20.0, 4.0, 2.0, 0.5, 0.25],  # class 0 exactly at 0.5
        [30.0, 30.0, 10.0, 10.0, 0.125, 0.75],  # class 1
        [50.0, 10.0, 2.0, 8.0, 0.375, 0.0],  # below 0.5
        [31.0, 30.0, 10.0, 10.0, 0.0, 0.625],  # class 1, overlaps column 1 (IoU 0.818)
    ],
    np.float32,
).T[None]


def test_decode_yolo_thresholds_inclusively_and_converts_to_corners() -> None:
    c = decode_yolo(TABLE, num_classes=2, confidence=0.5)
    assert c.xyxy.tolist() == [
        [8.0, 19.0, 12.0, 21.0],
        [25.0, 25.0, 35.0, 35.0],
        [26.0, 25.0, 36.0, 35.0],
    ]
    assert c.confidence.tolist() == [0.5, 0.75, 0.625]
    assert c.class_id.tolist() == [0, 1, 1]
    assert c.coefficients is None


def test_decode_yolo_accepts_transposed_layout() -> None:
    c = decode_yolo(np.ascontiguousarray(TABLE.transpose(0, 2, 1)), num_classes=2, confidence=0.5)
    assert c.class_id.tolist() == [0, 1, 1]


def test_decode_yolo_class_filter_applies_to_best_class() -> None:
    # column 0's best class is 0 (0.5), so filtering on class 1 drops it despite its 0.25
    c = decode_yolo(TABLE, num_classes=2, confidence=0.2, class_ids=[1])
    assert c.class_id.tolist() == [1, 1]
    assert c.confidence.tolist() == [0.75, 0.625]


def test_decode_yolo_max_candidates_keeps_highest() -> None:
    c = decode_yolo(TABLE, num_classes=2, confidence=0.1, max_candidates=2)
    assert c.confidence.tolist() == [0.75, 0.625]


def test_decode_yolo_when_nothing_passes_then_empty() -> None:
    c = decode_yolo(TABLE, num_classes=2, confidence=0.8, num_masks=0)
    assert len(c) == 0
    assert c.xyxy.shape == (0, 4)


def test_decode_yolo_returns_mask_coefficients() -> None:
    coeffs = np.arange(4 * 3, dtype=np.float32).reshape(3, 4)  # nm = 3, N = 4
    table = np.concatenate([TABLE[0], coeffs])[None]
    c = decode_yolo(table, num_classes=2, num_masks=3, confidence=0.6)
    assert c.coefficients is not None
    assert c.coefficients.tolist() == [[1.0, 5.0, 9.0], [3.0, 7.0, 11.0]]


def test_decode_yolo_drops_non_finite_candidates() -> None:
    table = TABLE.copy()
    table[0, 0, 1] = np.nan  # column 1's cx
    table[0, 5, 3] = np.nan  # column 3's class-1 score
    c = decode_yolo(table, num_classes=2, confidence=0.5)
    assert c.confidence.tolist() == [0.5]


def test_decode_yolo_when_class_count_mismatch_then_clear_error() -> None:
    with pytest.raises(InferenceFailedError, match=r"\[1, 7, N\].*class_names"):
        decode_yolo(TABLE, num_classes=3, confidence=0.5)


def test_select_detections_class_aware_nms_then_max_detections() -> None:
    c = decode_yolo(TABLE, num_classes=2, confidence=0.5)
    kept = select_detections(c, iou_threshold=0.5, max_detections=10)
    assert kept.confidence.tolist() == [0.75, 0.5]  # column 3 suppressed by column 1
    assert select_detections(c, iou_threshold=0.9, max_detections=10).confidence.tolist() == [
        0.75,
        0.625,
        0.5,
    ]
    assert select_detections(c, iou_threshold=0.9, max_detections=1).confidence.tolist() == [0.75]


def test_select_detections_when_empty_then_empty() -> None:
    kept = select_detections(Candidates.empty(32), iou_threshold=0.5, max_detections=10)
    assert len(kept) == 0
    assert kept.coefficients is not None and kept.coefficients.shape == (0, 32)


def test_scores_to_probabilities() -> None:
    softmax = scores_to_probabilities([0.0, math.log(3.0)], logits=True, multilabel=False)
    np.testing.assert_allclose(softmax, [0.25, 0.75], atol=1e-15)
    sigmoid = scores_to_probabilities([0.0, math.log(3.0)], logits=True, multilabel=True)
    np.testing.assert_allclose(sigmoid, [0.5, 0.75], atol=1e-15)
    same = scores_to_probabilities([0.2, 0.9], logits=False, multilabel=False)
    assert same.tolist() == [0.2, 0.9]
