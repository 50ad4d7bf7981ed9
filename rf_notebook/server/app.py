"""``create_app(settings, registry)``: the local server that speaks the hosted API's protocol."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from .dataset_store import DatasetStore
from .problems import install_handlers
from .routes_dataset import router as dataset_router
from .routes_legacy import router as legacy_router
from .routes_samples import router as samples_router
from .routes_server import router as server_router
from .runtime import ModelRegistry
from .settings import ServerSettings
from .web import router as web_router

__all__ = ["create_app"]

_SLASHES = re.compile(r"/{2,}")


class _TooLarge(Exception):
    pass


class GuardMiddleware:
    """Collapse ``//`` in paths (the roboflow package sends them) and cap body size (413)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        scope["path"] = _SLASHES.sub("/", scope["path"])
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _TooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        mb = self.max_body_bytes / 2**20
        body = json.dumps({"message": f"Request body over the {mb:g} MB limit."}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


def create_app(
    settings: ServerSettings | None = None, registry: ModelRegistry | None = None
) -> FastAPI:
    """Build the server. Tests pass their own settings and registry.

    Example:
        >>> app = create_app(ServerSettings(models_dirs=(Path("models"),)))  # doctest: +SKIP
        >>> uvicorn.run(app, port=9001)  # doctest: +SKIP
    """
    settings = settings or ServerSettings.from_env()
    registry = registry or ModelRegistry(settings.models_dirs)
    app = FastAPI(
        title="rf-notebook local inference server",
        version=__version__,
        description="Speaks the Roboflow hosted API's legacy route and the inference "
        "server's /infer routes, running ONNX models on the CPU.",
    )
    state: Any = app.state
    state.settings = settings
    state.registry = registry
    state.datasets = DatasetStore(settings.datasets_dir)
    install_handlers(app)
    app.include_router(server_router)
    app.include_router(dataset_router)
    app.include_router(web_router)
    app.include_router(samples_router)
    app.include_router(legacy_router)  # last: /{project}/{version} matches almost anything
    app.add_middleware(GuardMiddleware, max_body_bytes=settings.max_body_bytes)
    return app
