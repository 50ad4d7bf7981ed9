"""Expand what ``predict_many`` is given — a list, a folder or a glob — into inputs."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from .errors import ConfigError
from .images import IMAGE_EXTENSIONS, describe

__all__ = ["expand_sources", "input_label", "input_name"]


def expand_sources(images: Any) -> list[Any]:
    """Turn a folder, a glob pattern, a single input or an iterable into a list of inputs.

    Folders are read recursively for image files, sorted by path so the order is stable.

    Example:
        >>> expand_sources("photos/*.jpg")  # doctest: +SKIP
        [PosixPath('photos/a.jpg'), PosixPath('photos/b.jpg')]
    """
    if isinstance(images, (str, Path)):
        text = str(images)
        path = Path(text).expanduser()
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS
            )
            if not found:
                raise ConfigError(
                    f"{text}: no images ({', '.join(IMAGE_EXTENSIONS)}) in this folder"
                )
            return list(found)
        if any(ch in text for ch in "*?[") and not path.exists():
            matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
            files = [p for p in matches if p.is_file()]
            if not files:
                raise ConfigError(f"{text}: the pattern matches no files")
            return list(files)
        return [images]
    if isinstance(images, (bytes, bytearray, np.ndarray, Image.Image)):
        return [images]
    if isinstance(images, Iterable):
        return list(images)
    raise ConfigError(f"expected images as a list, a folder or a glob; got {type(images).__name__}")


def input_name(index: int, source: Any) -> str | None:
    """The name a batch records for input ``index``: its path, or ``image_0007``."""
    if isinstance(source, (str, Path)) and len(str(source)) < 512:
        return str(source)
    described = describe(source)
    return (
        described
        if isinstance(source, Image.Image) and not described.startswith("<")
        else f"image_{index:04d}"
    )


def input_label(item: tuple[int, Any, str | None]) -> str:
    """A readable name for an ``(index, source, name)`` item, for failure records."""
    return item[2] or describe(item[1])
