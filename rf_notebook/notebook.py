"""One-line set-up for notebooks: the hosted API when you have a key, else the local server.

The key comes from Colab secrets, then ``ROBOFLOW_API_KEY``, then (only if you ask) a
password prompt. With no key, a local server starts on 127.0.0.1 with the default models,
so every notebook runs offline. Nothing here ever prints the key.

Example:
    >>> from rf_notebook.notebook import connect
    >>> session = connect()  # doctest: +SKIP
    >>> session
    Session(local server at http://127.0.0.1:41235, models shapes-*/1)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from .client import Client
from .config import HOSTED_URL, Secret, resolve_api_key

__all__ = ["Session", "connect"]

#: Offline defaults: the models shipped with rf-notebook.
LOCAL_MODELS = {
    "detect": "shapes-detect/1",
    "segment": "shapes-segment/1",
    "classify": "shapes-classify/1",
    "multilabel": "shapes-multilabel/1",
}


@dataclass
class Session:
    """Where predictions go, and which models to use there.

    Attributes:
        client: A :class:`~rf_notebook.Client` for the chosen API.
        models: Task → model id (``RF_NOTEBOOK_MODEL_DETECT`` etc. override them).
        hosted: ``True`` against the hosted API.
        server: The local server, when one was started (stop it with ``close()``).
    """

    client: Client
    models: dict[str, str]
    hosted: bool
    server: Any = field(default=None, repr=False)

    @property
    def api_url(self) -> str:
        """The base URL predictions go to."""
        return self.client.settings.base_url

    @property
    def upload_url(self) -> str:
        """Where uploads go: Roboflow's upload API, or the local server's emulation."""
        if self.server is not None:
            return str(self.server.url)
        return os.environ.get("RF_NOTEBOOK_UPLOAD_URL", "https://api.roboflow.com")

    def sample_url(self, name: str = "sample-000.jpg") -> str:
        """A URL of a sample image: served by the local server, or a public example."""
        if self.server is not None:
            return f"{self.server.url}/samples/{name}"
        return os.environ.get(
            "RF_NOTEBOOK_IMAGE_URL", "https://media.roboflow.com/notebooks/examples/dog.jpeg"
        )

    def close(self) -> None:
        """Stop the local server, if this session started one."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def __repr__(self) -> str:
        where = "hosted API" if self.hosted else "local server"
        return f"Session({where} at {self.api_url}, models {', '.join(self.models.values())})"


def _ask_for_key() -> Secret | None:
    from getpass import getpass

    typed = getpass("Roboflow API key (leave empty to work offline): ").strip()
    return Secret(typed) if typed else None


def connect(*, hosted: bool | None = None, ask: bool = False, **client_settings: Any) -> Session:
    """Pick the API for this notebook and return a ready :class:`Session`.

    Args:
        hosted: ``True`` for the hosted API, ``False`` for the local server, ``None`` to
            use the hosted API exactly when a key is found.
        ask: Prompt for a key (hidden input) when none is found.
        **client_settings: Passed to :class:`~rf_notebook.Client` (``cache``, ``floor``, …).

    Example:
        >>> session = connect()  # doctest: +SKIP
        >>> rf.predict(image, session.models["detect"], api_url=session.api_url)  # doctest: +SKIP
    """
    key = resolve_api_key()
    if key is None and ask and hosted is not False:
        key = _ask_for_key()
    use_hosted = key is not None if hosted is None else hosted
    if use_hosted:
        if key is None:
            key = _ask_for_key()
        models = {
            task: os.environ.get(f"RF_NOTEBOOK_MODEL_{task.upper()}", default)
            for task, default in LOCAL_MODELS.items()
        }
        client = Client(
            api_key=key,
            api_url=os.environ.get("RF_NOTEBOOK_API_URL", HOSTED_URL),
            **client_settings,
        )
        return Session(client=client, models=models, hosted=True)
    from .server import serve_in_background

    server = serve_in_background(allow_private_urls=True)
    client = Client(api_url=server.url, **client_settings)
    return Session(client=client, models=dict(LOCAL_MODELS), hosted=False, server=server)
