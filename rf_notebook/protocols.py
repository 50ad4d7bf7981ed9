"""How a request looks on the wire, for both route families.

* **hosted** (legacy, "v1"): ``POST {url}/{project}/{version}?api_key=…&confidence=…``
  with the image as base64 text in the body, or ``image=<url>`` in the query.
* **server** ("v2"): ``POST {url}/infer/{task}`` with a JSON body holding a list of
  ``{"type": "base64" | "url", "value": …}`` images; a list in gives a list out.

Only names in an allowlist reach the wire; the API key is added by the sender alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import ConfigError, SchemaError
from .images import PreparedImage

__all__ = [
    "SERVER_ROUTES",
    "Format",
    "RequestOptions",
    "hosted_query",
    "json_of",
    "server_body",
    "server_route",
    "task_in_registry",
]

Format = Literal["json", "image", "image_and_json"]

#: Task type (as ``/model/registry`` reports it) → ``/infer/{route}``.
SERVER_ROUTES = {
    "object-detection": "object_detection",
    "instance-segmentation": "instance_segmentation",
    "classification": "classification",
    "multi-label-classification": "classification",
    "keypoint-detection": "keypoints_detection",
    "semantic-segmentation": "semantic_segmentation",
}
_BOX_TASKS = ("object-detection", "instance-segmentation", "keypoint-detection")


@dataclass(frozen=True)
class RequestOptions:
    """The model parameters of one request, as the server should receive them.

    ``None`` means "not sent: use the server's default".
    """

    confidence: float | None = None
    overlap: float | None = None
    classes: frozenset[str] | None = None
    max_detections: int | None = None
    format: Format = "json"
    labels: bool | None = None
    stroke: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.format not in ("json", "image", "image_and_json"):
            raise ConfigError(
                f"format must be 'json', 'image' or 'image_and_json', got {self.format!r}"
            )
        if "api_key" in self.extra:
            raise ConfigError("pass the key as api_key=, not among the extra parameters")

    def fingerprint(self) -> dict[str, Any]:
        """Everything that changes the answer, for the cache key."""
        return {
            "confidence": self.confidence,
            "overlap": self.overlap,
            "classes": sorted(self.classes) if self.classes is not None else None,
            "max_detections": self.max_detections,
            "format": self.format,
            "labels": self.labels,
            "stroke": self.stroke,
            "extra": dict(sorted(self.extra.items())),
        }


def hosted_query(options: RequestOptions, image: PreparedImage) -> dict[str, str]:
    """Query parameters for the legacy route, without the key.

    Example:
        >>> hosted_query(RequestOptions(confidence=0.25), image)  # doctest: +SKIP
        {'confidence': '0.25', 'format': 'json'}
    """
    query: dict[str, str] = {"format": options.format}
    if options.confidence is not None:
        query["confidence"] = _hosted_scale(options.confidence)
    if options.overlap is not None:
        query["overlap"] = _hosted_scale(options.overlap)
    if options.classes:
        query["classes"] = ",".join(sorted(options.classes))
    if options.max_detections is not None:
        query["max_detections"] = str(options.max_detections)
    if options.labels is not None:
        query["labels"] = "true" if options.labels else "false"
    if options.stroke is not None:
        query["stroke"] = str(options.stroke)
    query.update({k: str(v) for k, v in options.extra.items()})
    if image.url is not None:
        query["image"] = image.url
    return query


def _hosted_scale(value: float) -> str:
    """The hosted API reads values >= 1 as percentages, so 1.0 (100 %) goes out as ``100``."""
    return "100" if value >= 1 else f"{value:g}"


def server_route(task: str) -> str:
    """The ``/infer/...`` path for a task type."""
    try:
        return f"/infer/{SERVER_ROUTES[task]}"
    except KeyError:
        raise ConfigError(
            f"the server reports task {task!r}, which has no /infer route; "
            f"supported: {', '.join(sorted(SERVER_ROUTES))}"
        ) from None


def server_body(
    options: RequestOptions, task: str, model: str, images: Sequence[PreparedImage]
) -> dict[str, Any]:
    """JSON body for ``/infer/{task}``, without the key; a list of images.

    Example:
        >>> opts = RequestOptions(confidence=0.5)
        >>> server_body(opts, "object-detection", "p/1", [img])  # doctest: +SKIP
        {'model_id': 'p/1', 'image': [{'type': 'base64', 'value': '...'}], 'confidence': 0.5}
    """
    body: dict[str, Any] = {
        "model_id": model,
        "image": [
            {"type": "url", "value": i.url} if i.url else {"type": "base64", "value": i.base64()}
            for i in images
        ],
    }
    if options.confidence is not None:
        body["confidence"] = options.confidence
    if options.format == "image_and_json":
        body["visualize_predictions"] = True
    if options.stroke is not None:
        body["visualization_stroke_width"] = options.stroke
    if task in _BOX_TASKS:
        if options.overlap is not None:
            body["iou_threshold"] = options.overlap
        if options.classes:
            body["class_filter"] = sorted(options.classes)
        if options.max_detections is not None:
            body["max_detections"] = options.max_detections
        if options.labels is not None:
            body["visualization_labels"] = options.labels
    body.update(options.extra)
    return body


def json_of(content: bytes, allow_list: bool = False) -> Any:
    """Parse a response body, or raise :class:`SchemaError` saying what came instead."""
    try:
        value = json.loads(content)
    except ValueError:
        raise SchemaError(f"expected JSON, got {content[:60]!r}…", "response") from None
    if not isinstance(value, dict) and not (allow_list and isinstance(value, list)):
        raise SchemaError(f"expected a JSON object, got {type(value).__name__}", "response")
    return value


def task_in_registry(registry: dict[str, Any], model: str) -> str | None:
    """The ``task_type`` of ``model`` in a ``/model/registry`` answer, or ``None``."""
    for entry in registry.get("models", []):
        if isinstance(entry, dict) and entry.get("model_id") == model:
            return str(entry.get("task_type") or "object-detection")
    return None
