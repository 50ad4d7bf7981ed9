"""An on-disk cache of API responses, so re-running a notebook costs no API calls.

Keys hash the API URL, the model, the task, the request parameters and the SHA-256 of
the image bytes sent; the API key is never part of a key or a file. Values are the
raw JSON responses. Writes go to a temporary file renamed into place, so a run killed
mid-write leaves nothing half-written.

Example:
    >>> cache = ResponseCache("/tmp/rf-cache")  # doctest: +SKIP
    >>> cache.size()  # doctest: +SKIP
    CacheSize(entries=0, bytes=0)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CacheSize", "ResponseCache", "cache_key", "default_cache_dir", "request_key"]


def default_cache_dir() -> Path:
    """``RF_NOTEBOOK_CACHE_DIR``, else the user cache folder (``~/.cache/rf-notebook``)."""
    env = os.environ.get("RF_NOTEBOOK_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("rf-notebook")) / "responses"


def request_key(*, api_url: str, model: str, task: str | None, params: Mapping[str, Any]) -> str:
    """A stable hex digest of everything about a request but its image.

    Computed once per predict call; ``params`` must not hold the API key.

    Example:
        >>> len(request_key(api_url="u", model="p/1", task=None, params={}))
        64
    """
    material = json.dumps(
        {"url": api_url, "model": model, "task": task, "params": params},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def cache_key(request: str, image_sha256: str) -> str:
    """The key of one response: a :func:`request_key` and the SHA-256 of the image sent.

    Example:
        >>> cache_key(request_key(api_url="u", model="p/1", task=None, params={}), "0")[:8]
        'ee1465c4'
    """
    return hashlib.sha256(f"{request}:{image_sha256}".encode()).hexdigest()


@dataclass(frozen=True)
class CacheSize:
    """How much the cache holds."""

    entries: int
    bytes: int

    def __str__(self) -> str:
        return f"{self.entries} responses, {self.bytes / 1e6:.1f} MB"


class ResponseCache:
    """Raw responses on disk, one small JSON file per request.

    Args:
        directory: Where to keep them; created on first write.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()

    def _path(self, key: str) -> str:
        # A plain string, not a Path: look-ups run thousands of times on a cached re-run.
        return f"{self.directory}{os.sep}{key[:2]}{os.sep}{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored response, or ``None``. A damaged entry counts as missing."""
        try:
            with open(self._path(key), "rb") as handle:
                value = json.loads(handle.read())
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, response: Mapping[str, Any]) -> None:
        """Store a response atomically (temporary file, then rename)."""
        path = Path(self._path(key))
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(json.dumps(response, separators=(",", ":")).encode())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def size(self) -> CacheSize:
        """Count entries and bytes.

        Example:
            >>> print(ResponseCache("/tmp/rf-cache").size())  # doctest: +SKIP
            12 responses, 0.1 MB
        """
        files = list(self.directory.glob("??/*.json")) if self.directory.exists() else []
        return CacheSize(len(files), sum(f.stat().st_size for f in files))

    def clear(self) -> int:
        """Delete every stored response; returns how many were removed."""
        removed = 0
        if self.directory.exists():
            for file in self.directory.glob("??/*.json"):
                file.unlink(missing_ok=True)
                removed += 1
            for file in self.directory.glob("??/.tmp-*"):
                file.unlink(missing_ok=True)
        return removed

    def __repr__(self) -> str:
        return f"ResponseCache({str(self.directory)!r})"
