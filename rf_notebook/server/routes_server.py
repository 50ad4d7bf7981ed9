"""Inference-server routes: ``/infer/{task}``, ``/model/*``, ``/info``, health."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse

from .. import __version__
from .decoding import decode_base64_body
from .fetch import fetch_image
from .inference import Rendering, infer_one, parse_bool, parse_threshold
from .problems import Problem, bearer, check_key
from .runtime import InferenceParams, ModelRegistry

__all__ = ["ROUTE_TASKS", "router"]

router = APIRouter()
SERVER_ID = str(uuid.uuid4())

#: ``/infer/{route}`` → the task type a model must have.
ROUTE_TASKS = {
    "object_detection": "object-detection",
    "instance_segmentation": "instance-segmentation",
    "classification": "classification",
    "keypoints_detection": "keypoint-detection",
    "semantic_segmentation": "semantic-segmentation",
}


def _registry_json(registry: ModelRegistry) -> dict[str, Any]:
    return {
        "models": [d.to_json() for d in registry.loaded()],
        "available": registry.available(),
        "total_vram_bytes": None,
    }


def _key(request: Request, body: dict[str, Any] | None = None) -> str | None:
    value = (body or {}).get("api_key") or request.query_params.get("api_key") or bearer(request)
    return value if isinstance(value, str) and value != "None" else None


def _model_id(body: dict[str, Any]) -> str:
    model_id = body.get("model_id")
    if not isinstance(model_id, str):
        raise Problem(422, "model_id must be 'project/version'")
    return model_id


@router.get("/info", tags=["server"])
def info() -> dict[str, str]:
    """Name, version and id of this server (what inference-sdk's ``get_server_info`` reads)."""
    return {"name": "rf-notebook local inference server", "version": __version__, "uuid": SERVER_ID}


@router.get("/healthz", tags=["server"])
def healthz() -> dict[str, str]:
    """Liveness."""
    return {"status": "healthy"}


@router.get("/readiness", tags=["server"])
def readiness() -> dict[str, str]:
    """Readiness: the server answers once its models are registered."""
    return {"status": "ready"}


@router.get("/model/registry", tags=["models"])
def model_registry(request: Request) -> dict[str, Any]:
    """Loaded models with task type and input size; ``available`` lists all on disk."""
    check_key(request.app.state.settings, _key(request))
    return _registry_json(request.app.state.registry)


@router.post("/model/add", tags=["models"])
def model_add(request: Request, body: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """Load a model: ``{"model_id": "project/version"}``."""
    check_key(request.app.state.settings, _key(request, body))
    request.app.state.registry.add(_model_id(body))
    return _registry_json(request.app.state.registry)


@router.post("/model/remove", tags=["models"])
def model_remove(request: Request, body: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
    """Unload a model: ``{"model_id": "project/version"}``."""
    check_key(request.app.state.settings, _key(request, body))
    request.app.state.registry.remove(_model_id(body))
    return _registry_json(request.app.state.registry)


@router.post("/model/clear", tags=["models"])
def model_clear(request: Request) -> dict[str, Any]:
    """Unload every model."""
    check_key(request.app.state.settings, _key(request))
    request.app.state.registry.clear()
    return _registry_json(request.app.state.registry)


def _image_data(item: Any, index: str, request: Request) -> bytes:
    settings = request.app.state.settings
    if not isinstance(item, dict) or "value" not in item:
        raise Problem(422, f"image{index} must be {{'type': 'base64' | 'url', 'value': ...}}")
    kind, value = item.get("type", "base64"), item["value"]
    if kind == "url":
        return fetch_image(
            str(value),
            allow_private=settings.allow_private_urls,
            timeout=settings.download_timeout,
            max_bytes=settings.max_download_bytes,
        )
    if kind != "base64" or not isinstance(value, str):
        raise Problem(400, f"image{index}: type {kind!r} is refused; send base64 or url")
    return decode_base64_body(value.encode())


@router.post("/infer/{route}", tags=["inference server"])
def infer(route: str, request: Request, body: dict[str, Any] = Body(...)) -> JSONResponse:  # noqa: B008
    """Infer one image, or a list of ``{"type", "value"}`` images: a list in, a list out."""
    state = request.app.state
    check_key(state.settings, _key(request, body))
    if route not in ROUTE_TASKS:
        raise Problem(404, f"no route /infer/{route}; use one of {', '.join(ROUTE_TASKS)}")
    model_id = _model_id(body)
    model = state.registry.get(model_id)
    if model.task_type != ROUTE_TASKS[route]:
        wanted = next(r for r, t in ROUTE_TASKS.items() if t == model.task_type)
        raise Problem(400, f"{model_id} is a {model.task_type} model: use /infer/{wanted}")
    classes = body.get("class_filter")
    params = InferenceParams(
        confidence=parse_threshold(body.get("confidence"), "confidence", 0.4),
        iou_threshold=parse_threshold(body.get("iou_threshold"), "iou_threshold", 0.3),
        max_detections=int(body.get("max_detections") or 300),
        max_candidates=int(body.get("max_candidates") or 3000),
        class_filter=list(classes) if isinstance(classes, list) else None,
        class_agnostic_nms=parse_bool(body.get("class_agnostic_nms", False), "class_agnostic_nms"),
    )
    visual = parse_bool(body.get("visualize_predictions", False), "visualize_predictions")
    rendering = Rendering(
        "image_and_json" if visual else "json",
        parse_bool(body.get("visualization_labels", False), "visualization_labels"),
        body.get("visualization_stroke_width"),
    )
    images = body.get("image")
    many = isinstance(images, list)
    items: list[Any] = images if isinstance(images, list) else [images]
    answers = []
    for i, item in enumerate(items):
        data = _image_data(item, f"[{i}]" if many else "", request)
        answers.append(
            infer_one(
                state.registry,
                model_id,
                data,
                params,
                rendering,
                max_pixels=state.settings.max_pixels,
            )
        )
    return JSONResponse(answers if many else answers[0])
