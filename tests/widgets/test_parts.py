"""The plain parts under the widgets: image bytes, HTML tables, decisions, inputs, imports."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from rf_notebook.errors import ConfigError
from rf_notebook.evaluate import ImageTruth
from rf_notebook.widgets import DecisionLog, encode_image, png_bytes
from rf_notebook.widgets.cache import ImageCache
from rf_notebook.widgets.html import frame_html, message_html
from rf_notebook.widgets.inputs import find_by_name, named_results, truth_drawable

from .conftest import result


@pytest.mark.parametrize("size", [(1, 1), (7, 3), (64, 48)])
def test_fast_png_decodes_to_exactly_the_same_pixels(size: tuple[int, int]) -> None:
    rng = np.random.default_rng(size[0])
    pixels = rng.integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(png_bytes(Image.fromarray(pixels)))))
    assert np.array_equal(decoded, pixels)


def test_png_of_a_non_rgb_image_is_converted() -> None:
    gray = Image.new("L", (3, 2), 77)
    assert Image.open(io.BytesIO(encode_image(gray, "png"))).getpixel((2, 1)) == (77, 77, 77)


def test_jpeg_and_bad_formats() -> None:
    assert encode_image(Image.new("RGB", (8, 8)), "jpeg").startswith(b"\xff\xd8\xff")
    with pytest.raises(ConfigError, match="'png' or 'jpeg'"):
        encode_image(Image.new("RGB", (8, 8)), "gif")  # type: ignore[arg-type]


def test_frame_html_escapes_and_limits_rows() -> None:
    frame = pd.DataFrame({"class": ["<b>cat</b>", "dog", "eel"], "confidence": [0.912, 0.5, None]})
    text = frame_html(frame, max_rows=2)
    assert "&lt;b&gt;cat&lt;/b&gt;" in text
    assert "<td" in text and "0.91" in text
    assert "… 1 more" in text
    assert "eel" not in text
    assert message_html("<x>", "error") == '<span style="color:#b00020">&lt;x&gt;</span>'


def test_decision_log_reads_back_what_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "review.csv"
    log = DecisionLog(path)
    log.set("a.jpg", decision="keep", note='commas, "quotes"\nand lines')
    log.set("b.jpg", note="later")
    again = DecisionLog(path)
    assert again.get("a.jpg").decision == "keep"
    assert again.get("a.jpg").note == 'commas, "quotes"\nand lines'
    assert again.get("b.jpg").decision == ""
    assert again.get("c.jpg").decision == ""
    assert again.frame()["image"].tolist() == ["a.jpg", "b.jpg"]
    assert len(again) == 2


def test_decision_log_accepts_hand_edited_case(tmp_path: Path) -> None:
    path = tmp_path / "review.csv"
    path.write_text("image,decision,note,updated\na.jpg, Keep ,,\n")
    assert DecisionLog(path).get("a.jpg").decision == "keep"
    with pytest.raises(ConfigError, match="decision must be"):
        DecisionLog(None).set("a.jpg", decision="perhaps")  # type: ignore[arg-type]


def test_inputs_find_things_by_name() -> None:
    assert find_by_name({"cat.jpg": 1}, "/data/cat.jpg") == 1
    assert find_by_name({"cat": 2}, "https://x/cat.jpg?dl=1") == 2
    assert find_by_name({"dog": 3}, "cat.jpg") is None
    names, _ = named_results([result("a.jpg", []), result(None, [])])
    assert names == ["a.jpg", "image 1"]
    with pytest.raises(ConfigError, match="no results"):
        named_results([])


def test_ground_truth_to_draw_leaves_out_crowd_regions() -> None:
    truth = ImageTruth.from_boxes(
        "a.jpg", [[0, 0, 10, 10], [20, 20, 40, 30]], ["cat", "dog"], iscrowd=[True, False]
    )
    drawn = truth_drawable(truth, (64, 48))
    assert drawn["image"] == {"width": 64, "height": 48}
    assert drawn["predictions"] == [
        {"x": 30.0, "y": 25.0, "width": 20.0, "height": 10.0, "class": "dog"}
    ]


def test_image_cache_keeps_the_most_recent() -> None:
    cache = ImageCache(max_size=16, capacity=2)
    for key in ("a", "b", "a", "c", "a"):
        cache.get(key, np.zeros((40, 20, 3), np.uint8))
    assert cache.loads == 3 and len(cache) == 2
    assert cache.get("a", np.zeros((1, 1, 3), np.uint8)).image.size == (8, 16)


def test_importing_widgets_imports_neither_ipywidgets_nor_the_client() -> None:
    code = (
        "import sys, rf_notebook.widgets; "
        "print([m for m in ('ipywidgets', 'rf_notebook.server') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
