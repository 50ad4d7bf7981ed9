"""Decoded images kept in memory, so moving a slider never reads or decodes a file again.

Example:
    >>> import numpy as np
    >>> cache = ImageCache(max_size=1280)
    >>> shown = cache.get(0, np.zeros((720, 2560, 3), np.uint8))
    >>> shown.image.size, shown.size
    ((1280, 360), (2560, 720))
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from PIL import Image

from ..errors import ConfigError
from ..images import ImageInput, load_image

__all__ = ["CachedImage", "ImageCache", "blank"]


@dataclass(frozen=True)
class CachedImage:
    """A decoded image ready to draw on.

    Attributes:
        image: RGB copy whose longest side is at most the cache's ``max_size``.
        size: The original ``(width, height)``; coordinates refer to it.

    Example:
        >>> from PIL import Image
        >>> CachedImage(Image.new("RGB", (64, 36)), (1280, 720)).scale
        0.05
    """

    image: Image.Image
    size: tuple[int, int]

    @property
    def scale(self) -> float:
        """Shown size over original size (1.0 when not shrunk)."""
        return self.image.width / self.size[0]


def blank(size: tuple[int, int], max_size: int | None = None) -> CachedImage:
    """A mid-gray stand-in for an image whose pixels are not available.

    Example:
        >>> blank((100, 50)).image.getpixel((0, 0))
        (128, 128, 128)
    """
    return CachedImage(_shrink(Image.new("RGB", size, (128, 128, 128)), max_size), size)


def _shrink(image: Image.Image, max_size: int | None) -> Image.Image:
    longest = max(image.size)
    if max_size is None or longest <= max_size:
        return image
    scale = max_size / longest
    new = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(new, Image.Resampling.LANCZOS, reducing_gap=3.0)


class ImageCache:
    """The last ``capacity`` images used, decoded and shrunk to ``max_size``.

    Args:
        max_size: Longest side of the kept copies; ``None`` keeps full size.
        capacity: How many images to keep; the least recently used goes first.

    Example:
        >>> import numpy as np
        >>> cache = ImageCache(capacity=8)
        >>> cache.get("a", np.zeros((4, 6, 3), np.uint8)).size
        (6, 4)
    """

    def __init__(self, max_size: int | None = 1280, capacity: int = 32) -> None:
        if max_size is not None and max_size < 16:
            raise ConfigError(f"max_size must be at least 16 pixels, got {max_size!r}")
        if capacity < 1:
            raise ConfigError(f"capacity must be 1 or more, got {capacity!r}")
        self.max_size = max_size
        self.capacity = capacity
        self._items: OrderedDict[Hashable, CachedImage] = OrderedDict()
        self.loads = 0

    def get(self, key: Hashable, source: ImageInput) -> CachedImage:
        """The cached image for ``key``, reading ``source`` only the first time.

        Raises:
            ImageError: ``source`` cannot be read.

        Example:
            >>> cache.get(3, "images/dog.jpg").image.size  # doctest: +SKIP
            (1280, 720)
        """
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        original = load_image(source)
        found = CachedImage(_shrink(original, self.max_size), original.size)
        self.loads += 1
        self._items[key] = found
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._items)
