"""PickReview: decide, take notes, restart, page, export and upload, as a reviewer would."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from rf_notebook.active_learning import Picks, pick
from rf_notebook.draw import class_color
from rf_notebook.errors import ConfigError
from rf_notebook.widgets import PickReview, ReviewState

from .conftest import decode, det, near, result, write_image


@pytest.fixture
def picks(tmp_path: Path) -> Picks:
    """Five images on disk, each with boxes near the 0.4 threshold."""
    folder = tmp_path / "images"
    folder.mkdir()
    results = []
    for i in range(5):
        path = write_image(folder, f"img_{i}.png", (160, 120))
        boxes = [det(0.38 + 0.01 * i, "cat", (20, 20, 80, 80)), det(0.9, "dog", (90, 30, 150, 100))]
        results.append(result(str(path), boxes, size=(160, 120), floor=0.05))
    chosen = pick(results, 5, ["near_threshold"], confidence=0.4, dedup=False)
    assert len(chosen) == 5
    return chosen


def rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as handle:
        return {row["image"]: row for row in csv.DictReader(handle)}


def test_gallery_shows_each_pick_with_its_overlay_and_reason(picks: Picks, tmp_path: Path) -> None:
    review = PickReview(picks, tmp_path / "review.csv", per_page=2, image_format="png")
    assert [slot.position for slot in review.slots] == [0, 1]
    first = review.slots[0]
    assert "#1 " in first.caption.value
    assert str(picks.table.loc[0, "reason"]).split()[0] in first.caption.value
    pixels = decode(first.image.value)
    assert max(pixels.shape[:2]) <= 320
    assert near(pixels, class_color("dog"), 0) > 50  # the 0.9 dog is drawn
    assert "page 1/3" in review.page_label.value
    assert "5 undecided" in review.page_label.value


def test_decisions_are_saved_at_once_and_survive_a_restart(picks: Picks, tmp_path: Path) -> None:
    saved = tmp_path / "review.csv"
    review = PickReview(picks, saved, per_page=2)
    review.slots[0].buttons["keep"].click()
    review.slots[1].buttons["relabel"].click()
    review.slots[1].note.value = "the cat is a fox"
    name0, name1 = review.state.names[:2]
    on_disk = rows(saved)
    assert on_disk[name0]["decision"] == "keep"
    assert on_disk[name1]["decision"] == "relabel"
    assert on_disk[name1]["note"] == "the cat is a fox"
    assert review.slots[0].buttons["keep"].button_style == "success"
    assert review.slots[0].buttons["skip"].button_style == ""
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files

    again = PickReview(picks, saved, per_page=2)  # a new kernel, the same file
    assert again.state.decision(0) == "keep"
    assert again.slots[1].note.value == "the cat is a fox"
    assert again.slots[1].buttons["relabel"].button_style == "info"
    assert "1 keep · 0 skip · 1 relabel · 3 undecided" in again.page_label.value


def test_clicking_the_chosen_decision_again_clears_it(picks: Picks) -> None:
    review = PickReview(picks, None)
    review.slots[0].buttons["skip"].click()
    assert review.state.decision(0) == "skip"
    review.slots[0].buttons["skip"].click()
    assert review.state.decision(0) == ""
    assert review.slots[0].buttons["skip"].button_style == ""


def test_pages_turn_and_the_last_page_hides_empty_places(picks: Picks) -> None:
    review = PickReview(picks, None, per_page=2)
    review.next.click()
    assert [slot.position for slot in review.slots] == [2, 3]
    review.slots[0].buttons["skip"].click()
    assert review.state.decision(2) == "skip"
    review.next.click()
    assert [slot.position for slot in review.slots] == [4, -1]
    assert review.slots[1].box.layout.display == "none"
    review.next.click()  # no page after the last
    assert review.state.page == 2
    review.previous.click()
    assert review.slots[0].buttons["skip"].button_style == "warning"
    assert review.state.skipped() == [review.state.names[2]]


def test_export_writes_only_kept_picks_and_the_review(picks: Picks, tmp_path: Path) -> None:
    out = tmp_path / "to-label"
    review = PickReview(picks, tmp_path / "review.csv", export_to=out)
    review.slots[0].buttons["keep"].click()
    review.slots[1].buttons["skip"].click()
    review.slots[2].buttons["relabel"].click()
    review.slots[2].note.value = "wrong class"
    review.export_button.click()
    assert "exported" in review.status.value
    exported = rows(out / "picks.csv")
    assert sorted(exported) == sorted([review.state.names[0], review.state.names[2]])
    assert len(list((out / "images").iterdir())) == 2
    assert rows(out / "review.csv")[review.state.names[2]]["note"] == "wrong class"
    review.export_button.click()  # again, after more review: replaces the export
    assert "exported" in review.status.value


def test_upload_calls_the_given_function_with_the_kept_picks(picks: Picks) -> None:
    sent: list[Any] = []

    def upload(chosen: Picks) -> str:
        sent.append(chosen)
        return "done"

    review = PickReview(picks, None, upload=upload)
    review.upload_button.click()
    assert "no pick is marked keep" in review.status.value
    assert sent == []
    review.slots[3].buttons["keep"].click()
    review.upload_button.click()
    assert len(sent) == 1
    assert list(sent[0].table["image"]) == [review.state.names[3]]
    assert "uploaded: 'done'" in review.status.value


def test_upload_is_disabled_without_a_function_or_project(picks: Picks) -> None:
    assert PickReview(picks, None).upload_button.disabled
    assert not PickReview(picks, None, project="my-project").upload_button.disabled
    with pytest.raises(ConfigError, match="upload="):
        ReviewState(picks, None).upload()


def test_a_damaged_decisions_file_is_reported(picks: Picks, tmp_path: Path) -> None:
    bad = tmp_path / "review.csv"
    bad.write_text("image,decision\nimg_0.png,maybe\n")
    with pytest.raises(ConfigError, match="line 2"):
        ReviewState(picks, bad)
    bad.write_text("name\nimg_0.png\n")
    with pytest.raises(ConfigError, match="'image' column"):
        ReviewState(picks, bad)
