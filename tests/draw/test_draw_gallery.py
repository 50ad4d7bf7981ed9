"""show, grid and side_by_side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_notebook.draw import (
    FALSE_NEGATIVE,
    FALSE_POSITIVE,
    TRUE_POSITIVE,
    draw_boxes,
    grid,
    show,
    side_by_side,
    style_for,
)
from rf_notebook.draw.chips import chip_size
from rf_notebook.draw.gallery import display_copy
from rf_notebook.errors import ConfigError
from rf_notebook.results import Result
from tests.draw.helpers import blank, box

RED = (255, 0, 0)


def _has(pixels: Any, color: tuple[int, int, int]) -> bool:
    return bool((np.asarray(pixels) == color).all(axis=-1).any())


def test_show_returns_the_drawing_and_displays_a_screen_sized_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import IPython
    import IPython.display

    shown: list[Image.Image] = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", shown.append)
    image = blank(3000, 1500)
    out = show(image, [box(1500, 750, 400, 300)], size=1000, labels=False)
    assert np.array_equal(
        np.asarray(out), np.asarray(draw_boxes(image, [box(1500, 750, 400, 300)], labels=False))
    )
    assert len(shown) == 1 and shown[0].size == (1000, 500)


def test_show_outside_ipython_only_returns() -> None:
    out = show(blank(20, 10, 5))
    assert out.size == (20, 10) and np.asarray(out).max() == 5


def test_show_takes_a_result_that_knows_its_image(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    Image.fromarray(blank(60, 40, 30)).save(path)
    result = Result.from_json(
        {"image": {"width": 60, "height": 40}, "predictions": [box(30, 20, 10, 10)]},
        source=str(path),
    )
    assert np.array_equal(np.asarray(show(result)), np.asarray(draw_boxes(path, result)))
    assert np.array_equal(np.asarray(show((path, result))), np.asarray(draw_boxes(path, result)))
    with pytest.raises(ConfigError, match="pass the image"):
        show(Result.from_json({"predictions": []}))


def test_display_copy_sizes() -> None:
    assert display_copy(Image.new("RGB", (64, 32))).size == (256, 128)
    assert display_copy(Image.new("RGB", (500, 400))).size == (500, 400)
    assert display_copy(Image.new("RGB", (4096, 2048)), 1024).size == (1024, 512)


def test_grid_lays_out_cells_with_titles() -> None:
    items = [blank(200, 100, 10), (blank(100, 200, 20), [box(50, 100, 60, 60)]), blank(50, 50)]
    sheet = grid(items, cols=2, titles=["a", "b", "c"], cell_size=100, palette={"cat": RED})
    style = style_for(100, 100)
    gap = 2 * style.margin
    title = (style.font_size * 3) // 2 + 2 * style.pad_y
    assert sheet.size == (2 * (100 + gap) + gap, 2 * (title + 100 + gap) + gap)
    pixels = np.asarray(sheet)
    assert _has(pixels, RED)  # the box in the second cell, drawn after shrinking
    assert _has(pixels, (10, 10, 10)) and _has(pixels, (20, 20, 20))
    assert tuple(pixels[0, 0]) == (255, 255, 255)


def test_grid_scales_predictions_with_their_image() -> None:
    image = blank(400, 400)
    sheet = np.asarray(
        grid(
            [(image, [box(200, 200, 200, 200)])],
            cell_size=100,
            labels=False,
            palette={"cat": RED},
            stroke=1,
        )
    )
    gap = 2 * style_for(100, 100).margin
    cell = sheet[gap : gap + 100, gap : gap + 100]
    assert tuple(cell[25, 50]) == RED and tuple(cell[24, 50]) == (0, 0, 0)
    assert tuple(cell[50, 25]) == RED and tuple(cell[50, 50]) == (0, 0, 0)


@pytest.mark.parametrize(
    ("items", "options"),
    [
        ([], {}),
        ([blank(5, 5)], {"cols": 0}),
        ([blank(5, 5)], {"titles": ["a", "b"]}),
        ([blank(5, 5)], {"cell_size": 4}),
    ],
)
def test_grid_refuses_bad_arguments(items: list[Any], options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        grid(items, **options)


W, H = 200, 120
TRUTH = [  # ground truth has no confidence
    {"x": 40, "y": 40, "width": 40, "height": 40, "class": "cat"},
    {"x": 150, "y": 40, "width": 40, "height": 40, "class": "cat"},
    {"x": 100, "y": 90, "width": 30, "height": 30, "class": "dog"},
]
PREDICTED = [
    box(41, 40, 40, 40, "cat", confidence=0.9),  # finds the first cat
    box(100, 90, 30, 30, "cat", confidence=0.8),  # right place, wrong class
    box(170, 100, 20, 20, "dog", confidence=0.2),  # nothing there
]


def _panels(picture: Image.Image) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pixels = np.asarray(picture)
    style = style_for(W, H)
    gap = max(2, style.margin)
    header = chip_size("Ag", style)[1] + 2 * style.margin  # the title row
    assert (pixels[header - 1] == 255).all() and not (pixels[header, :W] == 255).all()
    left = pixels[header : header + H, :W]
    right = pixels[header : header + H, W + gap :]
    return left, right, pixels[header + H :]


def test_side_by_side_colors_true_false_positives_and_misses() -> None:
    image = blank(W, H, 40)
    picture = side_by_side(image, TRUTH, PREDICTED, stroke=1, labels=False)
    style = style_for(W, H)
    assert picture.width == 2 * W + max(2, style.margin)
    left, right, legend = _panels(picture)
    assert tuple(left[20, 40]) == TRUE_POSITIVE  # truth 1 was found
    assert tuple(left[20, 150]) == FALSE_NEGATIVE  # truth 2 was missed
    assert tuple(left[75, 100]) == FALSE_NEGATIVE  # the dog: only a "cat" there
    assert tuple(right[20, 41]) == TRUE_POSITIVE
    assert tuple(right[75, 100]) == FALSE_POSITIVE  # wrong class
    assert tuple(right[90, 170]) == FALSE_POSITIVE
    for color in (TRUE_POSITIVE, FALSE_POSITIVE, FALSE_NEGATIVE):
        assert _has(legend, color)


def test_side_by_side_honours_iou_and_confidence() -> None:
    image = blank(W, H, 40)
    strict = side_by_side(image, TRUTH, PREDICTED, iou=0.99, stroke=1, labels=False)
    left, right, _ = _panels(strict)
    assert tuple(left[20, 40]) == FALSE_NEGATIVE and tuple(right[20, 41]) == FALSE_POSITIVE
    sure = side_by_side(image, TRUTH, PREDICTED, confidence=0.5, stroke=1, labels=False)
    _, right, _ = _panels(sure)
    assert tuple(right[90, 170]) == (40, 40, 40)  # the 0.2 prediction is gone


def test_side_by_side_leaves_the_image_alone_and_accepts_results() -> None:
    image = blank(W, H, 40)
    before = image.copy()
    result = Result.from_json({"image": {"width": W, "height": H}, "predictions": PREDICTED})
    a = side_by_side(image, TRUTH, result)
    b = side_by_side(image, TRUTH, PREDICTED)
    assert np.array_equal(np.asarray(a), np.asarray(b)) and np.array_equal(image, before)


@pytest.mark.parametrize(
    "bad",
    [
        {"iou": 1.5},
        {"prediction": {"top": "x", "predictions": [{"class": "x", "confidence": 0.5}]}},
    ],
)
def test_side_by_side_refuses_non_boxes_and_bad_iou(bad: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"prediction": PREDICTED, **bad}
    with pytest.raises(ConfigError):
        side_by_side(blank(W, H), TRUTH, **arguments)
