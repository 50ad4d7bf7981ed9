"""Stroke width and font size that scale with the image, so labels read at any size.

Both grow linearly with the image's geometric-mean side, so a 4K image shown fitted
to a notebook cell looks like a 320 px one shown at full size; the font never goes
below 11 px, the stroke never below 1 px.

Example:
    >>> style_for(1920, 1080)
    Style(stroke=4, font_size=21)
    >>> style_for(320, 240)
    Style(stroke=1, font_size=11)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import ConfigError

__all__ = ["Style", "style_for"]

_STROKE_PER_PIXEL = 1 / 400
_FONT_PER_PIXEL = 1 / 70
_MIN_FONT = 11


@dataclass(frozen=True)
class Style:
    """Sizes for one drawing, in pixels.

    Attributes:
        stroke: Box and polygon outline width, drawn inside the box.
        font_size: Label font size.

    Example:
        >>> Style(stroke=2, font_size=20).pad_x
        6
    """

    stroke: int
    font_size: int

    @property
    def pad_x(self) -> int:
        """Space left and right of a label's text inside its chip."""
        return max(2, round(self.font_size * 0.3))

    @property
    def pad_y(self) -> int:
        """Space above and below a label's text inside its chip."""
        return max(1, round(self.font_size * 0.12))

    @property
    def margin(self) -> int:
        """Gap between a banner or legend and the image edge, and between chips."""
        return max(2, round(self.font_size * 0.3))

    @property
    def radius(self) -> int:
        """Keypoint radius."""
        return max(3, 2 * self.stroke)


def style_for(
    width: int, height: int, *, stroke: int | None = None, font_size: int | None = None
) -> Style:
    """The style for an image of ``width`` × ``height``; explicit values win.

    Args:
        width: Image width in pixels.
        height: Image height in pixels.
        stroke: Outline width to use instead of the scaled one (1 or more).
        font_size: Font size to use instead of the scaled one (4 or more).

    Returns:
        A :class:`Style`.

    Raises:
        ConfigError: ``stroke`` or ``font_size`` is not a positive whole number.

    Example:
        >>> style_for(3840, 2160, stroke=2).stroke
        2
    """
    side = math.sqrt(max(1, width) * max(1, height))
    if stroke is None:
        stroke = max(1, round(side * _STROKE_PER_PIXEL))
    elif isinstance(stroke, bool) or not isinstance(stroke, int) or stroke < 1:
        raise ConfigError(f"stroke must be a whole number of pixels, 1 or more; got {stroke!r}")
    if font_size is None:
        font_size = max(_MIN_FONT, round(side * _FONT_PER_PIXEL))
    elif isinstance(font_size, bool) or not isinstance(font_size, int) or font_size < 4:
        raise ConfigError(f"font_size must be a whole number, 4 or more; got {font_size!r}")
    return Style(stroke=stroke, font_size=font_size)
