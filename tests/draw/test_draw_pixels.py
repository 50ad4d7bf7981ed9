"""Exact pixels of box outlines: position, stroke, clipping, odd inputs, big and tiny images."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_notebook.draw import class_color, draw_boxes
from rf_notebook.results import Detection
from tests.draw.helpers import blank, box, changed, ring

RED = {"cat": (255, 0, 0)}


@pytest.mark.parametrize(
    ("x", "y", "w", "h", "stroke", "edges"),
    [
        # x1 = x - w/2 … exactly; the box covers columns x1 … x2 - 1.
        (50, 40, 20, 10, 1, (40, 35, 59, 44)),
        (50, 40, 20, 10, 3, (40, 35, 59, 44)),
        (50.5, 40.5, 21, 11, 1, (40, 35, 60, 45)),  # odd sizes, corners on whole pixels
        (50.2, 40.7, 20.6, 10.4, 2, (40, 36, 60, 45)),  # corners round to the nearest edge
        (33, 21, 7, 5, 2, (30, 19, 36, 23)),  # 29.5 → 30, 36.5 → 37 (round half up)
        (50, 40, 4, 4, 3, (48, 38, 51, 41)),  # narrower than two strokes: filled
    ],
)
def test_box_colors_exactly_its_outline(
    x: float, y: float, w: float, h: float, stroke: int, edges: tuple[int, int, int, int]
) -> None:
    image = blank(100, 80)
    out = np.asarray(draw_boxes(image, [box(x, y, w, h)], stroke=stroke, labels=False, palette=RED))
    expected = ring((80, 100), *edges, stroke)
    assert np.array_equal(changed(image, out), expected)
    assert (out[expected] == (255, 0, 0)).all()


def test_pixels_just_inside_and_outside_stay_untouched() -> None:
    image = blank(100, 80, 7)
    out = np.asarray(draw_boxes(image, [box(50, 40, 20, 10)], stroke=2, labels=False))
    # Outline rows 35–36 and 43–44, columns 40–41 and 58–59.
    color = class_color("cat")
    assert tuple(out[35, 50]) == color and tuple(out[36, 50]) == color
    assert tuple(out[34, 50]) == (7, 7, 7)  # just outside, above
    assert tuple(out[37, 50]) == (7, 7, 7)  # just inside
    assert tuple(out[40, 39]) == (7, 7, 7) and tuple(out[40, 42]) == (7, 7, 7)
    assert tuple(out[40, 60]) == (7, 7, 7) and tuple(out[45, 50]) == (7, 7, 7)


@pytest.mark.parametrize(
    ("prediction", "edges"),
    [
        (box(5, 5, 30, 30), (0, 0, 19, 19)),  # past the top-left corner
        (box(95, 75, 30, 30), (80, 60, 99, 79)),  # past the bottom-right corner
        (box(50, 40, 200, 200), (0, 0, 99, 79)),  # larger than the image
        (box(0, 40, 20, 10), (0, 35, 9, 44)),  # centered on the left edge
    ],
)
def test_boxes_past_the_edge_are_clipped_there(
    prediction: dict[str, float], edges: tuple[int, int, int, int]
) -> None:
    image = blank(100, 80)
    out = draw_boxes(image, [prediction], stroke=2, labels=False)
    assert np.array_equal(changed(image, out), ring((80, 100), *edges, 2))


def test_boxes_wholly_outside_draw_nothing() -> None:
    image = blank(100, 80)
    preds = [box(-50, 40, 20, 10), box(150, 40, 20, 10), box(50, -30, 20, 10), box(50, 120, 9, 9)]
    out = draw_boxes(image, preds, stroke=3)
    assert not changed(image, out).any()


def test_zero_size_boxes_do_not_crash_and_mark_one_pixel() -> None:
    image = blank(100, 80)
    out = draw_boxes(image, [box(50, 40, 0, 0)], stroke=3, labels=False)
    assert changed(image, out).sum() == 1
    out = draw_boxes(image, [box(50, 40, 0, 10)], stroke=3, labels=False)
    assert changed(image, out).sum() == 10  # a one-pixel-wide line


def test_non_finite_boxes_are_skipped() -> None:
    image = blank(50, 50)
    nan = float("nan")
    detections = [
        Detection(x=nan, y=5, width=4, height=4, confidence=0.5, class_name="a"),
        Detection(x=12.5, y=12.5, width=15, height=15, confidence=0.5, class_name="a"),
    ]
    out = draw_boxes(image, detections, stroke=1, labels=False)
    assert np.array_equal(changed(image, out), ring((50, 50), 5, 5, 19, 19, 1))


def test_empty_predictions_return_an_equal_new_image() -> None:
    image = blank(40, 30, 99)
    empties: list[Any] = [[], None, {"image": {"width": 40, "height": 30}, "predictions": []}]
    for empty in empties:
        out = draw_boxes(image, empty)
        assert isinstance(out, Image.Image) and out.mode == "RGB" and out.size == (40, 30)
        assert np.array_equal(np.asarray(out), image)


def test_numpy_input_is_unchanged() -> None:
    image = np.random.default_rng(0).integers(0, 256, (80, 100, 3), dtype=np.uint8)
    before = image.copy()
    draw_boxes(image, [box(50, 40, 20, 10)])
    assert np.array_equal(image, before)


def test_pil_input_is_unchanged_and_output_is_a_new_image() -> None:
    image = Image.fromarray(blank(100, 80, 50))
    before = np.asarray(image).copy()
    out = draw_boxes(image, [box(50, 40, 20, 10)])
    assert out is not image
    assert np.array_equal(np.asarray(image), before)
    out.putpixel((0, 0), (1, 2, 3))  # the result is an ordinary, writable image
    assert np.array_equal(np.asarray(image), before)


def test_rgba_input_is_composited_over_white() -> None:
    rgba = np.zeros((80, 100, 4), dtype=np.uint8)  # fully transparent
    out = np.asarray(draw_boxes(rgba, [box(50, 40, 20, 10)], stroke=1, labels=False, palette=RED))
    assert out.shape == (80, 100, 3)
    assert tuple(out[0, 0]) == (255, 255, 255)
    assert tuple(out[35, 45]) == (255, 0, 0)
    pil = Image.fromarray(rgba, mode="RGBA")
    assert np.array_equal(
        np.asarray(draw_boxes(pil, [box(50, 40, 20, 10)], stroke=1, labels=False, palette=RED)), out
    )


@pytest.mark.parametrize("as_pil", [False, True])
def test_grayscale_input_becomes_rgb(as_pil: bool) -> None:
    gray = np.full((80, 100), 128, dtype=np.uint8)
    image = Image.fromarray(gray, mode="L") if as_pil else gray
    out = np.asarray(draw_boxes(image, [box(50, 40, 20, 10)], stroke=1, labels=False, palette=RED))
    assert out.shape == (80, 100, 3)
    assert tuple(out[0, 0]) == (128, 128, 128) and tuple(out[35, 45]) == (255, 0, 0)
    assert np.array_equal(np.asarray(image), gray)


def test_a_one_pixel_image() -> None:
    image = blank(1, 1)
    out = draw_boxes(image, [box(0.5, 0.5, 1, 1)])
    assert out.size == (1, 1)
    assert tuple(np.asarray(out)[0, 0]) != (0, 0, 0)  # the box (or its chip) covers it


def test_an_8000_by_6000_image() -> None:
    image = np.zeros((6000, 8000, 3), dtype=np.uint8)
    out = draw_boxes(image, [box(4000, 3000, 1000, 800)], labels=False, palette=RED)
    assert out.size == (8000, 6000)
    pixels = np.asarray(out)
    assert tuple(pixels[2600, 4000]) == (255, 0, 0)  # top edge at y1 = 2600
    assert tuple(pixels[2599, 4000]) == (0, 0, 0)
    stroke = int(np.argmax((pixels[2600:, 4000] == 0).all(axis=1)))
    assert stroke >= 10  # scaled for the size
    assert not image.any()
