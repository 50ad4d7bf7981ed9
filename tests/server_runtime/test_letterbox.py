from __future__ import annotations

import cv2
import numpy as np
import pytest

from rf_notebook.server.runtime import ImageTransform, InvalidImageError, ResizeMode, preprocess


def _ultralytics_letterbox(image: np.ndarray, in_w: int, in_h: int) -> np.ndarray:
    """Ultralytics ``LetterBox(auto=False, center=True)`` + ToTensor, written out independently."""
    h, w = image.shape[:2]
    r = min(in_h / h, in_w / w)
    new_unpad = round(w * r), round(h * r)
    dw, dh = (in_w - new_unpad[0]) / 2, (in_h - new_unpad[1]) / 2
    if (w, h) != new_unpad:
        image = cv2.resize(image, new_unpad, interpolation=cv2.INTER_LINEAR)
    top, bottom = round(dh - 0.1), round(dh + 0.1)
    left, right = round(dw - 0.1), round(dw + 0.1)
    padded = cv2.copyMakeBorder(
        image, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114)
    )
    return (padded.transpose(2, 0, 1)[None].astype(np.float32) / np.float32(255.0)).astype(
        np.float32
    )


@pytest.mark.parametrize(
    ("source", "target", "resized", "pad"),
    [
        ((517, 333), (640, 640), (640, 412), (0, 114)),
        ((333, 517), (640, 640), (412, 640), (114, 0)),
        ((101, 37), (64, 48), (64, 23), (0, 12)),
        ((7, 5), (64, 64), (64, 46), (0, 9)),
        ((640, 640), (640, 640), (640, 640), (0, 0)),
        ((1, 1000), (32, 32), (1, 32), (15, 0)),
    ],
)
def test_fit_letterbox_when_odd_sizes_then_matches_hand_computed(
    source: tuple[int, int],
    target: tuple[int, int],
    resized: tuple[int, int],
    pad: tuple[int, int],
) -> None:
    t = ImageTransform.fit(*source, *target, ResizeMode.LETTERBOX)
    assert (t.resized_width, t.resized_height) == resized
    assert (t.pad_x, t.pad_y) == pad


@pytest.mark.parametrize("size", [(517, 333), (333, 517), (101, 37), (7, 5), (64, 48), (1, 9)])
def test_preprocess_letterbox_equals_ultralytics_recipe(size: tuple[int, int]) -> None:
    # given
    rng = np.random.default_rng(size[0] * 1000 + size[1])
    image = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    # when
    tensor, _ = preprocess(image, 64, 48)
    # then
    expected = _ultralytics_letterbox(image, 64, 48)
    assert tensor.dtype == np.float32
    assert tensor.shape == (1, 3, 48, 64)
    np.testing.assert_allclose(tensor, expected, rtol=0, atol=1e-7)


def test_preprocess_places_rgb_content_between_gray_bands() -> None:
    # given a 7x5 image of one RGB colour -> 64x46 content with 9 gray rows above, 9 below
    image = np.empty((5, 7, 3), np.uint8)
    image[:] = (10, 20, 250)
    # when
    tensor, t = preprocess(image, 64, 64)
    # then
    assert (t.pad_y, t.resized_height) == (9, 46)
    gray = np.float32(114) / np.float32(255)
    np.testing.assert_allclose(tensor[0, :, :9], gray, atol=1e-7)
    np.testing.assert_allclose(tensor[0, :, 55:], gray, atol=1e-7)
    for channel, value in enumerate((10, 20, 250)):
        np.testing.assert_allclose(tensor[0, channel, 9:55], value / 255, atol=1e-7)


@pytest.mark.parametrize(
    "size", [(517, 333), (333, 517), (101, 37), (7, 5), (1, 1000), (1920, 1081)]
)
@pytest.mark.parametrize("mode", list(ResizeMode))
def test_points_round_trip_original_input_original(size: tuple[int, int], mode: ResizeMode) -> None:
    rng = np.random.default_rng(7)
    t = ImageTransform.fit(*size, 640, 480, mode)
    points = rng.uniform(0, 1, (50, 2)) * size
    np.testing.assert_allclose(t.to_original(t.to_input(points)), points, rtol=0, atol=1e-9)


def test_mapping_uses_exact_per_axis_scale() -> None:
    # 101x37 -> 64x48: content 64x23 at y = 12; scale_x = 64/101, scale_y = 23/37
    t = ImageTransform.fit(101, 37, 64, 48)
    np.testing.assert_allclose(
        t.to_input([[0.0, 0.0], [101.0, 37.0]]), [[0.0, 12.0], [64.0, 35.0]], atol=1e-12
    )
    np.testing.assert_allclose(t.to_original([[32.0, 12.0 + 11.5]]), [[50.5, 18.5]], atol=1e-12)


def test_boxes_to_original_clips_to_image_and_keeps_floats() -> None:
    # 256x128 -> 128x128: scale 0.5, 32 px bands above and below
    t = ImageTransform.fit(256, 128, 128, 128)
    boxes = [[30.0, 40.0, 50.0, 60.0], [92.0, 28.0, 108.0, 52.0], [-5.0, 90.0, 130.0, 100.0]]
    assert t.boxes_to_original(boxes).tolist() == [
        [60.0, 16.0, 100.0, 56.0],
        [184.0, 0.0, 216.0, 40.0],
        [0.0, 116.0, 256.0, 128.0],
    ]
    assert t.boxes_to_original([[30.25, 40.0, 50.0, 60.0]], clip=False)[0, 0] == 60.5


def test_fit_stretch_and_center_crop_hand_computed() -> None:
    stretch = ImageTransform.fit(200, 100, 64, 64, ResizeMode.STRETCH)
    assert (stretch.scale_x, stretch.scale_y, stretch.pad_x, stretch.pad_y) == (0.32, 0.64, 0, 0)
    crop = ImageTransform.fit(200, 100, 64, 64, ResizeMode.CENTER_CROP)
    assert (crop.resized_width, crop.resized_height, crop.pad_x, crop.pad_y) == (128, 64, -32, 0)


def test_preprocess_center_crop_keeps_the_middle() -> None:
    image = np.zeros((100, 200, 3), np.uint8)
    image[:, :50] = 255  # left quarter white: cropped away by a 64x64 centre crop of 128x64
    tensor, _ = preprocess(image, 64, 64, ResizeMode.CENTER_CROP)
    assert tensor[0, :, :, 2:62].max() == 0.0


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((4, 4), np.uint8),
        np.zeros((4, 4, 4), np.uint8),
        np.zeros((4, 4, 3), np.float32),
        np.zeros((0, 4, 3), np.uint8),
        [[0, 0, 0]],
    ],
)
def test_preprocess_when_not_hw3_uint8_then_invalid_image_error(image: object) -> None:
    with pytest.raises(InvalidImageError):
        preprocess(image, 32, 32)  # type: ignore[arg-type]
