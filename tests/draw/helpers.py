"""Helpers for drawing tests: blank images and expected outline pixels."""

from __future__ import annotations

from typing import Any

import numpy as np


def blank(width: int, height: int, value: int = 0) -> np.ndarray:
    """An RGB uint8 image of one gray level."""
    return np.full((height, width, 3), value, dtype=np.uint8)


def ring(
    shape: tuple[int, int], left: int, top: int, right: int, bottom: int, stroke: int
) -> np.ndarray:
    """Boolean mask of the pixels a box outline covers: ``stroke`` pixels inward from the
    inclusive rectangle, computed the slow, obvious way."""
    mask = np.zeros(shape, dtype=bool)
    for y in range(top, bottom + 1):
        for x in range(left, right + 1):
            if min(x - left, right - x, y - top, bottom - y) < stroke:
                mask[y, x] = True
    return mask


def changed(before: Any, after: Any) -> np.ndarray:
    """Boolean mask of pixels that differ between two RGB images (arrays or PIL)."""
    diff: np.ndarray = np.any(np.asarray(before) != np.asarray(after), axis=2)
    return diff


def box(x: float, y: float, w: float, h: float, name: str = "cat", **extra: Any) -> dict[str, Any]:
    """A prediction dict in the API's center format."""
    return {"x": x, "y": y, "width": w, "height": h, "class": name, "confidence": 0.9, **extra}
