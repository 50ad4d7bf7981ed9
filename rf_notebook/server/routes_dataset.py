"""Upload emulation (§4): ``/dataset/{project}/upload`` and ``/dataset/{project}/annotate/{id}``."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from .fetch import fetch_image
from .problems import Problem, bearer, check_key

__all__ = ["router"]

router = APIRouter(tags=["upload emulation"])


@router.post("/dataset/{project}/upload")
async def upload(project: str, request: Request) -> JSONResponse:
    """Store an image (multipart name, split, file, metadata; query batch and tag).

    Answers ``{"success": true, "id"}``, or ``{"duplicate": true, "id"}`` for the same bytes.
    """
    state = request.app.state
    query = request.query_params
    check_key(state.settings, query.get("api_key") or bearer(request))
    fields: dict[str, Any] = {k: query.get(k) for k in ("name", "split", "metadata")}
    if query.get("image"):
        s = state.settings
        data = await run_in_threadpool(
            fetch_image,
            query["image"],
            allow_private=s.allow_private_urls,
            timeout=s.download_timeout,
            max_bytes=s.max_download_bytes,
        )
    else:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise Problem(400, "send the image as multipart/form-data part 'file' (or image=<url>)")
        form = await request.form()
        part = form.get("file")
        if part is None or isinstance(part, str):
            raise Problem(400, "Expected the image in multipart part 'file'.")
        data = await part.read()
        fields.update({k: form.get(k) or fields[k] for k in ("name", "split", "metadata")})
        fields["name"] = fields["name"] or part.filename
    try:
        metadata = json.loads(fields["metadata"]) if fields["metadata"] else {}
    except ValueError:
        raise Problem(400, "metadata must be a JSON object") from None
    try:
        stored, duplicate = await run_in_threadpool(
            state.datasets.add_image,
            project,
            data,
            name=str(fields["name"] or "image.jpg"),
            split=fields["split"],
            batch=query.get("batch") or "Pip Package Upload",
            tags=tuple(query.getlist("tag")),
            metadata=metadata if isinstance(metadata, dict) else {},
        )
    except ValueError as exc:
        raise Problem(400, str(exc)) from None
    key = "duplicate" if duplicate else "success"
    return JSONResponse({key: True, "id": stored.id})


@router.post("/dataset/{project}/annotate/{image_id}")
async def annotate(project: str, image_id: str, request: Request) -> JSONResponse:
    """Store an annotation: JSON ``{"annotationFile", "labelmap"}`` or the raw text body."""
    state = request.app.state
    query = request.query_params
    check_key(state.settings, query.get("api_key") or bearer(request))
    raw = await request.body()
    text = raw.decode("utf-8", errors="replace")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            doc = json.loads(text)
        except ValueError:
            raise Problem(400, "the body is not valid JSON") from None
        if isinstance(doc, dict) and "annotationFile" in doc:
            text = str(doc["annotationFile"])
    overwrite = query.get("overwrite", "false").lower() == "true"
    try:
        await run_in_threadpool(
            state.datasets.annotate,
            project,
            image_id,
            text,
            name=query.get("name") or "annotation.json",
            overwrite=overwrite,
        )
    except KeyError:
        raise Problem(404, f"no image with id {image_id!r} in project {project!r}") from None
    except FileExistsError:
        return JSONResponse({"error": {"message": "Image already annotated"}}, status_code=409)
    except ValueError as exc:
        raise Problem(400, str(exc)) from None
    return JSONResponse({"success": True})
