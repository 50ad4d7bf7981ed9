"""Settings of the local server, immutable and checked once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Secret

__all__ = ["ServerSettings", "default_models_dir"]


def default_models_dir() -> Path:
    """The models shipped inside the package (``rf_notebook/models``)."""
    return Path(__file__).resolve().parent.parent / "models"


@dataclass(frozen=True)
class ServerSettings:
    """What the server needs to know; see ``rf-notebook serve --help``.

    Attributes:
        host: Interface to bind; loopback by default.
        port: TCP port; 0 picks a free one.
        models_dirs: Folders of ``project/version/model.onnx`` (+ ``model.json``).
        datasets_dir: Where upload emulation stores images and annotations.
        api_key: When set, every request must carry it; ``None`` accepts any key.
        allow_private_urls: Let ``image=`` URLs point at loopback/private addresses.
        max_pixels: Largest image accepted.
        max_body_bytes: Largest request body (413 above).
        download_timeout: Seconds allowed for an ``image=`` download.
        max_download_bytes: Largest ``image=`` download.

    Example:
        >>> ServerSettings(port=0).host
        '127.0.0.1'
    """

    host: str = "127.0.0.1"
    port: int = 9001
    models_dirs: tuple[Path, ...] = field(default_factory=lambda: (default_models_dir(),))
    datasets_dir: Path = field(default_factory=lambda: Path("datasets"))
    api_key: Secret | None = field(default=None, repr=False)
    allow_private_urls: bool = False
    max_pixels: int = 50_000_000
    max_body_bytes: int = 20 * 1024 * 1024
    download_timeout: float = 10.0
    max_download_bytes: int = 20 * 1024 * 1024

    @classmethod
    def from_env(cls, **overrides: object) -> ServerSettings:
        """Settings with the key from ``RF_NOTEBOOK_SERVER_API_KEY`` unless given."""
        key = overrides.pop("api_key", None) or os.environ.get("RF_NOTEBOOK_SERVER_API_KEY")
        return cls(api_key=Secret(str(key)) if key else None, **overrides)  # type: ignore[arg-type]
