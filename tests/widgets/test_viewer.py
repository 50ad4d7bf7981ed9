"""Viewer: move the controls as a user would and check the drawn pixels and the tables."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rf_notebook.draw import TRUE_POSITIVE, class_color
from rf_notebook.errors import ConfigError, MissingDependencyError
from rf_notebook.evaluate import GroundTruth, ImageTruth
from rf_notebook.widgets import Viewer, ViewerState

from .conftest import black, decode, det, near, result

BLACK = (0, 0, 0)
CAT, DOG = class_color("cat"), class_color("dog")


def pixel(viewer: Viewer, x: int, y: int) -> tuple[int, ...]:
    return tuple(int(v) for v in decode(viewer.image.value)[y, x])


@pytest.fixture
def two_boxes() -> Viewer:
    """A cat (0.9) at x 20–80 and a dog (0.6) at x 120–180 on black; labels off."""
    r = result(None, [det(0.9, "cat", (20, 20, 80, 80)), det(0.6, "dog", (120, 30, 180, 90))])
    viewer = Viewer([r], images=[black()], image_format="png")
    viewer.labels.value = False
    return viewer


def test_viewer_draws_each_box_in_its_class_color(two_boxes: Viewer) -> None:
    assert pixel(two_boxes, 20, 50) == CAT  # left edge of the cat box
    assert pixel(two_boxes, 120, 60) == DOG
    assert pixel(two_boxes, 50, 50) == BLACK  # inside: outlines only


def test_confidence_slider_hides_boxes_below_it_and_updates_the_table(two_boxes: Viewer) -> None:
    assert two_boxes.confidence.min == pytest.approx(0.3)  # the requested floor
    assert "dog" in two_boxes.table.value
    two_boxes.confidence.value = 0.8
    assert pixel(two_boxes, 120, 60) == BLACK
    assert pixel(two_boxes, 20, 50) == CAT
    assert two_boxes.state.table()["class"].tolist() == ["cat"]
    assert "dog" not in two_boxes.table.value
    assert "1 of 2 shown" in two_boxes.status.value
    two_boxes.confidence.value = 0.5  # lower again: everything received comes back
    assert pixel(two_boxes, 120, 60) == DOG


def test_confidence_at_the_top_of_the_slider_is_not_read_as_a_percentage() -> None:
    r = result(None, [det(1.0, "cat", (20, 20, 80, 80)), det(0.5, "cat", (100, 20, 150, 80))])
    viewer = Viewer([r], images=[black()], image_format="png")
    viewer.confidence.value = 1.0
    assert viewer.state.table()["confidence"].tolist() == [1.0]


def test_class_selection_shows_only_the_chosen_classes(two_boxes: Viewer) -> None:
    assert two_boxes.classes.options == ("cat", "dog")
    two_boxes.classes.value = ("dog",)
    assert pixel(two_boxes, 20, 50) == BLACK
    assert pixel(two_boxes, 120, 60) == DOG
    two_boxes.classes.value = ()  # nothing selected reads as everything
    assert pixel(two_boxes, 20, 50) == CAT


def test_overlap_slider_suppresses_same_class_duplicates_on_the_client() -> None:
    boxes = [
        det(0.9, "cat", (20, 20, 80, 80)),
        det(0.7, "cat", (22, 20, 82, 80)),  # IoU 0.94 with the first
        det(0.6, "dog", (21, 20, 81, 80)),  # another class: never suppressed
    ]
    viewer = Viewer([result(None, boxes)], images=[black()], image_format="png")
    assert len(viewer.state.table()) == 3
    viewer.overlap.value = 0.5
    assert viewer.state.table()["confidence"].tolist() == [0.9, 0.6]
    counts = viewer.state.counts()
    assert counts.loc["cat", "shown"] == 1
    assert counts.loc["cat", "received"] == 2
    assert "overlap ≤ 0.50" in viewer.status.value
    viewer.overlap.value = 1.0  # the top turns it off
    assert len(viewer.state.table()) == 3


def test_labels_and_confidence_toggles_change_the_drawing() -> None:
    r = result(None, [det(0.9, "cat", (20, 40, 120, 110))])
    viewer = Viewer([r], images=[black()], image_format="png")
    with_labels = decode(viewer.image.value)
    viewer.show_confidence.value = False
    without_confidence = decode(viewer.image.value)
    viewer.labels.value = False
    bare = decode(viewer.image.value)
    # a chip is a filled block of the class color; the text "0.90" makes it wider
    assert near(with_labels, CAT, 0) > near(without_confidence, CAT, 0) > near(bare, CAT, 0)


def test_previous_and_next_walk_the_images_and_decode_each_once() -> None:
    images = [black(), np.full((120, 200, 3), 255, np.uint8)]
    results = [result("a", [det(0.9, "cat", (20, 20, 80, 80))]), result("b", [])]
    viewer = Viewer(results, images=images, image_format="png")
    assert pixel(viewer, 100, 100) == BLACK
    viewer.next.click()
    assert viewer.picker.value == 1
    assert pixel(viewer, 100, 100) == (255, 255, 255)
    assert viewer.state.table().empty
    viewer.next.click()  # wraps around
    assert viewer.picker.value == 0
    viewer.previous.click()
    viewer.confidence.value = 0.7
    assert viewer.state.cache.loads == 2


def test_images_are_found_by_name_and_results_may_come_as_a_dict(tmp_path: Path) -> None:
    Image.fromarray(np.full((120, 200, 3), 200, np.uint8)).save(tmp_path / "a.png")
    viewer = Viewer({"x/a.png": result(None, [])}, images={"a.png": tmp_path / "a.png"})
    assert viewer.picker.options[0][0] == "1. a.png"
    assert np.abs(decode(viewer.image.value).astype(int) - 200).max() <= 3  # JPEG by default
    assert viewer.image.format == "jpeg"


def test_without_pixels_the_boxes_are_drawn_on_gray() -> None:
    viewer = Viewer(result("nowhere.jpg", [det(0.9, "cat", (20, 20, 80, 80))]), image_format="png")
    assert pixel(viewer, 100, 100) == (128, 128, 128)
    assert "drawn on gray" in viewer.status.value


def test_large_images_are_shrunk_and_boxes_scaled_with_them() -> None:
    r = result(None, [det(0.9, "cat", (200, 200, 800, 600))], size=(1000, 800))
    viewer = Viewer([r], images=[black((1000, 800))], max_size=500, image_format="png")
    pixels = decode(viewer.image.value)
    assert pixels.shape == (400, 500, 3)
    assert tuple(pixels[200, 100]) == CAT  # x 200 → 100 at half size


def test_ground_truth_toggle_shows_ground_truth_beside_predictions() -> None:
    r = result("a.jpg", [det(0.9, "cat", (20, 20, 80, 80)), det(0.8, "dog", (120, 30, 180, 90))])
    gt = GroundTruth.from_images(
        [ImageTruth.from_boxes("a.jpg", [[20, 20, 80, 80]], ["cat"], width=200, height=120)]
    )
    viewer = Viewer([r], images=[black()], ground_truth=gt, image_format="png")
    assert viewer.truth is not None
    single = decode(viewer.image.value)
    viewer.truth.value = True
    both = decode(viewer.image.value)
    assert both.shape[1] > 2 * single.shape[1] - 10  # two panels
    assert near(both, TRUE_POSITIVE, 0) > 100  # the matched cat, on both sides


def test_a_viewer_without_ground_truth_has_no_toggle(two_boxes: Viewer) -> None:
    assert two_boxes.truth is None


def test_an_unreadable_image_is_reported_in_the_status_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    viewer = Viewer([result(None, [])], images=[bad])
    assert viewer.image.value == b""
    assert "not an image" in viewer.status.value


def test_state_renders_without_any_widget() -> None:
    state = ViewerState([result(None, [det(0.9, "cat", (20, 20, 80, 80))])], images=[black()])
    state.confidence = 0.1  # clamped to the floor
    assert state.confidence == pytest.approx(0.3)
    state.labels = False
    assert state.render().getpixel((20, 50)) == CAT


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ConfigError, match="images has 2 items for 1 results"):
        ViewerState([result(None, [])], images=[black(), black()])
    with pytest.raises(ConfigError, match="not a result"):
        ViewerState([{"predictions": []}])


def test_missing_ipywidgets_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(MissingDependencyError, match=r"rf-notebook\[widgets\]"):
        Viewer([result(None, [])])


def test_classification_results_show_a_ranked_table_and_no_overlap_control() -> None:
    from rf_notebook.results import ClassificationResult, ClassScore, ImageInfo

    scores = (ClassScore("ripe", 0.7), ClassScore("unripe", 0.2), ClassScore("rotten", 0.1))
    r = ClassificationResult(
        task="classification",
        image=ImageInfo(200, 120),
        predictions=scores,
        received=scores,
        top="ripe",
        confidence=0.7,
    )
    viewer = Viewer([r], images=[black()], image_format="png")
    assert viewer.overlap.disabled
    assert viewer.state.table()["class"].tolist() == ["ripe", "unripe", "rotten"]
    assert near(decode(viewer.image.value), class_color("ripe"), 0) > 50  # the banner
    viewer.confidence.value = 0.5
    assert viewer.state.table()["class"].tolist() == ["ripe"]
