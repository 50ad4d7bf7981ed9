"""One inference, shared by the legacy route and ``/infer/*``: decode, run, shape, draw."""

from __future__ import annotations

import base64
import io
import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from .decoding import image_array
from .problems import Problem
from .runtime import InferenceParams, ModelRegistry

__all__ = ["Rendering", "infer_one", "parse_bool", "parse_threshold"]


@dataclass(frozen=True)
class Rendering:
    """How to draw the answer, if at all: ``format``, labels and stroke width."""

    format: str = "json"
    labels: bool = False
    stroke: int | None = None


def parse_threshold(value: Any, name: str, default: float) -> float:
    """A 0–1 threshold from 0–1 or 0–100 (divided when >= 1), floored at 0.01 like the API.

    ``"best"`` and ``"default"`` mean the server default.

    Example:
        >>> parse_threshold("40", "confidence", 0.4), parse_threshold(0.25, "confidence", 0.4)
        (0.4, 0.25)
    """
    if value is None or value in ("best", "default", ""):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Problem(422, f"{name} must be a number (0–1 or 0–100), got {value!r}") from None
    if not math.isfinite(number) or number < 0 or number > 100:
        raise Problem(422, f"{name} must be between 0 and 1 (or 0–100), got {value!r}")
    number = number / 100 if number >= 1 else number
    return max(number, 0.01) if name == "confidence" else number


def parse_bool(value: Any, name: str) -> bool:
    """``true/false``, ``True/False``, ``1/0``, ``yes/no`` — any case."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise Problem(422, f"{name} must be true or false, got {value!r}")


def _jpeg(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def draw(array: np.ndarray, body: Mapping[str, Any], rendering: Rendering) -> bytes:
    """The server's ``format=image`` picture: the library's own renderer, as JPEG."""
    from ..draw import draw_boxes

    picture = draw_boxes(
        array,
        dict(body),
        labels=rendering.labels,
        show_confidence=rendering.labels,
        stroke=rendering.stroke,
    )
    return _jpeg(np.asarray(picture))


def infer_one(
    registry: ModelRegistry,
    model_id: str,
    data: bytes,
    params: InferenceParams,
    rendering: Rendering,
    *,
    max_pixels: int,
    inference_id: str | None = None,
) -> dict[str, Any] | bytes:
    """Decode ``data``, run ``model_id``, and answer as the hosted API does.

    Returns:
        The JSON body (with ``inference_id`` and ``time``; plus ``visualization`` for
        ``image_and_json``), or the JPEG bytes for ``format=image``.
    """
    model = registry.get(model_id)
    array = image_array(data, max_pixels)
    started = time.perf_counter()
    body = model.infer(array, params)
    elapsed = time.perf_counter() - started
    answer: dict[str, Any] = {"inference_id": inference_id or str(uuid.uuid4()), "time": elapsed}
    answer.update(body)
    if rendering.format == "image":
        return draw(array, answer, rendering)
    if rendering.format == "image_and_json":
        answer["visualization"] = base64.b64encode(draw(array, answer, rendering)).decode()
    return answer
