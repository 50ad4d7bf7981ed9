"""Checked readers for API JSON: each failure names the path of the offending value."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..errors import SchemaError
from .types import ClassScore, Detection, ImageInfo, Keypoint, Point


def number(obj: Mapping[str, Any], key: str, path: str, *, minimum: float | None = None) -> float:
    """Read a finite number; numeric strings are accepted (the roboflow package sends some)."""
    try:
        value = obj[key]
    except KeyError:
        raise SchemaError(f"missing required key {key!r}", path) from None
    kind = type(value)
    if kind is float or kind is int:  # the common case, kept fast: results parse in bulk
        out = float(value)
    elif kind is bool or not isinstance(value, (int, float, str)):
        raise SchemaError(f"expected a number, got {kind.__name__} {value!r}", f"{path}.{key}")
    else:
        try:
            out = float(value)
        except ValueError:
            raise SchemaError(f"expected a number, got {value!r}", f"{path}.{key}") from None
    if not math.isfinite(out):
        raise SchemaError(f"expected a finite number, got {value!r}", f"{path}.{key}")
    if minimum is not None and out < minimum:
        raise SchemaError(f"must be >= {minimum:g}, got {value!r}", f"{path}.{key}")
    return out


def optional_int(obj: Mapping[str, Any], key: str, path: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SchemaError(f"expected an integer, got {value!r}", f"{path}.{key}")
    try:
        return int(value)
    except ValueError:
        raise SchemaError(f"expected an integer, got {value!r}", f"{path}.{key}") from None


def text(obj: Mapping[str, Any], key: str, path: str) -> str:
    if key not in obj:
        raise SchemaError(f"missing required key {key!r}", path)
    value = obj[key]
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise SchemaError(f"expected a string, got {value!r}", f"{path}.{key}")
    return str(value)


def optional_float(obj: Mapping[str, Any], key: str, path: str) -> float | None:
    return None if obj.get(key) is None else number(obj, key, path)


def mapping(value: Any, path: str) -> Mapping[str, Any]:
    if type(value) is not dict and not isinstance(value, Mapping):
        raise SchemaError(f"expected an object, got {type(value).__name__}", path)
    return value


def sequence(value: Any, path: str) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise SchemaError(f"expected a list, got {type(value).__name__}", path)
    return list(value)


def image_info(doc: Mapping[str, Any]) -> ImageInfo | None:
    """Read ``image``: a dict (possibly with string sizes), a ``[w, h]`` pair, or absent.

    The roboflow package reports ``{"width": "0", "height": "0"}`` or ``"Undefined"``
    when it did not know the size; both read as unknown (``None``).
    """
    value = doc.get("image")
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, (list, tuple)) and len(value) == 2:
        value = {"width": value[0], "height": value[1]}
    image = mapping(value, "image")
    width = number(image, "width", "image", minimum=0)
    height = number(image, "height", "image", minimum=0)
    if width == 0 or height == 0:
        return None
    return ImageInfo(round(width), round(height))


_PLAIN = (float, int)  # exact types: bool is an int subclass and is refused


def _plain_points(raw: Any) -> tuple[Point, ...] | None:
    """``points`` when every vertex is ``{"x": number, "y": number}``; else ``None``."""
    if type(raw) is not list:
        return None
    out = []
    for v in raw:
        if type(v) is not dict:
            return None
        x: Any = v.get("x")
        y: Any = v.get("y")
        if type(x) not in _PLAIN or type(y) not in _PLAIN or not math.isfinite(x + y):
            return None
        out.append(Point(float(x), float(y)))
    return tuple(out)


def _plain_detection(p: Mapping[str, Any]) -> Detection | None:
    """The common, well-formed prediction without per-field checks; ``None`` otherwise.

    Results parse in bulk (a cached re-run parses thousands), so the usual shape skips the
    path-naming readers; anything unusual returns ``None`` and takes the checked path.
    """
    x: Any = p.get("x")
    y: Any = p.get("y")
    w: Any = p.get("width")
    h: Any = p.get("height")
    confidence: Any = p.get("confidence")
    name: Any = p.get("class")
    class_id: Any = p.get("class_id")
    if not (
        type(x) in _PLAIN
        and type(y) in _PLAIN
        and type(w) in _PLAIN
        and type(h) in _PLAIN
        and type(confidence) in _PLAIN
        and type(name) is str
        and (class_id is None or type(class_id) is int)
        and p.get("rle") is None
        and p.get("keypoints") is None
        and math.isfinite(x + y + w + h + confidence)
        and w >= 0
        and h >= 0
        and confidence >= 0
    ):
        return None
    points = None
    if p.get("points") is not None:
        points = _plain_points(p["points"])
        if points is None:
            return None
    detection_id = p.get("detection_id")
    return Detection(
        x=float(x),
        y=float(y),
        width=float(w),
        height=float(h),
        confidence=float(confidence),
        class_name=name,
        class_id=class_id,
        detection_id=None if detection_id is None else str(detection_id),
        points=points,
        raw=p,
    )


def detection(raw: Any, path: str) -> Detection:
    """Parse one box prediction (detection, instance segmentation or keypoints)."""
    p = mapping(raw, path)
    fast = _plain_detection(p)
    if fast is not None:
        return fast
    points = None
    if p.get("points") is not None:
        points = tuple(
            Point(number(v, "x", f"{path}.points[{i}]"), number(v, "y", f"{path}.points[{i}]"))
            for i, v in enumerate(sequence(p["points"], f"{path}.points"))
        )
    rle = None
    if p.get("rle") is not None:
        rle = mapping(p["rle"], f"{path}.rle")
        if "size" not in rle or "counts" not in rle:
            raise SchemaError("an RLE mask needs 'size' and 'counts'", f"{path}.rle")
    keypoints = None
    if p.get("keypoints") is not None:
        keypoints = tuple(
            _keypoint(k, f"{path}.keypoints[{i}]")
            for i, k in enumerate(sequence(p["keypoints"], f"{path}.keypoints"))
        )
    detection_id = p.get("detection_id")
    return Detection(
        x=number(p, "x", path),
        y=number(p, "y", path),
        width=number(p, "width", path, minimum=0),
        height=number(p, "height", path, minimum=0),
        confidence=number(p, "confidence", path, minimum=0),
        class_name=text(p, "class", path),
        class_id=optional_int(p, "class_id", path),
        detection_id=None if detection_id is None else str(detection_id),
        points=points,
        rle=rle,
        keypoints=keypoints,
        raw=p,
    )


def _keypoint(raw: Any, path: str) -> Keypoint:
    k = mapping(raw, path)
    return Keypoint(
        x=number(k, "x", path),
        y=number(k, "y", path),
        confidence=number(k, "confidence", path) if "confidence" in k else 1.0,
        class_id=optional_int(k, "class_id", path),
        class_name=str(k.get("class", k.get("class_name", ""))),
    )


def class_score(raw: Any, path: str, name: str | None = None) -> ClassScore:
    """Parse ``{"class", "class_id"?, "confidence"}``; ``name`` overrides a missing class."""
    c = mapping(raw, path)
    return ClassScore(
        class_name=name if name is not None else text(c, "class", path),
        confidence=number(c, "confidence", path, minimum=0),
        class_id=optional_int(c, "class_id", path),
        raw=c,
    )
