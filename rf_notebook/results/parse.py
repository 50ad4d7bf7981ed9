"""Turn a response document into the right result type, reading the task from its shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Union

from ..errors import SchemaError
from . import _parse as read
from .core import ClassificationResult, DetectionResult, MultiLabelResult
from .semantic import SemanticSegmentationResult
from .types import Task

__all__ = ["AnyResult", "parse_result"]

AnyResult = Union[  # noqa: UP007 - a runtime alias, usable in isinstance
    DetectionResult, ClassificationResult, MultiLabelResult, SemanticSegmentationResult
]

_ROBOFLOW_TYPES: dict[str, Task] = {
    "ObjectDetectionModel": "object-detection",
    "InstanceSegmentationModel": "instance-segmentation",
    "KeypointDetectionModel": "keypoint-detection",
    "ClassificationModel": "classification",
    "SemanticSegmentationModel": "semantic-segmentation",
}


def parse_result(
    doc: Mapping[str, Any],
    *,
    task: Task | None = None,
    model_id: str | None = None,
    source: str | None = None,
) -> AnyResult:
    """Parse a response; see :meth:`Result.from_json`."""
    doc = read.mapping(doc, "response")
    doc = _unwrap_prediction_group(doc)
    predictions = doc.get("predictions")
    if source is None:
        source = _image_path(doc)
    common: dict[str, Any] = {
        "image": read.image_info(doc),
        "time": read.optional_float(doc, "time", "response"),
        "inference_id": None if doc.get("inference_id") is None else str(doc["inference_id"]),
        "model_id": model_id,
        "source": source,
        "raw": doc,
    }
    if (
        task == "semantic-segmentation"
        or "segmentation_mask" in doc
        or (isinstance(predictions, Mapping) and "segmentation_mask" in predictions)
    ):
        return _semantic(doc, common)
    if predictions is None:
        said = doc.get("error") or doc.get("message")
        hint = f"; the API said: {said!r}" if said else ""
        raise SchemaError(f"the response has no 'predictions'{hint}", "response")
    if isinstance(predictions, Mapping) or task == "multi-label-classification":
        return _multilabel(doc, common)
    items = read.sequence(predictions, "predictions")
    task = task or _task_of(doc, items)
    if task == "classification":
        scores = tuple(read.class_score(c, f"predictions[{i}]") for i, c in enumerate(items))
        top = doc.get("top")
        result = ClassificationResult(task="classification", received=scores, **common)
        if top is None:
            return result._refiltered(None, None)
        confidence = read.number(doc, "confidence", "response") if "confidence" in doc else 0.0
        return ClassificationResult(
            task="classification",
            predictions=scores,
            received=scores,
            top=str(top),
            confidence=confidence,
            **common,
        )
    boxes = tuple(read.detection(p, f"predictions[{i}]") for i, p in enumerate(items))
    return DetectionResult(task=task, predictions=boxes, received=boxes, **common)


def _unwrap_prediction_group(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """The roboflow package wraps a whole classification response in one ``Prediction``."""
    preds = doc.get("predictions")
    if isinstance(preds, list) and len(preds) == 1 and isinstance(preds[0], Mapping):
        inner = preds[0]
        kind = inner.get("prediction_type")
        if kind in ("ClassificationModel", "SemanticSegmentationModel") and (
            "predictions" in inner or "segmentation_mask" in inner
        ):
            return inner
    return doc


def _image_path(doc: Mapping[str, Any]) -> str | None:
    if isinstance(doc.get("image_path"), str):
        return str(doc["image_path"])
    preds = doc.get("predictions")
    if isinstance(preds, list) and preds and isinstance(preds[0], Mapping):
        path = preds[0].get("image_path")
        return path if isinstance(path, str) else None
    return None


def _is_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)  # dict first: no ABC check


def _task_of(doc: Mapping[str, Any], items: list[Any]) -> Task:
    first = items[0] if items and isinstance(items[0], Mapping) else {}
    kind = first.get("prediction_type") or doc.get("prediction_type")
    if kind in _ROBOFLOW_TYPES:
        return _ROBOFLOW_TYPES[kind]
    if "top" in doc or (first and "x" not in first and "class" in first):
        return "classification"
    if any(_is_mapping(p) and ("points" in p or "rle" in p) for p in items):
        return "instance-segmentation"
    if any(_is_mapping(p) and "keypoints" in p for p in items):
        return "keypoint-detection"
    return "object-detection"


def _multilabel(doc: Mapping[str, Any], common: dict[str, Any]) -> MultiLabelResult:
    preds = read.mapping(doc.get("predictions"), "predictions")
    scores = tuple(
        read.class_score(v, f"predictions.{name}", name=str(name)) for name, v in preds.items()
    )
    predicted = tuple(
        str(n) for n in read.sequence(doc.get("predicted_classes", []), "predicted_classes")
    )
    return MultiLabelResult(
        task="multi-label-classification",
        predictions=scores,
        received=scores,
        predicted_classes=predicted,
        received_predicted=predicted,
        **common,
    )


def _semantic(doc: Mapping[str, Any], common: dict[str, Any]) -> SemanticSegmentationResult:
    nested = doc.get("predictions")
    body = nested if isinstance(nested, Mapping) and "segmentation_mask" in nested else doc
    where = "predictions" if body is not doc else "response"
    mask = body.get("segmentation_mask")
    if not isinstance(mask, str):
        raise SchemaError("expected a base64 PNG string", f"{where}.segmentation_mask")
    class_map_raw = read.mapping(
        body.get("class_map", doc.get("class_map", {})), f"{where}.class_map"
    )
    try:
        class_map = {int(k): str(v) for k, v in class_map_raw.items()}
    except ValueError:
        raise SchemaError("keys must be class ids", f"{where}.class_map") from None
    present = body.get("present_class_ids")
    confidence = body.get("confidence_mask")
    return SemanticSegmentationResult(
        task="semantic-segmentation",
        mask_png=mask,
        class_map=class_map,
        confidence_png=confidence if isinstance(confidence, str) else None,
        present_class_ids=None if present is None else tuple(int(i) for i in present),
        **common,
    )
