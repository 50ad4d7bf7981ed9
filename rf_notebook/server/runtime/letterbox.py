"""Fit an image to the network input (letterbox, stretch, centre crop) and map coordinates back.

Letterbox follows Ultralytics ``LetterBox(center=True)`` exactly: ``r = min(in_w / w, in_h / h)``,
the image is resized with ``cv2.INTER_LINEAR`` to ``(round(w * r), round(h * r))``, centred, and
padded with gray 114 (left/top padding ``round(d / 2 - 0.1)``). The tensor is RGB, ``/ 255``,
NCHW float32.

Coordinates are continuous pixel coordinates (pixel ``i`` spans ``[i, i + 1)``), which is how box
corners are expressed. A point maps to the input as ``x_in = x * scale_x + pad_x``; the inverse uses
the exact per-axis scale of the resize that was performed (``new_w / w``), so it undoes the
transform to float precision, with no truncation.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from rf_notebook.server.runtime.errors import InvalidImageError
from rf_notebook.server.runtime.metadata import ResizeMode

__all__ = ["PAD_VALUE", "ImageTransform", "preprocess", "validate_image"]

PAD_VALUE = 114
"""Gray level of the letterbox padding (Ultralytics)."""

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ImageTransform:
    """How an original image was placed on the network input.

    ``x_in = x * scale_x + pad_x`` and ``y_in = y * scale_y + pad_y``; a negative pad means the
    resized image was cropped (centre crop).

    Attributes:
        source_width: Original image width.
        source_height: Original image height.
        input_width: Network input width.
        input_height: Network input height.
        resized_width: Width of the resized image before padding or cropping.
        resized_height: Height of the resized image before padding or cropping.
        pad_x: Left offset of the resized image on the input (negative when cropped).
        pad_y: Top offset of the resized image on the input (negative when cropped).

    Example:
        >>> t = ImageTransform.fit(200, 100, 64, 64, ResizeMode.LETTERBOX)
        >>> (t.resized_width, t.resized_height, t.pad_x, t.pad_y)
        (64, 32, 0, 16)
    """

    source_width: int
    source_height: int
    input_width: int
    input_height: int
    resized_width: int
    resized_height: int
    pad_x: int
    pad_y: int

    @property
    def scale_x(self) -> float:
        """Horizontal scale from original to input pixels.

        Example:
            >>> ImageTransform.fit(200, 100, 64, 64, ResizeMode.LETTERBOX).scale_x
            0.32
        """
        return self.resized_width / self.source_width

    @property
    def scale_y(self) -> float:
        """Vertical scale from original to input pixels.

        Example:
            >>> ImageTransform.fit(200, 100, 64, 64, ResizeMode.LETTERBOX).scale_y
            0.32
        """
        return self.resized_height / self.source_height

    @classmethod
    def fit(
        cls,
        source_width: int,
        source_height: int,
        input_width: int,
        input_height: int,
        mode: ResizeMode = ResizeMode.LETTERBOX,
    ) -> ImageTransform:
        """Compute the placement of an image of the given size on the network input.

        Args:
            source_width: Original image width (> 0).
            source_height: Original image height (> 0).
            input_width: Network input width (> 0).
            input_height: Network input height (> 0).
            mode: Letterbox, stretch or centre crop.

        Returns:
            The transform.

        Example:
            >>> ImageTransform.fit(100, 50, 32, 32, ResizeMode.STRETCH).scale_y
            0.64
        """
        if mode is ResizeMode.STRETCH:
            new_w, new_h, pad_x, pad_y = input_width, input_height, 0, 0
        elif mode is ResizeMode.CENTER_CROP:
            ratio = max(input_width / source_width, input_height / source_height)
            new_w = max(input_width, round(source_width * ratio))
            new_h = max(input_height, round(source_height * ratio))
            pad_x = -round((new_w - input_width) / 2)
            pad_y = -round((new_h - input_height) / 2)
        else:
            ratio = min(input_width / source_width, input_height / source_height)
            new_w = max(1, round(source_width * ratio))
            new_h = max(1, round(source_height * ratio))
            pad_x = round((input_width - new_w) / 2 - 0.1)
            pad_y = round((input_height - new_h) / 2 - 0.1)
        return cls(
            source_width=source_width,
            source_height=source_height,
            input_width=input_width,
            input_height=input_height,
            resized_width=new_w,
            resized_height=new_h,
            pad_x=pad_x,
            pad_y=pad_y,
        )

    def to_input(self, points: npt.ArrayLike) -> FloatArray:
        """Map ``(..., 2)`` original-image points to input pixels.

        Example:
            >>> t = ImageTransform.fit(200, 100, 64, 64, ResizeMode.LETTERBOX)
            >>> t.to_input([[100.0, 50.0]]).tolist()
            [[32.0, 32.0]]
        """
        xy = np.array(points, dtype=np.float64)
        xy[..., 0] = xy[..., 0] * self.scale_x + self.pad_x
        xy[..., 1] = xy[..., 1] * self.scale_y + self.pad_y
        return xy

    def to_original(self, points: npt.ArrayLike) -> FloatArray:
        """Map ``(..., 2)`` input-pixel points back to original-image pixels (no clipping).

        Example:
            >>> t = ImageTransform.fit(200, 100, 64, 64, ResizeMode.LETTERBOX)
            >>> t.to_original([[32.0, 16.0]]).tolist()
            [[100.0, 0.0]]
        """
        xy = np.array(points, dtype=np.float64)
        xy[..., 0] = (xy[..., 0] - self.pad_x) / self.scale_x
        xy[..., 1] = (xy[..., 1] - self.pad_y) / self.scale_y
        return xy

    def boxes_to_original(self, xyxy: npt.ArrayLike, *, clip: bool = True) -> FloatArray:
        """Map ``(n, 4)`` input-pixel ``x1, y1, x2, y2`` boxes to original pixels.

        Args:
            xyxy: Boxes in input pixels.
            clip: Clip to ``[0, width] x [0, height]`` of the original image.

        Returns:
            ``(n, 4)`` float64 boxes.

        Example:
            >>> t = ImageTransform.fit(200, 100, 64, 64, ResizeMode.LETTERBOX)
            >>> t.boxes_to_original([[0.0, 8.0, 16.0, 24.0]]).tolist()
            [[0.0, 0.0, 50.0, 25.0]]
        """
        boxes = np.array(xyxy, dtype=np.float64).reshape(-1, 4)
        corners = self.to_original(boxes.reshape(-1, 2, 2)).reshape(-1, 4)
        if clip:
            np.clip(corners[:, 0::2], 0.0, self.source_width, out=corners[:, 0::2])
            np.clip(corners[:, 1::2], 0.0, self.source_height, out=corners[:, 1::2])
        return corners


def validate_image(image: object) -> npt.NDArray[np.uint8]:
    """Check that ``image`` is an ``(H, W, 3)`` uint8 RGB array with a non-zero size.

    Args:
        image: The candidate image.

    Returns:
        The same array, typed.

    Raises:
        InvalidImageError: Wrong type, dtype, shape, or an empty image.

    Example:
        >>> validate_image(np.zeros((2, 3, 3), np.uint8)).shape
        (2, 3, 3)
    """
    if not isinstance(image, np.ndarray):
        raise InvalidImageError(f"expected a numpy array, got {type(image).__name__}.")
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise InvalidImageError(
            f"expected an (H, W, 3) uint8 RGB array, got shape {image.shape} dtype {image.dtype}; "
            "convert grayscale/RGBA images to RGB first."
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise InvalidImageError(f"the image is empty (shape {image.shape}).")
    return image


def preprocess(
    image: npt.NDArray[np.uint8],
    input_width: int,
    input_height: int,
    mode: ResizeMode = ResizeMode.LETTERBOX,
) -> tuple[npt.NDArray[np.float32], ImageTransform]:
    """Turn an RGB image into the network's ``(1, 3, H, W)`` float32 tensor in ``[0, 1]``.

    Args:
        image: ``(H, W, 3)`` uint8 RGB image.
        input_width: Network input width.
        input_height: Network input height.
        mode: Letterbox (default), stretch or centre crop.

    Returns:
        The tensor and the transform that maps coordinates between the two.

    Raises:
        InvalidImageError: ``image`` is not an ``(H, W, 3)`` uint8 array.

    Example:
        >>> tensor, t = preprocess(np.zeros((100, 200, 3), np.uint8), 64, 64)
        >>> tensor.shape, round(float(tensor[0, 0, 0, 0]) * 255)
        ((1, 3, 64, 64), 114)
    """
    validate_image(image)
    height, width = image.shape[:2]
    transform = ImageTransform.fit(width, height, input_width, input_height, mode)
    new_w, new_h = transform.resized_width, transform.resized_height
    resized: npt.NDArray[np.uint8] = image
    if (new_w, new_h) != (width, height):
        resized = np.asarray(
            cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR), dtype=np.uint8
        )
    tensor = np.full((1, 3, input_height, input_width), PAD_VALUE / 255.0, dtype=np.float32)
    # Intersection of the resized image (placed at pad_x, pad_y) with the input canvas.
    dst_x0, dst_y0 = max(transform.pad_x, 0), max(transform.pad_y, 0)
    dst_x1 = min(transform.pad_x + new_w, input_width)
    dst_y1 = min(transform.pad_y + new_h, input_height)
    src_x0, src_y0 = dst_x0 - transform.pad_x, dst_y0 - transform.pad_y
    patch = resized[src_y0 : src_y0 + dst_y1 - dst_y0, src_x0 : src_x0 + dst_x1 - dst_x0]
    np.multiply(
        patch.transpose(2, 0, 1),
        np.float32(1.0 / 255.0),
        out=tensor[0, :, dst_y0:dst_y1, dst_x0:dst_x1],
        casting="unsafe",
    )
    return tensor, transform
