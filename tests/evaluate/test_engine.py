"""The vectorised pieces against their references: rasteriser vs pycocotools, greedy vs
``match_detections``, and chunked pairing."""

from __future__ import annotations

import numpy as np
import pytest

from rf_notebook.evaluate import polygon_mask
from rf_notebook.evaluate.greedy import greedy_match
from rf_notebook.evaluate.masks import mask_iou, segment_mask
from rf_notebook.evaluate.pairs import (
    Objects,
    box_iou_pairs,
    group_rank,
    image_pairs,
    overlapping_box_pairs,
)
from rf_notebook.matching import match_detections

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pycocotools")


def test_polygons_rasterise_exactly_like_pycocotools() -> None:
    mask_utils = pytest.importorskip("pycocotools.mask")
    rng = np.random.default_rng(0)
    for trial in range(400):
        w, h = int(rng.integers(1, 50)), int(rng.integers(1, 50))
        points = rng.uniform(-4, 54, size=(int(rng.integers(3, 10)), 2))
        if trial % 4 == 1:
            points = np.round(points)  # vertices on pixel edges
        if trial % 4 == 2:
            points[1] = points[0]  # a repeated vertex
        flat = points.ravel().tolist()
        expected = mask_utils.decode(mask_utils.frPyObjects([flat], h, w)[0]).astype(bool)
        assert np.array_equal(polygon_mask(flat, w, h), expected), (w, h, flat)


def test_polygon_mask_by_hand_and_segments() -> None:
    square = polygon_mask([1, 1, 3, 1, 3, 3, 1, 3], 4, 4)
    assert square.astype(int).tolist() == [[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    assert not polygon_mask([], 3, 3).any()
    union = segment_mask([[0, 0, 2, 0, 2, 2, 0, 2], [2, 2, 4, 2, 4, 4, 2, 4]], 5, 5)
    assert union.sum() == 8
    rle = segment_mask({"size": [2, 2], "counts": [1, 2, 1]}, 2, 2)
    assert rle.tolist() == [[False, True], [True, False]]


def test_mask_iou_with_crowd() -> None:
    a = np.zeros((4, 4), bool)
    a[:2, :2] = True
    b = np.zeros((4, 4), bool)
    b[:, :2] = True
    iou = mask_iou([a], [b, b], np.array([0, 0]), np.array([0, 1]), np.array([False, True]))
    assert iou.tolist() == [0.5, 1.0]


def test_greedy_match_equals_match_detections_image_by_image() -> None:
    rng = np.random.default_rng(1)
    for _ in range(60):
        n_gt, n_dt = int(rng.integers(0, 8)), int(rng.integers(0, 10))
        gt = rng.integers(0, 30, (n_gt, 2)).astype(float)
        gt = np.c_[gt, gt + rng.integers(2, 15, (n_gt, 2))]
        dt = (
            gt[rng.integers(0, max(n_gt, 1), n_dt)]
            if n_gt
            else rng.integers(0, 30, (n_dt, 4)).astype(float)
        )
        dt = np.c_[
            dt[:, :2] + rng.integers(-2, 3, (n_dt, 2)), dt[:, 2:] + rng.integers(-2, 3, (n_dt, 2))
        ]
        gt_cls, dt_cls = rng.integers(0, 2, n_gt), rng.integers(0, 2, n_dt)
        crowd = rng.random(n_gt) < 0.2
        score = np.round(rng.random(n_dt), 1)
        expected = match_detections(gt, gt_cls, dt, dt_cls, score, iou=0.5, gt_crowd=crowd)
        xywh = lambda b: np.c_[b[:, :2], b[:, 2:] - b[:, :2]].reshape(-1, 4)  # noqa: E731
        pd_, pg = image_pairs(np.zeros(n_dt, np.int64), np.zeros(n_gt, np.int64))
        iou = box_iou_pairs(xywh(dt), xywh(gt), pd_, pg, crowd)
        same = dt_cls[pd_] == gt_cls[pg]
        got = greedy_match(
            pd_[same],
            pg[same],
            iou[same],
            dt_rank=group_rank(dt_cls, score),
            gt_crowd=crowd,
            gt_ignore=crowd[None],
            thresholds=np.array([0.5]),
        )[0, 0]
        assert got.tolist() == expected.pred_to_gt.tolist()


def test_greedy_ties_prefer_the_later_object_and_regular_over_ignored() -> None:
    # one prediction, three objects with equal IoU: the last regular one wins
    m = greedy_match(
        np.array([0, 0, 0]),
        np.array([0, 1, 2]),
        np.array([0.7, 0.7, 0.9]),
        dt_rank=np.array([0]),
        gt_crowd=np.array([False, False, True]),
        gt_ignore=np.array([[False, False, True]]),
        thresholds=np.array([0.5, 0.8]),
    )
    assert m[0, :, 0].tolist() == [1, 2]  # at 0.8 only the (ignored) crowd region is left


def test_chunked_pairs_equal_all_pairs() -> None:
    rng = np.random.default_rng(2)
    n_img = 30

    def objects(n: int) -> Objects:
        image = np.sort(rng.integers(0, n_img, n))
        boxes = np.c_[rng.uniform(0, 50, (n, 2)), rng.uniform(1, 20, (n, 2))]
        return Objects(
            image,
            rng.integers(0, 3, n),
            boxes,
            boxes[:, 2] * boxes[:, 3],
            rng.random(n) < 0.1,
            rng.random(n),
        )

    dt, gt = objects(300), objects(200)
    pd_, pg = image_pairs(dt.image, gt.image)
    iou = box_iou_pairs(dt.boxes, gt.boxes, pd_, pg, gt.crowd)
    keep = iou > 0
    for chunk in (1, 7, 1000, 1 << 20):
        got = overlapping_box_pairs(dt, gt, chunk=chunk)
        assert [g.tolist() for g in got] == [
            pd_[keep].tolist(),
            pg[keep].tolist(),
            iou[keep].tolist(),
        ]
    chunked = greedy_match(
        pd_,
        pg,
        iou,
        dt_rank=group_rank(dt.image, dt.score),
        gt_crowd=gt.crowd,
        gt_ignore=gt.crowd[None],
        thresholds=np.array([0.3]),
        chunk=5,
    )
    whole = greedy_match(
        pd_,
        pg,
        iou,
        dt_rank=group_rank(dt.image, dt.score),
        gt_crowd=gt.crowd,
        gt_ignore=gt.crowd[None],
        thresholds=np.array([0.3]),
    )
    assert chunked.tolist() == whole.tolist()
