"""Run the server in a background thread: for notebooks and tests."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from .settings import ServerSettings

__all__ = ["RunningServer", "serve_in_background"]


class RunningServer:
    """A server started by :func:`serve_in_background`; ``url`` is where it listens.

    Use it as a context manager, or call :meth:`stop` when done.
    """

    def __init__(self, server: Any, thread: threading.Thread, url: str, app: Any) -> None:
        self._server = server
        self._thread = thread
        self.url = url
        self.app = app

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RunningServer({self.url!r})"


def serve_in_background(
    settings: ServerSettings | None = None,
    *,
    models_dirs: tuple[str | Path, ...] | None = None,
    datasets_dir: str | Path | None = None,
    api_key: str | None = None,
    allow_private_urls: bool | None = None,
    registry: Any = None,
    timeout: float = 30.0,
) -> RunningServer:
    """Start the local server on a free port of 127.0.0.1 and wait until it answers.

    Example:
        >>> server = serve_in_background()  # doctest: +SKIP
        >>> rf.predict("dog.jpg", "shapes-detect/1", api_url=server.url)  # doctest: +SKIP
        >>> server.stop()  # doctest: +SKIP
    """
    import uvicorn

    from ..config import Secret
    from .app import create_app

    settings = settings or ServerSettings.from_env(port=0)
    changes: dict[str, Any] = {}
    if models_dirs is not None:
        changes["models_dirs"] = tuple(Path(d) for d in models_dirs)
    if datasets_dir is not None:
        changes["datasets_dir"] = Path(datasets_dir)
    if api_key is not None:
        changes["api_key"] = Secret(api_key)
    if allow_private_urls is not None:
        changes["allow_private_urls"] = allow_private_urls
    settings = replace(settings, **changes)
    app = create_app(settings, registry)
    app.state.registry.load_all(strict=False)
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only when the
    # listener says so; without it every keep-alive request waits ~40 ms on delayed ACKs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_keep_alive=30)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the local server did not start on {host}:{port}")
        time.sleep(0.02)
    return RunningServer(server, thread, f"http://{host}:{port}", app)
