"""Map a response for a downsized image back to the original image's pixels."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

__all__ = ["scale_response"]


def scale_response(
    doc: Mapping[str, Any], scale: tuple[float, float], width: int, height: int
) -> dict[str, Any]:
    """Undo a client-side resize by ``scale = (fx, fy)`` (sent = original × scale), as floats.

    Box centres, sizes, polygon points and keypoints are divided by the scale of their
    axis; the image size becomes the original's. Nothing is truncated.

    Example:
        >>> scale_response({"image": {"width": 50, "height": 40},
        ...                 "predictions": [{"x": 25, "y": 10, "width": 5, "height": 3}]},
        ...                (0.5, 0.5), 100, 80)["predictions"][0]["x"]
        50.0
    """
    out = copy.deepcopy(dict(doc))
    if isinstance(out.get("image"), dict):
        out["image"] = {**out["image"], "width": width, "height": height}
    preds = out.get("predictions")
    fx, fy = scale
    if (fx, fy) == (1.0, 1.0) or not isinstance(preds, list):
        return out
    for p in preds:
        if not isinstance(p, dict) or "x" not in p:
            continue
        for key, f in (("x", fx), ("y", fy), ("width", fx), ("height", fy)):
            if isinstance(p.get(key), (int, float)):
                p[key] = p[key] / f
        for group in ("points", "keypoints"):
            for v in p.get(group) or []:
                if isinstance(v, dict):
                    v["x"], v["y"] = v["x"] / fx, v["y"] / fy
    return out
