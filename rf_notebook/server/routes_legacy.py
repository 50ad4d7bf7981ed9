"""The hosted API's legacy route: ``POST|GET /{project}/{version}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from .decoding import decode_base64_body
from .fetch import fetch_image
from .inference import Rendering, infer_one, parse_bool, parse_threshold
from .problems import Problem, bearer, check_key
from .runtime import InferenceParams

__all__ = ["router"]

router = APIRouter(tags=["hosted API (legacy route)"])

_FORMATS = ("json", "image", "image_and_json")


def legacy_params(query: Any) -> tuple[InferenceParams, Rendering]:
    """Read the legacy query string: 0–100 or 0–1 thresholds, ``classes``, drawing options."""
    fmt = query.get("format") or "json"
    if fmt not in _FORMATS:
        raise Problem(422, f"format must be one of {', '.join(_FORMATS)}, got {fmt!r}")
    stroke = query.get("stroke")
    try:
        stroke_width = None if stroke in (None, "") else int(float(stroke))
        max_detections = int(query.get("max_detections") or 300)
    except ValueError:
        raise Problem(422, "stroke and max_detections must be whole numbers") from None
    if (stroke_width is not None and not 0 < stroke_width <= 100) or max_detections < 1:
        raise Problem(422, "stroke must be 1–100 and max_detections at least 1")
    classes = [c.strip() for c in (query.get("classes") or "").split(",") if c.strip()]
    params = InferenceParams(
        confidence=parse_threshold(query.get("confidence"), "confidence", 0.4),
        iou_threshold=parse_threshold(query.get("overlap"), "overlap", 0.3),
        max_detections=max_detections,
        class_filter=classes or None,
    )
    rendering = Rendering(fmt, parse_bool(query.get("labels", "false"), "labels"), stroke_width)
    return params, rendering


async def _image_bytes(request: Request) -> bytes:
    """The image of a legacy request: ``image=`` URL, multipart ``file``, or base64 body."""
    settings = request.app.state.settings
    url = request.query_params.get("image")
    if url:
        return await run_in_threadpool(
            fetch_image,
            url,
            allow_private=settings.allow_private_urls,
            timeout=settings.download_timeout,
            max_bytes=settings.max_download_bytes,
        )
    content_type = request.headers.get("content-type", "")
    if request.query_params.get("image_type", "base64") != "base64":
        raise Problem(400, "only image_type=base64 is accepted; pickled NumPy payloads are refused")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        part = form.get("file")
        if part is None or isinstance(part, str):
            raise Problem(
                400, "Expected image to be send in part named 'file' of multipart/form-data."
            )
        return await part.read()
    body = await request.body()
    if not content_type and not body:
        raise Problem(400, "Content-Type header not provided with request.")
    return decode_base64_body(body)


async def legacy_infer(project: str, version: str, request: Request) -> Response:
    """Run a model on one image, exactly as detect/classify/outline.roboflow.com do.

    Send the image as base64 text in the body (any Content-Type), as multipart part
    ``file``, or as ``image=<url>``. ``confidence`` and ``overlap`` take 0–1 or 0–100.
    """
    state = request.app.state
    check_key(state.settings, request.query_params.get("api_key") or bearer(request))
    params, rendering = legacy_params(request.query_params)
    data = await _image_bytes(request)
    answer = await run_in_threadpool(
        infer_one,
        state.registry,
        f"{project}/{version}",
        data,
        params,
        rendering,
        max_pixels=state.settings.max_pixels,
    )
    if isinstance(answer, bytes):
        return Response(answer, media_type="image/jpeg")
    return JSONResponse(answer)


for _method in ("POST", "GET"):
    router.add_api_route(
        "/{project}/{version}",
        legacy_infer,
        methods=[_method],
        summary="Infer (legacy route)",
        operation_id=f"legacy_infer_{_method.lower()}",
    )
