"""What an upload already did, in a small JSON file, so a re-run skips finished images.

The file holds, per target (``<api url>/dataset/<project>``, never a key), one entry per
image name: the id the API gave, whether it was new or a duplicate, and what happened to
its annotation. It is rewritten atomically after every image, so an interrupted run
loses at most the image in flight.

Example:
    >>> state = UploadState(Path("s.json"), "http://127.0.0.1:9001/dataset/a")  # doctest: +SKIP
    >>> entry = {"id": "x", "status": "uploaded", "annotation": "uploaded"}
    >>> state.record("a.jpg", entry)  # doctest: +SKIP
    >>> state.done("a.jpg")  # doctest: +SKIP
    True
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import redact

__all__ = ["FINISHED_ANNOTATIONS", "UploadState"]

#: Annotation outcomes that need no retry.
FINISHED_ANNOTATIONS = frozenset({"uploaded", "already annotated", "none", "off"})


class UploadState:
    """The resumable record of one upload target.

    Args:
        path: The JSON file, or ``None`` to keep nothing (no resume).
        target: Where images go, like ``https://api.roboflow.com/dataset/my-project``.
    """

    def __init__(self, path: Path | None, target: str) -> None:
        self.path = path
        self.target = redact(target)
        self._doc: dict[str, Any] = {"version": 1, "targets": {}}
        if path is not None and path.exists():
            try:
                loaded = json.loads(path.read_text())
            except (OSError, ValueError):
                loaded = None
            if isinstance(loaded, dict) and isinstance(loaded.get("targets"), dict):
                self._doc = loaded
        self._entries: dict[str, Any] = self._doc["targets"].setdefault(self.target, {})

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry of an image, if any.

        Example:
            >>> state.get("a.jpg")["id"]  # doctest: +SKIP
            'abc'
        """
        entry = self._entries.get(key)
        return entry if isinstance(entry, dict) else None

    def done(self, key: str) -> bool:
        """Whether an image was uploaded and its annotation needs nothing more.

        Example:
            >>> state.done("never-seen.jpg")  # doctest: +SKIP
            False
        """
        entry = self.get(key)
        return bool(
            entry
            and entry.get("status") in ("uploaded", "duplicate")
            and entry.get("annotation") in FINISHED_ANNOTATIONS
        )

    def record(self, key: str, entry: dict[str, Any]) -> None:
        """Store an image's entry and rewrite the file.

        Example:
            >>> state.record("a.jpg", {"id": "x", "status": "duplicate"})  # doctest: +SKIP
        """
        self._entries[key] = {k: v for k, v in entry.items() if k != "error"}
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w") as stream:
                json.dump(self._doc, stream, indent=1, sort_keys=True)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
