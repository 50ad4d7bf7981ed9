"""Semantic segmentation results: a class id per pixel."""

from __future__ import annotations

import base64
import copy
import io
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from PIL import Image

from ..errors import SchemaError
from .core import Result

__all__ = ["SemanticSegmentationResult"]


def _decode_png(data: str, what: str) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(base64.b64decode(data.split(",")[-1]))) as img:
            return np.asarray(img.convert("L") if img.mode not in ("L", "P", "I") else img)
    except Exception as exc:  # a bad mask is a bad response, whatever PIL says
        raise SchemaError(f"not a base64 PNG image ({exc})", what) from None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SemanticSegmentationResult(Result):
    """A class-id mask the size of the image, and the names of its classes.

    Both response shapes parse: the legacy top-level ``segmentation_mask`` and
    ``class_map``, and the inference server's nested ``predictions`` object.

    Example:
        >>> r.mask.shape, r.class_map[1]  # doctest: +SKIP
        ((768, 1024), 'road')
    """

    mask_png: str = ""
    class_map: dict[int, str] = field(default_factory=dict)
    confidence_png: str | None = None
    present_class_ids: tuple[int, ...] | None = None

    @cached_property
    def mask(self) -> np.ndarray:
        """The ``(height, width)`` array of class ids, decoded once."""
        return _decode_png(self.mask_png, "segmentation_mask").astype(np.int32)

    @cached_property
    def confidence_mask(self) -> np.ndarray | None:
        """Per-pixel confidence in 0–1, when the server sent it."""
        if self.confidence_png is None:
            return None
        return _decode_png(self.confidence_png, "confidence_mask").astype(np.float32) / 255.0

    def json(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.raw))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._header()}, classes={list(self.class_map.values())})"
