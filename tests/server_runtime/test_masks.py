from __future__ import annotations

import cv2
import numpy as np

from rf_notebook.server.runtime import ImageTransform
from rf_notebook.server.runtime.masks import box_mask, mask_to_polygon, masks_to_polygons


def _fill(polygon: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 1)
    return mask


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_mask_to_polygon_fills_back_to_the_same_mask() -> None:
    mask = np.zeros((20, 30), np.uint8)
    mask[2:15, 3:8] = 1  # an L shape
    mask[10:15, 3:25] = 1
    polygon = mask_to_polygon(mask)
    assert polygon is not None
    assert polygon.tolist() == [[3, 2], [3, 14], [24, 14], [24, 10], [8, 10], [7, 9], [7, 2]]
    np.testing.assert_array_equal(_fill(polygon, mask.shape), mask)


def test_mask_to_polygon_picks_the_largest_region() -> None:
    mask = np.zeros((20, 20), np.uint8)
    mask[1:4, 1:4] = 1  # 9 px
    mask[8:18, 6:12] = 1  # 60 px
    polygon = mask_to_polygon(mask)
    assert polygon is not None
    assert polygon.tolist() == [[6, 8], [6, 17], [11, 17], [11, 8]]


def test_mask_to_polygon_when_empty_or_degenerate_then_none() -> None:
    assert mask_to_polygon(np.zeros((5, 5), np.uint8)) is None
    assert mask_to_polygon(np.zeros((0, 0), np.uint8)) is None
    single = np.zeros((5, 5), np.uint8)
    single[2, 2] = 1
    assert mask_to_polygon(single) is None


def test_box_mask_crops_to_pixels_whose_centre_is_in_the_box() -> None:
    t = ImageTransform.fit(16, 16, 16, 16)
    protos = np.full((1, 4, 4), 10.0, np.float32)
    # box x 2.4..7.6 -> centres 2.5..7.5 (pixels 2..7); y 0.6..3.4 -> centres 1.5, 2.5
    mask, x0, y0 = box_mask(protos, np.ones(1, np.float32), [2.4, 0.6, 7.6, 3.4], t, (1.0, 1.0))
    assert (x0, y0, mask.shape, int(mask.sum())) == (2, 1, (2, 6), 12)
    # box x 2.6..7.4 -> centres 3.5..6.5 (pixels 3..6)
    mask, x0, _ = box_mask(protos, np.ones(1, np.float32), [2.6, 0.6, 7.4, 3.4], t, (1.0, 1.0))
    assert (x0, mask.shape) == (3, (2, 4))


def test_masks_to_polygons_on_large_image_works_at_input_resolution() -> None:
    # 1280x960 image on a 64x64 input (scale 0.05, content 64x48 at y=8); prototypes 16x16.
    t = ImageTransform.fit(1280, 960, 64, 64)
    protos = np.full((1, 2, 16, 16), -10.0, np.float32)
    protos[0, 0, 4:10, 2:12] = 10.0  # input x 8..48, y 16..40 -> original x 160..960, y 160..640
    coefficients = np.array([[1.0, 0.0]], np.float32)
    polygons = masks_to_polygons(protos, coefficients, [[0.0, 0.0, 1280.0, 960.0]], t)
    polygon = polygons[0]
    assert polygon is not None
    expected = np.zeros((960, 1280), np.uint8)
    expected[160:640, 160:960] = 1
    assert _iou(_fill(polygon, expected.shape), expected) > 0.99
    # Edge vertices land on the outermost original pixels a grid (input) pixel covers, not
    # on its centre; only the bilinear corners are cut (one grid pixel = 20 original pixels).
    assert (polygon[:, 0].min(), polygon[:, 0].max()) == (160.0, 959.0)
    assert (polygon[:, 1].min(), polygon[:, 1].max()) == (160.0, 639.0)
