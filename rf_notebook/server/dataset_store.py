"""Upload emulation's storage: images and annotations under the datasets folder.

Layout: ``<datasets>/<project>/<split>/images/<name>`` and ``.../labels/<stem>.<ext>``,
plus ``<datasets>/<project>/index.jsonl`` with one line per image (id, file, split,
batch, tags, metadata). Ids are the SHA-256 of the bytes, so the same bytes are a
duplicate; names are sanitised, and a different image never overwrites another.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DatasetStore", "StoredImage", "safe_name"]

_SPLITS = ("train", "valid", "test")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, fallback: str = "image") -> str:
    """A file name with no folders, no traversal and no odd characters.

    Example:
        >>> safe_name("../../etc/passwd"), safe_name("my photo.JPG")
        ('passwd', 'my_photo.JPG')
    """
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._")
    return cleaned[:120] or fallback


@dataclass(frozen=True)
class StoredImage:
    """One uploaded image, as recorded in ``index.jsonl``."""

    id: str
    file: str
    split: str
    batch: str
    tags: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    annotation: str | None = None


class DatasetStore:
    """Thread-safe store of uploaded images and annotations, one folder per project."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()

    def _project(self, project: str) -> Path:
        name = safe_name(project, "")
        if not name or name != project:
            raise ValueError(
                f"project must be a plain slug (letters, digits, - _ .), got {project!r}"
            )
        return self.root / name

    def _index(self, project: str) -> dict[str, StoredImage]:
        path = self._project(project) / "index.jsonl"
        if not path.exists():
            return {}
        entries = {}
        for line in path.read_text().splitlines():
            if line.strip():
                raw = json.loads(line)
                raw["tags"] = tuple(raw.get("tags", ()))
                entries[raw["id"]] = StoredImage(**raw)
        return entries

    def _write_index(self, project: str, entries: dict[str, StoredImage]) -> None:
        path = self._project(project) / "index.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text("".join(json.dumps(asdict(e)) + "\n" for e in entries.values()))
        temporary.replace(path)

    def add_image(
        self,
        project: str,
        data: bytes,
        *,
        name: str,
        split: str | None,
        batch: str,
        tags: tuple[str, ...] = (),
        metadata: dict[str, Any] | None = None,
    ) -> tuple[StoredImage, bool]:
        """Store an image; returns it and whether it was a duplicate (same bytes)."""
        split = split or "train"
        if split not in _SPLITS:
            raise ValueError(f"split must be one of {', '.join(_SPLITS)}, got {split!r}")
        image_id = hashlib.sha256(data).hexdigest()[:20]
        with self._lock:
            entries = self._index(project)
            if image_id in entries:
                return entries[image_id], True
            folder = self._project(project) / split / "images"
            folder.mkdir(parents=True, exist_ok=True)
            file_name = safe_name(name)
            target = folder / file_name
            if target.exists():  # another image already has this name: keep both
                target = folder / f"{target.stem}-{image_id[:8]}{target.suffix}"
            target.write_bytes(data)
            stored = StoredImage(
                id=image_id,
                file=str(target.relative_to(self._project(project))),
                split=split,
                batch=batch,
                tags=tags,
                metadata=metadata or {},
            )
            entries[image_id] = stored
            self._write_index(project, entries)
            return stored, False

    def annotate(
        self, project: str, image_id: str, text: str, *, name: str, overwrite: bool
    ) -> Path:
        """Store an annotation file beside its image; ``KeyError`` if the id is unknown."""
        with self._lock:
            entries = self._index(project)
            stored = entries[image_id]
            if stored.annotation and not overwrite:
                raise FileExistsError("already annotated")
            ext = Path(safe_name(name, "annotation.json")).suffix or ".json"
            image_path = self._project(project) / stored.file
            labels = image_path.parent.parent / "labels"
            labels.mkdir(parents=True, exist_ok=True)
            target = labels / f"{image_path.stem}{ext}"
            target.write_text(text)
            entries[image_id] = StoredImage(
                **{**asdict(stored), "annotation": str(target.relative_to(self._project(project)))}
            )
            self._write_index(project, entries)
            return target

    def images(self, project: str) -> list[StoredImage]:
        """Everything uploaded to a project, in upload order."""
        return list(self._index(project).values())
