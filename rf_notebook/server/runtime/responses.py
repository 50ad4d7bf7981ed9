"""Build the hosted API's JSON bodies (``hosted-api.md`` §1.5) from decoded arrays.

Every value is a plain Python ``int``, ``float``, ``str``, ``list`` or ``dict``, ready for
``json.dumps``. ``time`` and ``inference_id`` are not added here: the server does that.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "classification_body",
    "detection_predictions",
    "image_size",
    "semantic_body",
]


def image_size(width: int, height: int) -> dict[str, int]:
    """The ``image`` field.

    Example:
        >>> image_size(640, 480)
        {'width': 640, 'height': 480}
    """
    return {"width": int(width), "height": int(height)}


def detection_predictions(
    xyxy: npt.NDArray[np.float64],
    confidence: npt.NDArray[np.float64],
    class_id: npt.NDArray[np.int64],
    class_names: Sequence[str],
    polygons: Sequence[npt.NDArray[np.float64] | None] | None = None,
) -> list[dict[str, Any]]:
    """One prediction dict per box: centre ``x, y``, ``width``, ``height`` and the class.

    Args:
        xyxy: ``(k, 4)`` boxes in original-image pixels.
        confidence: ``(k,)`` scores.
        class_id: ``(k,)`` classes.
        class_names: Names indexed by class id.
        polygons: For instance segmentation, ``k`` polygons (``(m, 2)`` vertices); a detection whose
            polygon is ``None`` (empty mask) is left out, as supervision would drop it anyway.

    Returns:
        The ``predictions`` list; each entry has a fresh uuid4 ``detection_id``.

    Example:
        >>> p = detection_predictions(np.array([[10.0, 20.0, 30.0, 60.0]]), np.array([0.5]),
        ...                           np.array([1]), ["a", "b"])[0]
        >>> (p["x"], p["y"], p["width"], p["height"], p["class"])
        (20.0, 40.0, 20.0, 40.0, 'b')
    """
    predictions: list[dict[str, Any]] = []
    boxes: list[list[float]] = np.asarray(xyxy, dtype=np.float64).reshape(-1, 4).tolist()
    scores: list[float] = np.asarray(confidence, dtype=np.float64).tolist()
    classes: list[int] = np.asarray(class_id, dtype=np.int64).tolist()
    rows = zip(boxes, scores, classes, strict=True)
    for index, ((x1, y1, x2, y2), score, cls) in enumerate(rows):
        prediction: dict[str, Any] = {
            "x": (x1 + x2) / 2.0,
            "y": (y1 + y2) / 2.0,
            "width": x2 - x1,
            "height": y2 - y1,
            "confidence": score,
            "class": class_names[cls],
            "class_id": cls,
            "detection_id": str(uuid.uuid4()),
        }
        if polygons is not None:
            polygon = polygons[index]
            if polygon is None:
                continue
            prediction["mask_format"] = "polygon"
            prediction["points"] = [{"x": float(x), "y": float(y)} for x, y in polygon.tolist()]
        predictions.append(prediction)
    return predictions


def classification_body(
    probabilities: npt.NDArray[np.float64],
    class_names: Sequence[str],
    *,
    confidence: float,
    multilabel: bool,
) -> dict[str, Any]:
    """``predictions`` (and ``top``/``confidence`` or ``predicted_classes``) for a classifier.

    Single-label: a list of ``{class, class_id, confidence}`` with confidence ``>=`` the
    threshold, rounded to 4 decimals, sorted by descending confidence (ties by class id); ``top``
    and ``confidence`` of the best, or ``""`` and ``0.0`` when nothing passes.
    Multi-label: a dict keyed by class name holding every class's ``{confidence, class_id}``
    (not rounded) and ``predicted_classes``, the names with confidence ``>=`` the threshold in
    class-id order.

    Args:
        probabilities: ``(nc,)`` probabilities.
        class_names: Names indexed by class id.
        confidence: Inclusive threshold.
        multilabel: Which of the two shapes to build.

    Returns:
        The body without ``image``, ``time`` and ``inference_id``.

    Example:
        >>> classification_body(np.array([0.2, 0.8]), ["a", "b"], confidence=0.4,
        ...                     multilabel=False)["top"]
        'b'
    """
    values = [float(v) for v in probabilities]
    if multilabel:
        return {
            "predictions": {
                name: {"confidence": value, "class_id": index}
                for index, (name, value) in enumerate(zip(class_names, values, strict=True))
            },
            "predicted_classes": [
                name for name, value in zip(class_names, values, strict=True) if value >= confidence
            ],
        }
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    predictions = [
        {"class": class_names[i], "class_id": i, "confidence": round(values[i], 4)}
        for i in order
        if values[i] >= confidence
    ]
    best = predictions[0] if predictions else None
    return {
        "predictions": predictions,
        "top": best["class"] if best else "",
        "confidence": best["confidence"] if best else 0.0,
    }


def semantic_body(
    segmentation_mask_png: str,
    confidence_mask_png: str,
    class_names: Sequence[str],
    present_class_ids: Sequence[int],
) -> dict[str, Any]:
    """Both semantic segmentation shapes: the legacy top-level keys and nested ``predictions``.

    Args:
        segmentation_mask_png: Base64 PNG, pixel value = class id.
        confidence_mask_png: Base64 PNG, pixel value = confidence x 255.
        class_names: Names indexed by class id.
        present_class_ids: Class ids that occur in the mask, ascending.

    Returns:
        ``{segmentation_mask, class_map, predictions: {segmentation_mask, confidence_mask,
        class_map, present_class_ids}}``.

    Example:
        >>> semantic_body("m", "c", ["bg", "road"], [0])["class_map"]
        {'0': 'bg', '1': 'road'}
    """
    class_map = {str(index): name for index, name in enumerate(class_names)}
    return {
        "segmentation_mask": segmentation_mask_png,
        "class_map": class_map,
        "predictions": {
            "segmentation_mask": segmentation_mask_png,
            "confidence_mask": confidence_mask_png,
            "class_map": dict(class_map),
            "present_class_ids": [int(i) for i in present_class_ids],
        },
    }
