"""Outlines of the labelled shapes and their unlabelled look-alikes, and their rasters.

Coordinates follow OpenCV: pixel ``(x, y)`` has its centre at the integer point
``(x, y)``. An outline is an ``(N, 2)`` float array of vertices; :func:`rasterize`
turns it into a boolean mask with 1/16-pixel vertex precision.

Example:
    >>> spec = ShapeSpec("square", cx=20.0, cy=20.0, radius=10.0, angle=0.0)
    >>> raster = rasterize(outline(spec))
    >>> 180 < raster.area < 230
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

__all__ = [
    "CLASS_NAMES",
    "LOOKALIKE_NAMES",
    "Raster",
    "ShapeSpec",
    "outline",
    "outline_area",
    "rasterize",
]

#: Labelled classes; a class id is the index in this tuple.
CLASS_NAMES: tuple[str, ...] = ("circle", "square", "triangle", "star")
#: Unlabelled distractors that resemble a labelled class.
LOOKALIKE_NAMES: tuple[str, ...] = ("ellipse", "pentagon", "hexagon", "rounded_square", "rectangle")

_SUBPIXEL_BITS = 4
_SUBPIXEL = 1 << _SUBPIXEL_BITS
_REGULAR_SIDES = {"square": 4, "triangle": 3, "pentagon": 5, "hexagon": 6}

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ShapeSpec:
    """One shape's kind and pose.

    Attributes:
        kind: A name from :data:`CLASS_NAMES` or :data:`LOOKALIKE_NAMES`.
        cx: Centre x in pixels.
        cy: Centre y in pixels.
        radius: Circumradius in pixels (half the diameter for circles and ellipses).
        angle: Rotation in radians.
        param: A kind-specific shape parameter: the inner/outer radius ratio of a
            star, the minor/major axis ratio of an ellipse or rectangle, the corner
            radius (as a fraction of the half side) of a rounded square. Ignored
            for the other kinds.
    """

    kind: str
    cx: float
    cy: float
    radius: float
    angle: float
    param: float = 0.5

    def __post_init__(self) -> None:
        if self.kind not in CLASS_NAMES and self.kind not in LOOKALIKE_NAMES:
            raise ValueError(f"unknown shape kind {self.kind!r}")
        if not self.radius > 0:
            raise ValueError(f"radius must be positive, got {self.radius}")


@dataclass(frozen=True, eq=False)
class Raster:
    """A shape's mask, cropped to its own bounding box (which may leave the image).

    Attributes:
        mask: Boolean array of shape ``(h, w)``.
        x0: Image column of ``mask[:, 0]``.
        y0: Image row of ``mask[0, :]``.
        area: Number of ``True`` pixels, counted before any clipping to an image.
    """

    mask: BoolArray
    x0: int
    y0: int
    area: int

    @property
    def x1(self) -> int:
        """One past the last column covered by ``mask``."""
        return self.x0 + int(self.mask.shape[1])

    @property
    def y1(self) -> int:
        """One past the last row covered by ``mask``."""
        return self.y0 + int(self.mask.shape[0])


def _circle_points(radius: float) -> int:
    return int(min(256, max(24, round(2 * math.pi * radius / 1.5))))


def _unit_outline(spec: ShapeSpec) -> FloatArray:
    """Vertices before rotation and translation, for a shape of circumradius ``radius``."""
    r = spec.radius
    kind = spec.kind
    if kind in ("circle", "ellipse"):
        n = _circle_points(r)
        t = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
        minor = r if kind == "circle" else r * spec.param
        return np.stack([r * np.cos(t), minor * np.sin(t)], axis=1)
    if kind in _REGULAR_SIDES:
        n = _REGULAR_SIDES[kind]
        t = -math.pi / 2 + np.arange(n) * 2 * math.pi / n
        return np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    if kind == "star":
        t = -math.pi / 2 + np.arange(10) * math.pi / 5
        radii = np.where(np.arange(10) % 2 == 0, r, r * spec.param)
        return np.stack([radii * np.cos(t), radii * np.sin(t)], axis=1)
    if kind == "rectangle":
        half_w, half_h = r * 0.9, r * 0.9 * spec.param
        return np.array(
            [[-half_w, -half_h], [half_w, -half_h], [half_w, half_h], [-half_w, half_h]]
        )
    return _rounded_square(r / math.sqrt(2), spec.param)


def _rounded_square(half_side: float, corner_fraction: float) -> FloatArray:
    corner = half_side * min(max(corner_fraction, 0.05), 1.0)
    inner = half_side - corner
    steps = max(4, round(corner * math.pi / 3))
    points: list[FloatArray] = []
    for quadrant, (sx, sy) in enumerate(((1, 1), (-1, 1), (-1, -1), (1, -1))):
        t = np.linspace(quadrant * math.pi / 2, (quadrant + 1) * math.pi / 2, steps)
        arc = np.stack([sx * inner + corner * np.cos(t), sy * inner + corner * np.sin(t)], axis=1)
        points.append(arc)
    return np.concatenate(points)


def outline(spec: ShapeSpec) -> FloatArray:
    """Return the vertices of a shape, rotated and placed.

    Args:
        spec: The shape.

    Returns:
        An ``(N, 2)`` float array of ``(x, y)`` vertices in pixel coordinates.

    Example:
        >>> outline(ShapeSpec("triangle", cx=0.0, cy=0.0, radius=2.0, angle=0.0)).shape
        (3, 2)
    """
    points = _unit_outline(spec)
    cos, sin = math.cos(spec.angle), math.sin(spec.angle)
    rotation = np.array([[cos, -sin], [sin, cos]])
    placed: FloatArray = points @ rotation.T + np.array([spec.cx, spec.cy])
    return placed


def outline_area(points: FloatArray) -> float:
    """Return the area of a simple polygon (shoelace formula).

    Args:
        points: ``(N, 2)`` vertices in order.

    Returns:
        The enclosed area in square pixels.

    Example:
        >>> outline_area(np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 3.0], [0.0, 3.0]]))
        12.0
    """
    x, y = points[:, 0], points[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def rasterize(points: FloatArray) -> Raster:
    """Fill a polygon into a boolean mask cropped to its bounding box.

    The crop is not clipped to any image, so ``area`` counts the whole shape, which
    is what the visible fraction of a shape cut by the image border is measured
    against.

    Args:
        points: ``(N, 2)`` vertices in pixel coordinates.

    Returns:
        The cropped mask with its offset and pixel count.

    Example:
        >>> raster = rasterize(np.array([[2.0, 2.0], [5.0, 2.0], [5.0, 5.0], [2.0, 5.0]]))
        >>> (raster.x0, raster.y0, raster.area)
        (2, 2, 16)
    """
    x0 = math.floor(float(points[:, 0].min())) - 1
    y0 = math.floor(float(points[:, 1].min())) - 1
    x1 = math.ceil(float(points[:, 0].max())) + 2
    y1 = math.ceil(float(points[:, 1].max())) + 2
    canvas = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    fixed = np.round((points - np.array([x0, y0])) * _SUBPIXEL).astype(np.int32)
    cv2.fillPoly(canvas, [fixed], 1, lineType=cv2.LINE_8, shift=_SUBPIXEL_BITS)
    mask = canvas.astype(bool)
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return Raster(np.zeros((1, 1), dtype=bool), x0, y0, 0)
    mask = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return Raster(mask, x0 + int(cols[0]), y0 + int(rows[0]), int(np.count_nonzero(mask)))
