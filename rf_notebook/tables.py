"""Results as pandas DataFrames: a row per prediction, and a row for every empty image."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from .batch import Failure
from .results import (
    AnyResult,
    ClassificationResult,
    DetectionResult,
    MultiLabelResult,
    Result,
    SemanticSegmentationResult,
)

__all__ = ["COLUMNS", "to_dataframe"]

#: Columns of a detection table, in order.
COLUMNS = [
    "image",
    "task",
    "class",
    "class_id",
    "confidence",
    "x",
    "y",
    "width",
    "height",
    "x1",
    "y1",
    "x2",
    "y2",
    "area",
    "detection_id",
    "image_width",
    "image_height",
    "model_id",
]


def to_dataframe(results: AnyResult | Iterable[AnyResult | Failure]) -> pd.DataFrame:
    """One result or many as a table: a row per visible prediction.

    Images with no prediction get one row with empty prediction columns, and failed
    images (from a batch) one row with ``error`` filled in, so no image disappears.
    Classification gives a row per class with its ``rank``; multi-label adds ``predicted``.

    Example:
        >>> df = to_dataframe(batch)  # doctest: +SKIP
        >>> df.groupby("class")["confidence"].describe()  # doctest: +SKIP
    """
    items: Iterable[AnyResult | Failure] = [results] if isinstance(results, Result) else results
    rows: list[dict[str, Any]] = []
    has_error = False
    for index, item in enumerate(items):
        if isinstance(item, Failure):
            has_error = True
            rows.append({"image": item.image, "error": f"{item.error_type}: {item.message}"})
            continue
        base = {
            "image": item.source if item.source is not None else f"image_{index:04d}",
            "task": item.task,
            "image_width": item.image.width if item.image else None,
            "image_height": item.image.height if item.image else None,
            "model_id": item.model_id,
        }
        before = len(rows)
        rows.extend(_rows(item, base))
        if len(rows) == before:
            rows.append(base)
    columns = list(COLUMNS)
    if any("rank" in r for r in rows):
        columns.insert(5, "rank")
    if any("predicted" in r for r in rows):
        columns.insert(5, "predicted")
    if has_error:
        columns.append("error")
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for name in ("confidence", "x", "y", "width", "height", "x1", "y1", "x2", "y2", "area"):
        frame[name] = frame[name].astype("float64")
    frame["class_id"] = frame["class_id"].astype("Int64")
    out: pd.DataFrame = frame
    return out


def _rows(result: AnyResult, base: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(result, DetectionResult):
        return [
            {
                **base,
                "class": p.class_name,
                "class_id": p.class_id,
                "confidence": p.confidence,
                "x": p.x,
                "y": p.y,
                "width": p.width,
                "height": p.height,
                "x1": p.x1,
                "y1": p.y1,
                "x2": p.x2,
                "y2": p.y2,
                "area": p.area,
                "detection_id": p.detection_id,
            }
            for p in result.predictions
        ]
    if isinstance(result, ClassificationResult):
        ranked = sorted(result.predictions, key=lambda c: -c.confidence)
        return [
            {
                **base,
                "class": c.class_name,
                "class_id": c.class_id,
                "confidence": c.confidence,
                "rank": rank,
            }
            for rank, c in enumerate(ranked, start=1)
        ]
    if isinstance(result, MultiLabelResult):
        chosen = set(result.predicted_classes)
        return [
            {
                **base,
                "class": c.class_name,
                "class_id": c.class_id,
                "confidence": c.confidence,
                "predicted": c.class_name in chosen,
            }
            for c in result.predictions
        ]
    if isinstance(result, SemanticSegmentationResult):
        mask = result.mask
        total = mask.size or 1
        ids, counts = _unique(mask)
        return [
            {
                **base,
                "class": result.class_map.get(i, str(i)),
                "class_id": i,
                "area": float(n),
                "confidence": None
                if result.confidence_mask is None
                else float(result.confidence_mask[mask == i].mean()),
                "rank": None,
                "detection_id": None,
                "x": None,
                "share": n / total,
            }
            for i, n in zip(ids, counts, strict=True)
        ]
    return []


def _unique(mask: Any) -> tuple[list[int], list[int]]:
    import numpy as np

    ids, counts = np.unique(mask, return_counts=True)
    return [int(i) for i in ids], [int(n) for n in counts]
