"""The example web app: ``/`` (the page), ``/static/*`` (its CSS and script), ``/snippets``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from ..problems import Problem
from .snippets import Call, render_all

__all__ = ["router"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
_STATIC_FILES = {
    "app.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
}
_NO_CACHE = {"Cache-Control": "no-cache"}

router = APIRouter(tags=["web app"])


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    """The page: try a model in the browser, then copy the code that makes the same call."""
    return FileResponse(
        STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=_NO_CACHE
    )


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> FileResponse:
    """The page's stylesheet and script (nothing else is served from the folder)."""
    if name not in _STATIC_FILES:
        raise Problem(404, f"no static file {name!r}")
    return FileResponse(STATIC_DIR / name, media_type=_STATIC_FILES[name], headers=_NO_CACHE)


@router.get("/snippets")
def snippets(request: Request) -> dict[str, Any]:
    """The page's call in every language, from the form's values (never the API key).

    Query parameters: ``model``, ``version``, ``image_file`` or ``image_url``,
    ``confidence``, ``overlap``, ``classes``, ``format``, ``stroke``, ``labels``.
    The snippets call this server (its own base URL) with the key placeholder.
    """
    base_url = str(request.base_url).rstrip("/")
    try:
        call = Call.from_form(request.query_params, base_url)
    except ValueError as exc:
        raise Problem(422, str(exc)) from None
    return {"url": f"{call.endpoint}?{call.query}", "languages": render_all(call)}
