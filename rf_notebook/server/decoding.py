"""Turn what a request carries into an RGB array: base64 text, file bytes or a URL."""

from __future__ import annotations

import base64
import binascii
import re

import numpy as np

from ..errors import ImageError
from ..images import load_image

__all__ = ["decode_base64_body", "image_array"]

_DATA_PREFIX = re.compile(rb"^\s*data:[\w/+.-]*;base64,", re.IGNORECASE)
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"RIFF", b"II*\x00", b"MM\x00*")
_PICKLE_MAGIC = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05", b"\x93NUMPY")


def decode_base64_body(body: bytes) -> bytes:
    """Base64 text (optionally ``data:...;base64,``) → image bytes; refuses raw binary.

    The body is read raw, never form-decoded, so a ``+`` stays a ``+``.

    Example:
        >>> decode_base64_body(b"data:image/png;base64,aGk=")
        b'hi'
    """
    if body.startswith(_PICKLE_MAGIC):
        raise ImageError("pickled or NumPy payloads are refused; send base64 image bytes")
    if body.startswith(_IMAGE_MAGIC):
        raise ImageError(
            "the body holds raw image bytes instead of a base64-encoded string; "
            "base64-encode the file, or send it as multipart part 'file'"
        )
    text = _DATA_PREFIX.sub(b"", body, count=1)
    text = b"".join(text.split())
    if not text:
        raise ImageError("no image: send base64 text in the body, multipart 'file', or image=<url>")
    try:
        return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ImageError("the body is not valid base64") from None


def image_array(data: bytes, max_pixels: int) -> np.ndarray:
    """Decode image bytes (EXIF orientation applied) into an ``(H, W, 3)`` RGB array."""
    image = load_image(data, max_pixels=max_pixels)
    return np.asarray(image, dtype=np.uint8)
