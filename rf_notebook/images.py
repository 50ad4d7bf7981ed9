"""Image inputs: read any supported input once, and prepare the bytes to send.

Accepted inputs: a path (``str`` or ``Path``), an http(s) URL, a PIL image, a NumPy
array (RGB by default, ``color="bgr"`` for OpenCV), raw bytes, or a base64 string
(with or without a ``data:`` prefix).

Example:
    >>> from rf_notebook.images import load_image
    >>> load_image(np.zeros((4, 6, 3), np.uint8)).size  # doctest: +SKIP
    (6, 4)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ImageError

__all__ = [
    "IMAGE_EXTENSIONS",
    "MAX_PIXELS",
    "ImageInput",
    "PreparedImage",
    "describe",
    "load_image",
    "prepare_image",
    "to_rgb",
]

ImageInput = Union[str, Path, bytes, bytearray, "Image.Image", np.ndarray]
Color = Literal["rgb", "bgr"]

#: Largest image accepted, in pixels; larger ones are treated as decompression bombs.
MAX_PIXELS = 50_000_000
#: File extensions picked up when a folder or glob is given.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif")
_URL = re.compile(r"^https?://", re.IGNORECASE)
_DATA_URI = re.compile(r"^data:[\w/+.-]*;base64,", re.IGNORECASE)
_BASE64 = re.compile(r"^[A-Za-z0-9+/\s]+={0,2}\s*$")
_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
_ORIENTATION_TAG = 0x0112


@dataclass(frozen=True)
class PreparedImage:
    """What will be sent for one input, and how to map answers back.

    Attributes:
        payload: The image bytes to send (empty when sent by ``url``).
        media_type: ``image/jpeg`` or ``image/png``.
        width: Original width after EXIF orientation (``None`` for a URL not downloaded).
        height: Original height, likewise.
        scale: ``(fx, fy)``: sent size = original size × scale; ``(1.0, 1.0)`` if unscaled.
        source: A short name for the input: its path, URL, or a description.
        url: Set when the server should download the image itself.
    """

    payload: bytes
    media_type: str
    width: int | None
    height: int | None
    scale: tuple[float, float]
    source: str
    url: str | None = None

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of what is sent (the URL's text for URL inputs)."""
        return hashlib.sha256(self.payload if self.url is None else self.url.encode()).hexdigest()

    @property
    def resized(self) -> bool:
        """Whether the image was shrunk before sending."""
        return self.scale != (1.0, 1.0)

    def check(self, max_pixels: int = MAX_PIXELS) -> PreparedImage:
        """Decode the payload fully, raising :class:`ImageError` if it is damaged.

        Example:
            >>> prepare_image("photo.jpg", verify=False).check()  # doctest: +SKIP
        """
        if not self.payload:
            return self
        image = _open_checked(self.payload, self.source, max_pixels, decode=True)
        if self.width is None:
            width, height = _oriented_size(image)
            return replace(self, width=width, height=height)
        return self

    def base64(self) -> str:
        """The payload as base64 text, as the hosted API wants it."""
        return base64.b64encode(self.payload).decode("ascii")


def describe(source: Any) -> str:
    """A short, safe name for an input, for messages and tables.

    Example:
        >>> describe(np.zeros((4, 6, 3), np.uint8))
        '<array 6×4>'
    """
    if isinstance(source, Path):
        return str(source)
    if isinstance(source, str):
        if _URL.match(source) or (len(source) < 256 and not _BASE64.match(source[:64] or "-")):
            return source
        return f"<base64 text, {len(source)} characters>"
    if isinstance(source, (bytes, bytearray)):
        return f"<bytes, {len(source)} long>"
    if isinstance(source, np.ndarray):
        if source.ndim >= 2:
            return f"<array {source.shape[1]}×{source.shape[0]}>"
        return f"<array shape {source.shape}>"
    if isinstance(source, Image.Image):
        name = getattr(source, "filename", "")
        return name or f"<PIL image {source.width}×{source.height}>"
    return f"<{type(source).__name__}>"


