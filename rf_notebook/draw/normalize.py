"""Every kind of predictions, turned into one form the renderers draw.

Accepted: a result object (:mod:`rf_notebook.results`), a raw response dict (hosted
API, inference server, or the ``roboflow`` package's ``PredictionGroup.json()``), a
list of prediction dicts (their ``confidence`` may be missing, as in ground truth), a
list of :class:`~rf_notebook.results.Detection`, ``supervision.Detections`` (class
names from ``data["class_name"]``), or ``None`` for nothing.

Example:
    >>> a = to_annotations([{"x": 50, "y": 40, "width": 20, "height": 10, "class": "cat"}])
    >>> a.xyxy.tolist(), a.names, a.confidence.tolist()
    ([[40.0, 35.0, 60.0, 45.0]], ('cat',), [nan])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..results import (
    ClassificationResult,
    Detection,
    DetectionResult,
    MultiLabelResult,
    Result,
    SemanticSegmentationResult,
)
from ..results.convert import decode_rle
from .annotations import Annotations

__all__ = ["Annotations", "to_annotations"]


def to_annotations(predictions: Any) -> Annotations:
    """Normalise any accepted predictions (see the module docstring).

    Raises:
        ConfigError: ``predictions`` is of no accepted kind.
        SchemaError: A response dict is malformed.

    Example:
        >>> to_annotations(None).kind, len(to_annotations(None))
        ('instances', 0)
    """
    if predictions is None:
        return Annotations("instances")
    if isinstance(predictions, Result):
        return _from_result(predictions)
    if _is_supervision_detections(predictions):
        return _from_supervision(predictions)
    if isinstance(predictions, Mapping):
        doc = dict(predictions)
        items = doc.get("predictions")
        if isinstance(items, list) and items and all(isinstance(p, Mapping) for p in items):
            filled, unknown = _fill_confidence(items)
            return _with_unknown(
                _from_result(Result.from_json({**doc, "predictions": filled})), unknown
            )
        return _from_result(Result.from_json(doc))
    if isinstance(predictions, (list, tuple)):
        if all(isinstance(p, Detection) for p in predictions):
            return _from_detections(tuple(predictions), None)
        if all(isinstance(p, Mapping) for p in predictions):
            filled, unknown = _fill_confidence(predictions)
            return _with_unknown(_from_result(Result.from_json({"predictions": filled})), unknown)
    raise ConfigError(
        f"cannot draw {type(predictions).__name__}: pass a result, a response dict, "
        "a list of prediction dicts, or supervision.Detections"
    )


def _fill_confidence(items: Sequence[Mapping[str, Any]]) -> tuple[list[Any], list[bool]]:
    """Ground truth has no confidence: give boxes 1.0 to parse, and remember which."""
    unknown = ["confidence" not in p and "x" in p for p in items]
    filled = [{**p, "confidence": 1.0} if u else p for p, u in zip(items, unknown, strict=True)]
    return filled, unknown


def _with_unknown(annotations: Annotations, unknown: list[bool]) -> Annotations:
    if annotations.kind != "instances" or not any(unknown):
        return annotations
    confidence = annotations.confidence.copy()
    confidence[np.array(unknown, dtype=bool)] = np.nan
    return replace(annotations, confidence=confidence)


def _from_result(result: Result) -> Annotations:
    size = (result.image.width, result.image.height) if result.image else None
    if isinstance(result, DetectionResult):
        return _from_detections(result.predictions, size)
    if isinstance(result, ClassificationResult):
        ranked = sorted(result.predictions, key=lambda c: -c.confidence)
        return Annotations(
            "classification",
            names=tuple(c.class_name for c in ranked),
            confidence=np.array([c.confidence for c in ranked], dtype=np.float64),
            image_size=size,
        )
    if isinstance(result, MultiLabelResult):
        ranked = sorted(result.predictions, key=lambda c: -c.confidence)
        chosen = set(result.predicted_classes)
        return Annotations(
            "multi-label",
            names=tuple(c.class_name for c in ranked),
            confidence=np.array([c.confidence for c in ranked], dtype=np.float64),
            predicted=tuple(c.class_name in chosen for c in ranked),
            image_size=size,
        )
    if isinstance(result, SemanticSegmentationResult):
        return Annotations(
            "semantic",
            semantic=result.mask,
            semantic_confidence=result.confidence_mask,
            class_map=dict(result.class_map),
            image_size=size,
        )
    raise ConfigError(f"cannot draw a {type(result).__name__}")


def _from_detections(predictions: Sequence[Detection], size: tuple[int, int] | None) -> Annotations:
    if not predictions:
        return Annotations("instances", image_size=size)
    polygons = tuple(
        np.array([(v.x, v.y) for v in p.points], dtype=np.float64) if p.points else None
        for p in predictions
    )
    return Annotations(
        "instances",
        xyxy=np.array([p.xyxy for p in predictions], dtype=np.float64),
        names=tuple(p.class_name for p in predictions),
        confidence=np.array([p.confidence for p in predictions], dtype=np.float64),
        polygons=polygons,
        masks=tuple(decode_rle(p.rle) if p.rle is not None else None for p in predictions),
        keypoints=tuple(p.keypoints for p in predictions),
        image_size=size,
    )


def _is_supervision_detections(value: Any) -> bool:
    module = type(value).__module__ or ""
    return module.startswith("supervision") and hasattr(value, "xyxy")


def _from_supervision(detections: Any) -> Annotations:
    xyxy = np.asarray(detections.xyxy, dtype=np.float64).reshape(-1, 4)
    n = len(xyxy)
    raw_confidence = detections.confidence
    confidence = (
        np.full(n, math.nan)
        if raw_confidence is None
        else np.asarray(raw_confidence, dtype=np.float64).reshape(n)
    )
    data = getattr(detections, "data", None) or {}
    if "class_name" in data:
        names = tuple(str(v) for v in data["class_name"])
    elif detections.class_id is not None:
        names = tuple(str(int(v)) for v in detections.class_id)
    else:
        names = ("object",) * n
    masks: tuple[np.ndarray | None, ...] = ()
    size = None
    if detections.mask is not None and n:
        dense = np.asarray(detections.mask, dtype=bool)
        masks = tuple(dense[i] for i in range(n))
        size = (int(dense.shape[2]), int(dense.shape[1]))
    return Annotations(
        "instances",
        xyxy=xyxy,
        names=names,
        confidence=confidence,
        polygons=(None,) * n,
        masks=masks or (None,) * n,
        keypoints=(None,) * n,
        image_size=size,
    )
