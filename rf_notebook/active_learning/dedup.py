"""Near-duplicate images by difference hash (dHash), read lazily, one image at a time.

The hash is the classic dHash, bit for bit what ``imagehash.dhash`` computes: the image
in grayscale, shrunk to 9×8 with Lanczos, one bit per horizontally adjacent pair ("is
the right pixel brighter?"). Shrinking to 72 pixels averages away JPEG re-encoding noise
and makes the hash independent of size, so resized and re-encoded copies land within a
few bits of each other, while different images differ in about half of the 64 bits.
It is a dozen lines of NumPy and Pillow, so picking needs no extra dependency (imagehash
would add PyWavelets and SciPy) for the one hash it would use.

Example:
    >>> from PIL import Image
    >>> a = Image.linear_gradient("L").resize((64, 48))
    >>> hamming(dhash(a), dhash(a.resize((32, 24))))
    0
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from ..errors import ImageError
from ..images import load_image

__all__ = ["DEFAULT_DISTANCE", "HashIndex", "dhash", "hamming", "image_hash"]

#: Hashes this many bits apart (of 64) or fewer are near-duplicates.
DEFAULT_DISTANCE = 10
_HASH_SIZE = 8


def dhash(image: Image.Image, size: int = _HASH_SIZE) -> int:
    """The difference hash of an image, ``size * size`` bits as an int.

    Example:
        >>> dhash(Image.new("RGB", (10, 10)))
        0
    """
    small = image.convert("L").resize((size + 1, size), Image.Resampling.LANCZOS)
    pixels = np.asarray(small, dtype=np.int16)
    bits = (pixels[:, 1:] > pixels[:, :-1]).ravel()
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    """How many bits differ between two hashes.

    Example:
        >>> hamming(0b1011, 0b0001)
        2
    """
    return (a ^ b).bit_count()


def _open_path(path: Path) -> Image.Image:
    with Image.open(path) as image:
        image.draft("L", (64, 64))  # JPEG: decode at 1/2-1/8 scale, much faster
        oriented = ImageOps.exif_transpose(image) or image
        oriented.load()
        return oriented


def image_hash(source: Any) -> int | None:
    """The dHash of any image input (path, array, PIL image, bytes), or ``None`` if unreadable.

    URLs are not downloaded for deduplication: they give ``None``.

    Example:
        >>> image_hash("images/dog.jpg")  # doctest: +SKIP
        10923427542237
    """
    try:
        if isinstance(source, (str, Path)):
            path = Path(source)
            if not path.is_file():
                return None
            return dhash(_open_path(path))
        return dhash(load_image(source))
    except (OSError, ImageError, ValueError):
        return None


class HashIndex:
    """Hashes of the images kept so far, and a near-duplicate look-up.

    Example:
        >>> index = HashIndex(max_distance=6)
        >>> index.add("a.jpg", 0b1111), index.find(0b0111)
        (None, ('a.jpg', 1))
    """

    def __init__(self, max_distance: int = DEFAULT_DISTANCE) -> None:
        self.max_distance = max_distance
        self._hashes: dict[str, int] = {}

    def find(self, value: int) -> tuple[str, int] | None:
        """The closest kept image within ``max_distance`` bits, and the distance.

        Example:
            >>> HashIndex().find(0b1)  # nothing kept yet
        """
        best: tuple[str, int] | None = None
        for name, other in self._hashes.items():
            distance = hamming(value, other)
            if distance <= self.max_distance and (best is None or distance < best[1]):
                best = (name, distance)
        return best

    def add(self, name: str, value: int) -> None:
        """Keep an image's hash.

        Example:
            >>> index = HashIndex()
            >>> index.add("a.jpg", 0b1); len(index)
            1
        """
        self._hashes[name] = value

    def __len__(self) -> int:
        return len(self._hashes)