def load_image(
    source: ImageInput, *, color: Color = "rgb", max_pixels: int = MAX_PIXELS
) -> Image.Image:
    """Read any supported input as an 8-bit RGB PIL image, EXIF orientation applied.

    Args:
        source: A path, URL, PIL image, NumPy array, bytes or base64 string.
        color: Channel order of a NumPy array input: ``"rgb"`` or ``"bgr"`` (OpenCV).
        max_pixels: Refuse larger images (decompression bombs).

    Returns:
        A new RGB image; the input is never changed.

    Raises:
        ImageError: The input is missing, not an image, truncated, or too large.

    Example:
        >>> load_image("photo.jpg").size  # doctest: +SKIP
        (1280, 720)
    """
    if isinstance(source, Image.Image):
        _check_pixels(source.width, source.height, describe(source), max_pixels)
        return to_rgb(ImageOps.exif_transpose(source) or source)
    if isinstance(source, np.ndarray):
        return _from_array(source, color)
    data, name = _read_bytes(source)
    image = _open_checked(data, name, max_pixels)
    return to_rgb(ImageOps.exif_transpose(image) or image)


def prepare_image(
    source: ImageInput,
    *,
    max_side: int | None = None,
    color: Color = "rgb",
    jpeg_quality: int = 95,
    max_pixels: int = MAX_PIXELS,
    verify: bool = True,
    send_urls: bool = True,
) -> PreparedImage:
    """Prepare one input for upload: original bytes when possible, else one encode.

    JPEG and PNG files go out as their original bytes when no resize is needed, so a
    PNG stays a PNG. Everything else (or anything larger than ``max_side``) is encoded
    once as JPEG. Coordinates in the answer map back through :attr:`PreparedImage.scale`.

    Args:
        source: Any supported input.
        max_side: Shrink so that the longer side is at most this many pixels.
        color: Channel order of a NumPy array input.
        jpeg_quality: JPEG quality when encoding.
        max_pixels: Refuse larger images.
        verify: Decode fully to catch truncated files. ``False`` skips decoding (and,
            for JPEG/PNG with no ``max_side``, even the header: size stays ``None``), for a
            fast cache look-up; call :meth:`PreparedImage.check` before actually sending.
        send_urls: Pass URLs through for the server to download (unless resizing).

    Example:
        >>> prepared = prepare_image("photo.jpg", max_side=1024)  # doctest: +SKIP
        >>> prepared.scale  # doctest: +SKIP
        (0.8, 0.8)
    """
    name = describe(source)
    if isinstance(source, str) and _URL.match(source) and send_urls and max_side is None:
        return PreparedImage(b"", "", None, None, (1.0, 1.0), source, url=source)
    if isinstance(source, (Image.Image, np.ndarray)):
        return _encode(
            load_image(source, color=color, max_pixels=max_pixels), name, max_side, jpeg_quality
        )
    data, name = _read_bytes(source)
    media_type = next((t for magic, t in _MAGIC.items() if data.startswith(magic)), None)
    if media_type is not None and max_side is None and not verify:
        # Fast path for cache look-ups: the bytes alone decide what is sent.
        return PreparedImage(data, media_type, None, None, (1.0, 1.0), name)
    image = _open_checked(data, name, max_pixels, decode=verify or media_type is None)
    width, height = _oriented_size(image)
    fits = max_side is None or max(width, height) <= max_side
    if media_type is not None and fits:
        return PreparedImage(data, media_type, width, height, (1.0, 1.0), name)
    if not verify:  # we must decode to re-encode
        image = _open_checked(data, name, max_pixels, decode=True)
    return _encode(to_rgb(ImageOps.exif_transpose(image) or image), name, max_side, jpeg_quality)


def to_rgb(image: Image.Image) -> Image.Image:
    """Convert any PIL mode to 8-bit RGB: alpha over white, 16-bit scaled, CMYK converted.

    Example:
        >>> to_rgb(Image.new("I;16", (2, 2), 65535)).getpixel((0, 0))
        (255, 255, 255)
    """
    mode = image.mode
    if mode == "RGB":
        return image.copy()
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") or array.max(initial=0) > 255 else 255.0
        if mode == "F" and array.max(initial=0) <= 1.0:
            top = 1.0
        gray = np.clip(array * (255.0 / top), 0, 255).round().astype(np.uint8)
        return Image.fromarray(gray, mode="L").convert("RGB")
    if mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _encode(image: Image.Image, name: str, max_side: int | None, quality: int) -> PreparedImage:
    width, height = image.size
    scale = (1.0, 1.0)
    if max_side is not None and max(width, height) > max_side:
        factor = max_side / max(width, height)
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        scale = (size[0] / width, size[1] / height)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return PreparedImage(buffer.getvalue(), "image/jpeg", width, height, scale, name)


