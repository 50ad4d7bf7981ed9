"""Colors: colorblind-safe palettes, a stable color per class name, readable text.

A class keeps its color across images, runs and processes: the palette index comes
from a BLAKE2 hash of the class name, never from Python's salted ``hash()``.

Example:
    >>> class_color("person") == class_color("person")
    True
    >>> text_color_for((240, 228, 66))
    (0, 0, 0)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable

from PIL import ImageColor

from ..errors import ConfigError

__all__ = [
    "DEFAULT_PALETTE",
    "OKABE_ITO",
    "RGB",
    "TOL_BRIGHT",
    "TOL_MUTED",
    "ColorLike",
    "PaletteLike",
    "class_color",
    "parse_color",
    "text_color_for",
]

RGB = tuple[int, int, int]


@runtime_checkable
class SupportsRGB(Protocol):
    """Anything with ``as_rgb()``, such as ``supervision.Color``.

    Example:
        >>> class Teal:
        ...     def as_rgb(self): return (0, 128, 128)
        >>> isinstance(Teal(), SupportsRGB)
        True
    """

    def as_rgb(self) -> tuple[int, int, int]:
        """The color as ``(r, g, b)``."""
        ...


ColorLike = str | Sequence[int] | SupportsRGB
PaletteLike = Sequence[ColorLike] | Mapping[str, ColorLike]

#: Okabe & Ito (2008), without black: safe for every common color-vision deficiency.
OKABE_ITO: tuple[RGB, ...] = (
    (230, 159, 0),  # orange
    (86, 180, 233),  # sky blue
    (0, 158, 115),  # bluish green
    (240, 228, 66),  # yellow
    (0, 114, 178),  # blue
    (213, 94, 0),  # vermillion
    (204, 121, 167),  # reddish purple
)
#: Paul Tol's "bright" scheme, without its grey.
TOL_BRIGHT: tuple[RGB, ...] = (
    (68, 119, 170),  # blue
    (238, 102, 119),  # red
    (34, 136, 51),  # green
    (204, 187, 68),  # yellow
    (102, 204, 238),  # cyan
    (170, 51, 119),  # purple
)
#: Paul Tol's "muted" scheme, without its pale grey.
TOL_MUTED: tuple[RGB, ...] = (
    (51, 34, 136),  # indigo
    (136, 204, 238),  # cyan
    (68, 170, 153),  # teal
    (17, 119, 51),  # green
    (153, 153, 51),  # olive
    (221, 204, 119),  # sand
    (204, 102, 119),  # rose
    (136, 34, 85),  # wine
    (170, 68, 153),  # purple
)
#: The default: Okabe–Ito, then Tol bright, then Tol muted (22 colors).
DEFAULT_PALETTE: tuple[RGB, ...] = OKABE_ITO + TOL_BRIGHT + TOL_MUTED


def parse_color(value: ColorLike) -> RGB:
    """Read a color: ``"#RRGGBB"``, ``"#RGB"``, a CSS name, an ``(r, g, b)`` tuple or
    anything with ``as_rgb()`` (``supervision.Color``).

    Args:
        value: The color to read.

    Returns:
        An ``(r, g, b)`` tuple of ints in 0–255.

    Raises:
        ConfigError: The value is not a color.

    Example:
        >>> parse_color("#ff8000"), parse_color("white"), parse_color((1, 2, 3))
        ((255, 128, 0), (255, 255, 255), (1, 2, 3))
    """
    if (
        isinstance(value, tuple)
        and len(value) == 3
        and all(type(v) is int and 0 <= v <= 255 for v in value)
    ):  # the common case, before the slow protocol check
        return (value[0], value[1], value[2])
    if isinstance(value, SupportsRGB):
        value = tuple(value.as_rgb())
    if isinstance(value, str):
        try:
            rgb = ImageColor.getrgb(value)
        except ValueError:
            raise ConfigError(f"not a color: {value!r} (use '#RRGGBB' or a name)") from None
        return (int(rgb[0]), int(rgb[1]), int(rgb[2]))
    try:
        channels = [int(v) for v in value]
    except (TypeError, ValueError):
        raise ConfigError(f"not a color: {value!r} (use '#RRGGBB' or (r, g, b))") from None
    if len(channels) not in (3, 4) or not all(0 <= v <= 255 for v in channels):
        raise ConfigError(f"a color needs 3 channels in 0–255, got {value!r}")
    return (channels[0], channels[1], channels[2])


def _stable_index(name: str, size: int) -> int:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % size


@lru_cache(maxsize=4096)
def _default_color(name: str) -> RGB:
    return DEFAULT_PALETTE[_stable_index(name, len(DEFAULT_PALETTE))]


def class_color(name: str, palette: PaletteLike | None = None) -> RGB:
    """The color of class ``name``: the same in every image, run and process.

    Args:
        name: The class name.
        palette: ``None`` for :data:`DEFAULT_PALETTE`, a list of colors (picked by a
            stable hash of the name), or a ``{class: color}`` mapping (classes it
            does not name fall back to the default palette).

    Returns:
        An ``(r, g, b)`` tuple.

    Example:
        >>> class_color("cat", {"cat": "red"})
        (255, 0, 0)
        >>> class_color("cat", ["#000000"])
        (0, 0, 0)
    """
    if isinstance(palette, Mapping):
        if name in palette:
            return parse_color(palette[name])
        palette = None
    if palette is None:
        return _default_color(name)
    if isinstance(palette, str) or not len(palette):
        raise ConfigError("palette must be a non-empty list of colors or a {class: color} dict")
    return parse_color(palette[_stable_index(name, len(palette))])


def _linear(channel: int) -> float:
    c = channel / 255.0
    return c / 12.92 if c <= 0.04045 else float(((c + 0.055) / 1.055) ** 2.4)


def text_color_for(background: ColorLike) -> RGB:
    """Black or white, whichever contrasts more with ``background`` (WCAG luminance).

    Example:
        >>> text_color_for("navy"), text_color_for("yellow")
        ((255, 255, 255), (0, 0, 0))
    """
    return _text_color(parse_color(background))


@lru_cache(maxsize=1024)
def _text_color(background: RGB) -> RGB:
    r, g, b = background
    luminance = 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)
    # Contrast with black is (L + .05) / .05, with white 1.05 / (L + .05); equal at ~0.179.
    return (0, 0, 0) if luminance > 0.1791 else (255, 255, 255)
