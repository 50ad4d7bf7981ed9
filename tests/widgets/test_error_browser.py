"""ErrorBrowser: click matrix cells, move the threshold, page and sort the gallery."""

from __future__ import annotations

import pytest

from rf_notebook.draw import FALSE_NEGATIVE, FALSE_POSITIVE, TRUE_POSITIVE
from rf_notebook.errors import ConfigError
from rf_notebook.evaluate import Evaluation
from rf_notebook.widgets import ErrorBrowser, ErrorBrowserState
from rf_notebook.widgets.error_browser import cell_color

from .conftest import decode, near

BG = "background"


def counts(browser: ErrorBrowser) -> dict[tuple[str, str], int]:
    return {cell: int(button.description) for cell, button in browser.cells.items()}


def test_matrix_buttons_show_the_evaluations_counts(evaluation: Evaluation) -> None:
    browser = ErrorBrowser(evaluation, image_format="png")
    assert browser.labels == ["cat", "dog", BG]
    assert counts(browser) == {
        ("cat", "cat"): 1, ("cat", "dog"): 0, ("cat", BG): 1,
        ("dog", "cat"): 1, ("dog", "dog"): 0, ("dog", BG): 0,
        (BG, "cat"): 0, (BG, "dog"): 3, (BG, BG): 0,
    }  # fmt: skip
    assert browser.cells[("cat", "dog")].style.button_color == "#f4f4f4"
    assert browser.cells[(BG, "dog")].style.button_color != "#f4f4f4"
    assert browser.gallery.value == b""  # nothing open yet


def test_threshold_slider_recounts_the_matrix_live(evaluation: Evaluation) -> None:
    browser = ErrorBrowser(evaluation)
    browser.threshold.value = 0.4  # b's dog at 0.45 now counts
    assert counts(browser)[(BG, "dog")] == 4
    browser.threshold.value = 0.85  # the 0.8 "cat" on a dog drops: that dog is missed
    got = counts(browser)
    assert got[("dog", "cat")] == 0
    assert got[("dog", BG)] == 1
    assert got[(BG, "dog")] == 0
    assert got[("cat", "cat")] == 1


def test_clicking_a_cell_opens_a_gallery_of_its_false_positives(evaluation: Evaluation) -> None:
    browser = ErrorBrowser(evaluation, image_format="png")
    browser.cells[(BG, "dog")].click()
    assert browser.state.cell == (BG, "dog")
    assert browser.cells[(BG, "dog")].layout.border == "2px solid #222"
    pixels = decode(browser.gallery.value)
    # each panel's legend has one chip of each color; the boxes and labels add FP color
    assert near(pixels, FALSE_POSITIVE) > 1.8 * near(pixels, TRUE_POSITIVE)
    assert near(pixels, FALSE_POSITIVE) > 1.8 * near(pixels, FALSE_NEGATIVE)
    assert "false alarms" in browser.status.value
    assert "3 at confidence ≥ 0.50" in browser.status.value


def test_missed_objects_are_drawn_as_false_negatives(evaluation: Evaluation) -> None:
    browser = ErrorBrowser(evaluation, image_format="png")
    browser.cells[("cat", BG)].click()
    assert browser.state.objects()["image"].tolist() == ["b.png"]
    pixels = decode(browser.gallery.value)
    assert near(pixels, FALSE_NEGATIVE) > 1.6 * near(pixels, FALSE_POSITIVE)


def test_a_confusion_is_a_false_positive_beside_a_false_negative(evaluation: Evaluation) -> None:
    browser = ErrorBrowser(evaluation, image_format="png")
    browser.cells[("dog", "cat")].click()
    pixels = decode(browser.gallery.value)
    assert "'dog' objects predicted as 'cat'" in browser.status.value
    assert near(pixels, FALSE_POSITIVE) > 1.6 * near(pixels, TRUE_POSITIVE)
    assert near(pixels, FALSE_NEGATIVE) > 1.6 * near(pixels, TRUE_POSITIVE)


def test_a_confusion_cell_lists_that_pair_only(evaluation: Evaluation) -> None:
    state = ErrorBrowserState(evaluation)
    state.open("dog", "cat")
    rows = state.objects()
    assert rows[["image", "class", "matched_class"]].values.tolist() == [["a.png", "cat", "dog"]]
    state.open("cat", "dog")
    assert state.objects().empty
    assert state.gallery() is None


def test_sorting_puts_images_with_the_most_false_positives_first(evaluation: Evaluation) -> None:
    browser = ErrorBrowser(evaluation)
    browser.cells[(BG, "dog")].click()
    assert browser.state.objects()["image"].tolist() == ["c.png", "c.png", "b.png"]
    browser.sort.value = "confidence"
    assert browser.state.objects()["confidence"].tolist() == [0.7, 0.6, 0.55]
    browser.mode.value = "images"
    assert [name for name, _ in browser.state.items()] == ["b.png", "c.png"]
    assert browser.gallery.value != b""


def test_gallery_pages(evaluation: Evaluation) -> None:
    browser = ErrorBrowser(evaluation, per_page=2, image_format="png")
    browser.cells[(BG, "dog")].click()
    first = browser.gallery.value
    assert browser.state.pages == 2
    assert "page 1/2" in browser.status.value
    browser.next.click()
    assert browser.state.page == 1
    assert browser.gallery.value != first
    browser.next.click()  # stays on the last page
    assert browser.state.page == 1
    browser.previous.click()
    assert browser.gallery.value == first


def test_the_open_cell_follows_the_threshold(evaluation: Evaluation) -> None:
    browser = ErrorBrowser(evaluation)
    browser.cells[(BG, "dog")].click()
    browser.threshold.value = 0.65
    assert browser.state.objects()["confidence"].tolist() == [0.7]
    assert "1 at confidence ≥ 0.65" in browser.status.value


def test_true_positive_cells_say_they_are_not_listed(evaluation: Evaluation) -> None:
    browser = ErrorBrowser(evaluation)
    browser.cells[("cat", "cat")].click()
    assert "true positives" in browser.status.value


def test_state_refuses_unknown_cells_and_other_evaluations(evaluation: Evaluation) -> None:
    with pytest.raises(ConfigError, match="no cell"):
        ErrorBrowserState(evaluation).open("cat", "horse")
    with pytest.raises(ConfigError, match="detection Evaluation"):
        ErrorBrowserState("not an evaluation")  # type: ignore[arg-type]


def test_cell_colors() -> None:
    assert cell_color(0, 9, True) == "#f4f4f4"
    assert cell_color(9, 9, False) != cell_color(1, 9, False)
