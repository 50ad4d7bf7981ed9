"""DataFrames: a row per prediction, and no image ever disappears."""

from __future__ import annotations

import pandas as pd

from rf_notebook import Batch, Failure, Result, to_dataframe
from tests.fixtures import responses as R


def test_detection_rows_have_corners_and_area() -> None:
    frame = to_dataframe(Result.from_json(R.OBJECT_DETECTION, source="a.jpg"))
    assert len(frame) == 2
    row = frame.iloc[0]
    assert (row["image"], row["class"], row["class_id"]) == ("a.jpg", "person", 0)
    assert (row["x1"], row["y1"], row["x2"], row["y2"]) == (370.0, 220.0, 455.0, 380.0)
    assert row["area"] == 85.0 * 160.0 and row["image_width"] == 1280


def test_empty_images_and_failures_keep_a_row() -> None:
    items = [
        Result.from_json(R.OBJECT_DETECTION, source="a.jpg"),
        Result.from_json(R.EMPTY_DETECTION, source="empty.jpg"),
        Failure(2, "bad.jpg", "ImageError", "damaged"),
    ]
    frame = Batch(items).to_dataframe()
    assert list(frame["image"]) == ["a.jpg", "a.jpg", "empty.jpg", "bad.jpg"]
    empty = frame[frame["image"] == "empty.jpg"].iloc[0]
    assert pd.isna(empty["class"]) and pd.isna(empty["confidence"])
    assert frame["error"].tolist()[-1] == "ImageError: damaged"
    assert len(Batch(items).to_dataframe(include_errors=False)) == 3


def test_classification_and_multilabel_rows() -> None:
    single = to_dataframe(Result.from_json(R.CLASSIFICATION))
    assert single[["class", "rank"]].values.tolist() == [["ripe", 1], ["overripe", 2]]
    multi = to_dataframe(Result.from_json(R.MULTI_LABEL))
    assert multi[["class", "predicted"]].values.tolist() == [["cat", True], ["dog", False]]


def test_filtered_results_give_filtered_tables() -> None:
    result = Result.from_json(R.OBJECT_DETECTION).filter(confidence=0.5)
    assert to_dataframe(result)["class"].tolist() == ["person"]
    assert to_dataframe([])["class"].tolist() == []
