"""Label chips: where they go, that they stay whole inside the image, readable text, sizes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from rf_notebook.draw import draw_boxes, style_for
from rf_notebook.draw.chips import chip_size
from rf_notebook.draw.render import label_text
from tests.draw.helpers import blank, box, changed

W, H = 320, 240
YELLOW, NAVY = (240, 228, 66), (0, 0, 128)


def _chip_area(prediction: dict[str, object], **options: object) -> tuple[int, int, int, int]:
    """Bounding box ``(x0, y0, x1, y1)`` (exclusive) of what the label adds to the drawing."""
    image = blank(W, H, 40)
    plain = draw_boxes(image, [prediction], labels=False, **options)  # type: ignore[arg-type]
    labelled = draw_boxes(image, [prediction], **options)  # type: ignore[arg-type]
    ys, xs = np.nonzero(changed(plain, labelled))
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _expected_size(name: str, confidence: float, **options: int) -> tuple[int, int]:
    return chip_size(label_text(name, confidence), style_for(W, H, **options))


def test_the_chip_sits_on_the_box_flush_with_its_left_edge() -> None:
    x0, y0, x1, y1 = _chip_area(box(160, 120, 80, 60))  # box covers 120–199 × 90–149
    chip_w, chip_h = _expected_size("cat", 0.9)
    assert (x0, y1) == (120, 90)  # ends just above the box's top row
    assert (x1 - x0, y1 - y0) == (chip_w, chip_h)
    _assert_chip_at(box(160, 120, 80, 60), 120, 90 - chip_h)


def _assert_chip_at(prediction: dict[str, float], x: int, y: int) -> None:
    """The whole chip is the rectangle at ``(x, y)``: everything the label changed lies in
    it, every pixel of it is chip (changed, or the chip's own color where it covers the
    box's outline), and the rectangle lies inside the image."""
    chip_w, chip_h = _expected_size("cat", 0.9)
    assert 0 <= x <= W - chip_w and 0 <= y <= H - chip_h
    image = blank(W, H, 40)
    plain = np.asarray(draw_boxes(image, [prediction], labels=False, palette={"cat": YELLOW}))
    labelled = np.asarray(draw_boxes(image, [prediction], palette={"cat": YELLOW}))
    diff = changed(plain, labelled)
    inside = np.zeros_like(diff)
    inside[y : y + chip_h, x : x + chip_w] = True
    assert diff.any() and not (diff & ~inside).any()
    chip = labelled[y : y + chip_h, x : x + chip_w]
    assert (diff[inside].reshape(chip_h, chip_w) | (chip == YELLOW).all(axis=2)).all()


@pytest.mark.parametrize(
    ("prediction", "where"),
    [
        # box pixels (0, 0, 39, 29): no room above, so inside the top edge
        (box(20, 15, 40, 30), lambda w, h: (0, 0)),
        # (280, 0, 319, 29): inside the top edge, shifted left to end at the image edge
        (box(W - 20, 15, 40, 30), lambda w, h: (min(280, W - w), 0)),
        # (0, 210, 39, 239): above the box
        (box(20, H - 15, 40, 30), lambda w, h: (0, 210 - h)),
        # (280, 210, 319, 239): above, shifted left
        (box(W - 20, H - 15, 40, 30), lambda w, h: (min(280, W - w), 210 - h)),
        # clipped to (295, 0, 319, 9)
        (box(W - 5, -5, 40, 30), lambda w, h: (min(295, W - w), 0)),
        # clipped to (0, 230, 14, 239)
        (box(-5, H + 5, 40, 30), lambda w, h: (0, 230 - h)),
    ],
)
def test_the_chip_stays_whole_inside_the_image_at_every_corner(
    prediction: dict[str, float], where: Callable[[int, int], tuple[int, int]]
) -> None:
    _assert_chip_at(prediction, *where(*_expected_size("cat", 0.9)))


def test_with_no_room_above_the_chip_flips_below_the_top_edge() -> None:
    _assert_chip_at(box(100, 20, 60, 30), 70, 5)  # box pixels (70, 5, 129, 34)


def test_at_the_right_edge_the_chip_shifts_left() -> None:
    chip_w, chip_h = _expected_size("cat", 0.9)
    _assert_chip_at(box(W - 10, 120, 20, 40), W - chip_w, 100 - chip_h)  # box (310, 100, …)


def test_text_is_black_on_light_chips_and_white_on_dark_ones() -> None:
    for color, text in ((YELLOW, (0, 0, 0)), (NAVY, (255, 255, 255))):
        out = np.asarray(
            draw_boxes(blank(W, H, 40), [box(160, 120, 80, 60)], palette={"cat": color})
        )
        chip = out[70:90, 120:160].reshape(-1, 3)
        colors = {tuple(c) for c in chip.tolist()}
        assert color in colors and text in colors
        other = (255, 255, 255) if text == (0, 0, 0) else (0, 0, 0)
        assert other not in colors


def test_labels_can_be_hidden_or_shortened() -> None:
    image = blank(W, H)
    assert np.array_equal(
        np.asarray(draw_boxes(image, [box(160, 120, 80, 60)], labels=False)),
        np.asarray(draw_boxes(image, [box(160, 120, 80, 60)], labels=False, show_confidence=False)),
    )
    x0, _, x1, _ = _chip_area(box(160, 120, 80, 60), show_confidence=False)
    assert x1 - x0 == chip_size("cat", style_for(W, H))[0] < _expected_size("cat", 0.9)[0]


def test_the_surest_label_is_drawn_on_top() -> None:
    image = blank(W, H)
    sure = box(160, 120, 80, 60, "cat", confidence=0.95)
    unsure = box(162, 121, 80, 60, "dog", confidence=0.2)
    out = np.asarray(draw_boxes(image, [sure, unsure], palette={"cat": YELLOW, "dog": NAVY}))
    assert tuple(out[89, 121]) == YELLOW  # the cat's chip covers the dog's


@pytest.mark.parametrize(("width", "height"), [(320, 240), (640, 480), (1920, 1080), (3840, 2160)])
def test_stroke_and_font_scale_with_the_image(width: int, height: int) -> None:
    style = style_for(width, height)
    assert style.font_size >= 11 and style.stroke >= 1
    if width >= 1920:  # big images: sizes proportional, so they read the same when fitted
        assert 0.012 < style.font_size / height < 0.03
        assert 0.002 < style.stroke / height < 0.006
    image = blank(width, height)
    out = draw_boxes(image, [box(width / 2, height / 2, width / 4, height / 4)], labels=False)
    ys = np.nonzero(changed(image, out)[:, width // 2])[0]
    assert len(ys) == 2 * style.stroke  # the top and bottom outline, each `stroke` thick


@pytest.mark.parametrize(
    ("width", "height"), [(320, 240), (640, 640), (1920, 1080), (3840, 2160), (8000, 6000)]
)
def test_labels_read_well_at_the_size_show_displays(width: int, height: int) -> None:
    """Shown fitted into 1024 px (as ``show`` does), text is at least 10 px and lines at
    least 1 px on screen, whether the image is 320 px or 8000 px wide."""
    style = style_for(width, height)
    scale = min(1.0, 1024 / max(width, height))
    assert style.font_size * scale >= 10
    assert style.stroke * scale >= 0.9
    assert style.font_size * scale <= 24  # and never huge


def test_explicit_stroke_and_font_size_win() -> None:
    style = style_for(3840, 2160, stroke=2, font_size=12)
    assert (style.stroke, style.font_size) == (2, 12)
    x0, y0, x1, y1 = _chip_area(box(160, 120, 80, 60), font_size=30)
    assert (x1 - x0, y1 - y0) == _expected_size("cat", 0.9, font_size=30)


def test_non_ascii_labels_render() -> None:
    x0, _, x1, _ = _chip_area(box(160, 120, 80, 60, "café ✓"))
    assert x1 - x0 == _expected_size("café ✓", 0.9)[0]
