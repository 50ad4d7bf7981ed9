"""HTTP problems: every failure becomes ``{"message": ...}`` with the status of §1.7."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..errors import ImageError, RfNotebookError, redact
from .fetch import UrlRefused
from .runtime import (
    InferenceFailedError,
    InvalidModelIdError,
    InvalidParamsError,
    ModelLoadError,
    ModelNotFoundError,
)
from .settings import ServerSettings

__all__ = ["Problem", "check_key", "install_handlers"]

log = logging.getLogger("rf_notebook.server")

NOT_FOUND = (
    "Requested Roboflow resource not found. Make sure that workspace, project or model you "
    "referred in request exists."
)


class Problem(RfNotebookError):
    """A request the server answers with an error status and a message."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"HTTP {status}: {message}")


def check_key(settings: ServerSettings, supplied: str | None) -> None:
    """Refuse a missing or wrong key when the server has one (constant-time comparison)."""
    if settings.api_key is None:
        return
    if not supplied:
        raise Problem(
            401, "This server needs an API key: pass api_key=... or 'Authorization: Bearer ...'."
        )
    if not hmac.compare_digest(supplied.encode(), settings.api_key.reveal().encode()):
        raise Problem(
            401,
            "Unauthorized access to roboflow API - check API key and make sure the key is "
            "valid for workspace you use.",
        )


def bearer(request: Request) -> str | None:
    """The key from ``Authorization: Bearer ...``, if any."""
    header = request.headers.get("authorization", "")
    return header[7:].strip() or None if header.lower().startswith("bearer ") else None


def _status_and_message(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, Problem):
        return exc.status, exc.message
    if isinstance(exc, UrlRefused):
        return 400, str(exc)
    if isinstance(exc, ImageError):
        return 400, f"Could not load input image. Cause: {exc}"
    if isinstance(exc, ModelNotFoundError):
        return 404, f"{NOT_FOUND} ({exc.args[0] if exc.args else exc})"
    if isinstance(exc, InvalidModelIdError):
        return 400, f"Invalid Model ID sent in request. ({exc})"
    if isinstance(exc, InvalidParamsError):
        return 422, str(exc)
    if isinstance(exc, ModelLoadError):
        return 503, f"The model could not be loaded: {exc}"
    if isinstance(exc, InferenceFailedError):
        return 500, f"Internal error. {exc}"
    if isinstance(exc, RfNotebookError):
        return 400, str(exc)
    return 500, "Internal error."


def install_handlers(app: FastAPI) -> None:
    """Map every exception to a JSON ``{"message"}`` answer; the server never crashes."""

    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        status, message = _status_and_message(exc)
        if status >= 500:
            log.error("%s %s failed: %s", request.method, request.url.path, redact(repr(exc)))
        return JSONResponse({"message": redact(message)}, status_code=status)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        errors: Any = exc.errors() if isinstance(exc, RequestValidationError) else []
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors]
        return JSONResponse(
            {"message": "Invalid request: " + "; ".join(parts), "detail": errors},
            status_code=422,
        )

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(RfNotebookError, on_error)
    app.add_exception_handler(Exception, on_error)  # last resort: a 500 with a message
