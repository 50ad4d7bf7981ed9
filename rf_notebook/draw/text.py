"""Label text from a TrueType font, fast: each glyph is rasterised once per size.

FreeType rasterises about one glyph every 13 µs, so drawing 100 labels through
``ImageDraw.text`` costs ~25 ms at 1080p, more than all of supervision's box and label
annotators together. Here every character is drawn once into a cell as wide as its
advance and cached, and so is every word; a label is then cached pieces side by side
(one ``np.concatenate``, a few µs). Kerning is dropped, which labels do not miss.

The font is DejaVu Sans from matplotlib's data folder when matplotlib is installed
(found without importing it), else Pillow's bundled default font. Nothing is downloaded.

Example:
    >>> mask = render_text("cat 0.91", 16)
    >>> mask.dtype, mask.shape[0] == line_height(16)
    (dtype('uint8'), True)
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

__all__ = ["font_path", "line_height", "load_font", "render_text", "text_width"]

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=1)
def font_path() -> str | None:
    """Path of matplotlib's DejaVuSans.ttf, or ``None`` when matplotlib is absent.

    Example:
        >>> font_path()  # doctest: +SKIP
        '.../matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf'
    """
    try:
        spec = importlib.util.find_spec("matplotlib")
    except (ImportError, ValueError):
        return None
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return str(path)
    return None


@lru_cache(maxsize=32)
def load_font(size: int) -> Font:
    """The label font at ``size`` pixels: DejaVu Sans, else Pillow's default.

    Example:
        >>> load_font(14).getlength("ab") > 0
        True
    """
    path = font_path()
    if path is not None:
        return ImageFont.truetype(path, size)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the fixed-size bitmap font
        return ImageFont.load_default()


class _Glyphs:
    """Cached glyph cells and words of one font size, with ``pad`` blank rows above
    and below (so a chip's padding costs nothing extra)."""

    _MAX_WORDS = 1024

    def __init__(self, size: int, pad: int) -> None:
        self.font = load_font(size)
        if isinstance(self.font, ImageFont.FreeTypeFont):
            ascent, descent = self.font.getmetrics()
            self.line = int(ascent + descent)
        else:
            self.line = int(self.font.getbbox("Ag")[3]) + 1
        self.pad = pad
        self.height = self.line + 2 * pad
        self._cells: dict[str, np.ndarray] = {}
        self._words: dict[str, np.ndarray] = {}

    def cell(self, char: str) -> np.ndarray:
        cell = self._cells.get(char)
        if cell is None:
            cell = self._cells[char] = self._draw(char)
        return cell

    def word(self, word: str) -> np.ndarray:
        """A run of characters; class names and confidences repeat, so words are cached."""
        got = self._words.get(word)
        if got is None:
            if len(self._words) >= self._MAX_WORDS:
                self._words.clear()
            got = np.concatenate([self.cell(c) for c in word], axis=1)
            got.setflags(write=False)
            self._words[word] = got
        return got

    def blank(self, width: int) -> np.ndarray:
        return np.zeros((self.height, width, 3), dtype=np.uint8)

    def pieces(self, text: str) -> list[np.ndarray]:
        parts: list[np.ndarray] = []
        for i, word in enumerate(text.split(" ")):
            if i:
                parts.append(self.cell(" "))
            if word:
                parts.append(self.word(word))
        return parts

    def _draw(self, char: str) -> np.ndarray:
        shown = char if char.isprintable() else " "
        width = max(1, round(float(self.font.getlength(shown))))
        image = Image.new("L", (width, self.height), 0)
        ImageDraw.Draw(image).text((0, self.pad), shown, font=self.font, fill=255)
        # Three equal channels, ready to blend into a BGR chip with one cv2.LUT call.
        cell = np.repeat(np.asarray(image, dtype=np.uint8)[:, :, None], 3, axis=2)
        cell.setflags(write=False)  # shared by every label: nobody may change it
        return cell


@lru_cache(maxsize=32)
def _glyphs(size: int, pad: int = 0) -> _Glyphs:
    return _Glyphs(size, pad)


def line_height(size: int) -> int:
    """Height in pixels of one line of text at ``size``.

    Example:
        >>> line_height(20) >= 20
        True
    """
    return _glyphs(size).line


def text_width(text: str, size: int) -> int:
    """Width in pixels of ``text`` as :func:`render_text` draws it.

    Example:
        >>> text_width("ab", 20) == render_text("ab", 20).shape[1]
        True
    """
    return sum(piece.shape[1] for piece in _glyphs(size).pieces(text))


def render_text(
    text: str, size: int, *, channels: int = 1, pad: tuple[int, int] = (0, 0)
) -> np.ndarray:
    """Coverage mask of ``text`` (0 = background, 255 = ink).

    Args:
        text: One line of text; control characters become spaces.
        size: Font size in pixels.
        channels: 1 for a ``(height, width)`` array; 3 for ``(height, width, 3)`` with
            the mask repeated, as blending into a BGR image wants.
        pad: Blank ``(x, y)`` pixels around the text, on each side.

    Returns:
        A new uint8 array, ``line_height(size) + 2 * pad[1]`` high.

    Example:
        >>> render_text("", 12).shape[1], render_text("a", 12, channels=3).ndim
        (0, 3)
        >>> render_text("a", 12, pad=(2, 1)).shape[0] == line_height(12) + 2
        True
    """
    pad_x, pad_y = pad
    glyphs = _glyphs(size, pad_y)
    parts = glyphs.pieces(text)
    if pad_x:
        side = glyphs.blank(pad_x)
        parts = [side, *parts, side]
    if not parts:
        mask = glyphs.blank(0)
    elif len(parts) == 1:
        mask = parts[0].copy()
    else:
        mask = np.concatenate(parts, axis=1)
    return mask if channels == 3 else np.ascontiguousarray(mask[:, :, 0])
