"""Small file helpers shared by the loaders: image files, and their size from the header.

Example:
    >>> image_size("photo.jpg")  # doctest: +SKIP
    (640, 480)
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from ..truth import AnnotationError

__all__ = ["IMAGE_SUFFIXES", "image_files", "image_size"]

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif"})
_ORIENTATION_TAG = 0x0112


def image_files(folder: Path) -> list[Path]:
    """Image files directly inside ``folder``, sorted by name.

    Example:
        >>> image_files(Path("dataset/valid/images"))[:1]  # doctest: +SKIP
        [PosixPath('dataset/valid/images/a.jpg')]
    """
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def image_size(path: Path) -> tuple[int, int]:
    """``(width, height)`` as the image is shown — EXIF rotation applied — header only.

    Example:
        >>> image_size(Path("a.jpg"))  # doctest: +SKIP
        (64, 48)
    """
    try:
        with Image.open(path) as image:
            width, height = image.size
            orientation = image.getexif().get(_ORIENTATION_TAG, 1)
    except (OSError, ValueError) as error:
        raise AnnotationError(f"cannot read the image size: {error}", str(path)) from None
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
