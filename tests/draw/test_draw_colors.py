"""Colors: stable per class across calls and processes, palettes, readable text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rf_notebook.draw import (
    DEFAULT_PALETTE,
    OKABE_ITO,
    class_color,
    draw_boxes,
    parse_color,
    text_color_for,
)
from rf_notebook.errors import ConfigError
from tests.draw.helpers import blank, box

NAMES = ["person", "car", "dog", "traffic light", "Ünïcode", ""]
ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import json, sys
import rf_notebook
before = set(sys.modules)
import numpy as np
from rf_notebook.draw import class_color, draw_boxes
out = np.asarray(draw_boxes(np.zeros((30, 40, 3), np.uint8),
                 [{"x": 20, "y": 15, "width": 10, "height": 10, "class": "dog"}], labels=False))
new = set(sys.modules) - before
print(json.dumps({
    "colors": [class_color(n) for n in json.loads(sys.argv[1])],
    "pixel": out[10, 15].tolist(),
    "heavy": sorted(m for m in ("matplotlib", "supervision", "IPython") if m in new),
}))
"""


@pytest.fixture(scope="module")
def children() -> list[dict[str, object]]:
    """Two fresh interpreters with different ``hash()`` salts, run side by side."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, json.dumps(NAMES)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=ROOT,
        )
        for seed in ("1", "4242")
    ]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        results.append(json.loads(out))
    return results


def test_colors_are_the_same_in_other_processes_whatever_the_hash_seed(
    children: list[dict[str, object]],
) -> None:
    here = [list(class_color(n)) for n in NAMES]
    assert children[0]["colors"] == children[1]["colors"] == here
    assert children[0]["pixel"] == children[1]["pixel"] == list(class_color("dog"))


def test_drawing_boxes_imports_neither_matplotlib_nor_supervision(
    children: list[dict[str, object]],
) -> None:
    assert children[0]["heavy"] == []


def test_colors_are_the_same_across_calls_and_images() -> None:
    small = np.asarray(draw_boxes(blank(40, 30), [box(20, 15, 10, 10, "dog")], labels=False))
    large = np.asarray(draw_boxes(blank(400, 300), [box(200, 150, 100, 100, "dog")], labels=False))
    assert tuple(small[10, 15]) == tuple(large[100, 150]) == class_color("dog")
    assert class_color("dog") == class_color("dog") and class_color("dog") in DEFAULT_PALETTE


def test_the_default_palette_is_colorblind_safe_sets_without_greys() -> None:
    assert DEFAULT_PALETTE[: len(OKABE_ITO)] == OKABE_ITO
    assert len(set(DEFAULT_PALETTE)) == len(DEFAULT_PALETTE) >= 20
    assert all(max(c) - min(c) > 40 for c in DEFAULT_PALETTE)  # no black, white or grey
    assert len({class_color(f"class {i}") for i in range(200)}) == len(DEFAULT_PALETTE)


def test_a_user_palette_list_is_also_picked_by_stable_hash() -> None:
    palette = ["#ff0000", "#00ff00", "#0000ff"]
    chosen = {class_color(n, palette) for n in NAMES}
    assert chosen <= {(255, 0, 0), (0, 255, 0), (0, 0, 255)} and len(chosen) > 1
    assert [class_color(n, palette) for n in NAMES] == [class_color(n, palette) for n in NAMES]


def test_a_mapping_sets_colors_and_falls_back_to_the_default() -> None:
    mapping = {"dog": "orange"}
    assert class_color("dog", mapping) == (255, 165, 0)
    assert class_color("cat", mapping) == class_color("cat")
    out = np.asarray(
        draw_boxes(blank(40, 30), [box(20, 15, 10, 10, "dog")], labels=False, palette=mapping)
    )
    assert tuple(out[10, 15]) == (255, 165, 0)


def test_supervision_colors_are_accepted() -> None:
    import supervision as sv

    assert parse_color(sv.Color(r=1, g=2, b=3)) == (1, 2, 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#ff8000", (255, 128, 0)),
        ("#f80", (255, 136, 0)),
        ("navy", (0, 0, 128)),
        ((1, 2, 3), (1, 2, 3)),
        ([1, 2, 3, 4], (1, 2, 3)),
        (np.array([9, 8, 7]), (9, 8, 7)),
    ],
)
def test_parse_color(value: object, expected: tuple[int, int, int]) -> None:
    assert parse_color(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["#ggg", "", (1, 2), (0, 0, 256), (-1, 0, 0), None, 3])
def test_bad_colors_are_config_errors(value: object) -> None:
    with pytest.raises(ConfigError):
        parse_color(value)  # type: ignore[arg-type]


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    def luminance(c: tuple[int, int, int]) -> float:
        lin = [(v / 255) / 12.92 if v <= 10 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_is_black_or_white_whichever_contrasts_more() -> None:
    assert text_color_for("yellow") == (0, 0, 0) and text_color_for("navy") == (255, 255, 255)
    grays = [(v, v, v) for v in range(0, 256, 5)]
    for color in [*DEFAULT_PALETTE, *grays]:
        text = text_color_for(color)
        other = (255, 255, 255) if text == (0, 0, 0) else (0, 0, 0)
        assert _contrast(color, text) >= _contrast(color, other)
    assert min(_contrast(c, text_color_for(c)) for c in DEFAULT_PALETTE) >= 4.5  # WCAG AA