def _read_bytes(source: Any) -> tuple[bytes, str]:
    """Get the file bytes of a path, URL, bytes or base64 input."""
    name = describe(source)
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, str) and _URL.match(source):
        from .transport import download

        data = download(source)
    elif isinstance(source, str) and _DATA_URI.match(source):
        data = _b64(source.split(",", 1)[1], name)
    elif isinstance(source, (str, Path)):
        path = os.path.expanduser(source)
        try:  # open first, ask why only on failure: cached re-runs read thousands of files
            with open(path, "rb") as handle:
                data = handle.read()
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the text
            if os.path.isdir(path):
                raise ImageError(
                    f"{name}: is a folder, not an image. Use predict_many() for folders."
                ) from None
            if os.path.exists(path):
                raise ImageError(
                    f"{name}: cannot be read ({exc}). Check its permissions."
                ) from None
            if isinstance(source, str) and len(source) > 64 and _BASE64.match(source):
                return _b64(source, name), name
            raise ImageError(
                f"{name}: no such file. Check the path (relative to {Path.cwd()})."
            ) from None
    else:
        raise ImageError(
            f"{name}: not an image input. "
            "Pass a path, URL, PIL image, NumPy array, bytes or base64."
        )
    if not data:
        raise ImageError(f"{name}: is empty (0 bytes). Re-export or re-download the image.")
    return data, name


def _b64(text: str, name: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ImageError(f"{name}: is not valid base64 and not an existing file.") from None


def _open_checked(data: bytes, name: str, max_pixels: int, decode: bool = True) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            _check_pixels(image.width, image.height, name, max_pixels)
            if decode:
                image.load()
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError(
                f"{name}: too many pixels to be safe (decompression bomb check). "
                "Resize it first, or raise max_pixels if you trust the file."
            ) from None
        except UnidentifiedImageError:
            raise ImageError(
                f"{name}: not an image Pillow can read ({len(data)} bytes starting {data[:8]!r}). "
                "Use JPEG, PNG, BMP, WEBP, TIFF or GIF."
            ) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise ImageError(
                f"{name}: the image data is damaged or truncated ({exc}). Re-export the file."
            ) from None
    return image


def _check_pixels(width: int, height: int, name: str, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageError(
            f"{name}: {width}×{height} is {width * height / 1e6:.0f} MP, over the "
            f"{max_pixels / 1e6:.0f} MP limit. Resize it first, or pass max_pixels=."
        )


def _oriented_size(image: Image.Image) -> tuple[int, int]:
    orientation = image.getexif().get(_ORIENTATION_TAG, 1)
    if orientation in (5, 6, 7, 8):
        return image.height, image.width
    return image.width, image.height


def _from_array(array: np.ndarray, color: Color) -> Image.Image:
    name = f"<array shape {array.shape} dtype {array.dtype}>"
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ImageError(f"{name}: expected (H, W), (H, W, 3) or (H, W, 4).")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ImageError(f"{name}: has no pixels.")
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    elif array.dtype == np.uint16:
        array = (array >> 8).astype(np.uint8)
    elif np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
            raise ImageError(f"{name}: float arrays must hold values in 0–1; convert to uint8.")
        array = (array * 255).round().astype(np.uint8)
    elif array.dtype != np.uint8:
        raise ImageError(f"{name}: expected dtype uint8 (or uint16, bool, float in 0–1).")
    if color == "bgr" and array.ndim == 3:
        array = array[:, :, [2, 1, 0, 3][: array.shape[2]]]
    elif color not in ("rgb", "bgr"):
        raise ImageError(f"color must be 'rgb' or 'bgr', got {color!r}")
    mode = {2: "L", 3: "RGB", 4: "RGBA"}[array.ndim if array.ndim == 2 else array.shape[2]]
    return to_rgb(Image.fromarray(np.ascontiguousarray(array), mode=mode))
