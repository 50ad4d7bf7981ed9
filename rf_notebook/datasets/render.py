"""Pixels of a scene: textured backgrounds with distractors, shape fills, camera noise.

Every function draws from the ``numpy.random.Generator`` it is given and from
nothing else, so a scene is a pure function of its generator's seed. Images are
``float32`` RGB in ``[0, 255]`` until :func:`degrade` turns them into ``uint8``.

Example:
    >>> rng = np.random.default_rng(0)
    >>> background = render_background(rng, 64, 48, clutter=False)
    >>> degrade(background, rng, strength=0.5).shape
    (48, 64, 3)
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from .shapes import Raster

__all__ = ["contrasting_color", "degrade", "paint_shape", "render_background"]

FloatImage = npt.NDArray[np.float32]
Color = tuple[float, float, float]


def _random_color(rng: np.random.Generator) -> npt.NDArray[np.float32]:
    hue = rng.uniform(0, 180)
    saturation = rng.uniform(30, 255)
    value = rng.uniform(40, 255)
    hsv = np.array([[[hue, saturation, value]]], dtype=np.float32)
    hsv[..., 1:] /= 255.0
    hsv[..., 0] *= 2.0
    rgb = np.asarray(cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB), dtype=np.float32).reshape(3)
    scaled: npt.NDArray[np.float32] = rgb * np.float32(255.0)
    return scaled


def _gradient(rng: np.random.Generator, width: int, height: int) -> FloatImage:
    start, end = _random_color(rng), _random_color(rng)
    end = start + (end - start) * np.float32(rng.uniform(0.2, 0.8))
    theta = rng.uniform(0, 2 * math.pi)
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :] * np.float32(math.cos(theta))
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None] * np.float32(math.sin(theta))
    ramp = x + y
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    image: FloatImage = start + ramp[..., None] * (end - start)
    return image.astype(np.float32)


def _smooth_noise(
    rng: np.random.Generator, width: int, height: int, cells: int, amplitude: float
) -> FloatImage:
    grid_w = max(2, cells)
    grid_h = max(2, round(cells * height / width))
    grid: FloatImage = rng.uniform(-amplitude, amplitude, (grid_h, grid_w, 3)).astype(np.float32)
    if rng.random() < 0.6:  # mostly lightness, a little colour
        lightness = grid.mean(axis=2, keepdims=True).repeat(3, axis=2)
        grid = (lightness + grid * np.float32(0.3)).astype(np.float32)
    resized = cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
    noise: FloatImage = np.asarray(resized, dtype=np.float32)
    return noise


def _pattern(rng: np.random.Generator, width: int, height: int) -> FloatImage:
    amplitude = np.float32(rng.uniform(6, 22))
    period = rng.uniform(10, 40)
    theta = rng.uniform(0, math.pi)
    x = np.arange(width, dtype=np.float32)[None, :]
    y = np.arange(height, dtype=np.float32)[:, None]
    u = (x * math.cos(theta) + y * math.sin(theta)) * np.float32(2 * math.pi / period)
    if rng.random() < 0.5:
        wave = np.sin(u)
    else:  # checkerboard-like weave
        v = (y * math.cos(theta) - x * math.sin(theta)) * np.float32(2 * math.pi / period)
        wave = np.sign(np.sin(u) * np.sin(v)) * np.float32(0.6)
    pattern: FloatImage = (wave * amplitude)[..., None].repeat(3, axis=2).astype(np.float32)
    return pattern


def _draw_distractors(image: FloatImage, rng: np.random.Generator, clutter: bool) -> None:
    height, width = image.shape[:2]
    n_lines = int(rng.integers(8, 22) if clutter else rng.integers(0, 7))
    for _ in range(n_lines):
        p1 = (int(rng.integers(-20, width + 20)), int(rng.integers(-20, height + 20)))
        length = rng.uniform(0.1, 0.8) * max(width, height)
        theta = rng.uniform(0, 2 * math.pi)
        p2 = (int(p1[0] + length * math.cos(theta)), int(p1[1] + length * math.sin(theta)))
        color = tuple(float(c) for c in _random_color(rng))
        cv2.line(image, p1, p2, color, int(rng.integers(1, 4)), cv2.LINE_AA)
    n_dots = int(rng.integers(30, 90) if clutter else rng.integers(0, 30))
    for _ in range(n_dots):
        center = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        color = tuple(float(c) for c in _random_color(rng))
        cv2.circle(image, center, int(rng.integers(1, 3)), color, -1, cv2.LINE_AA)


def render_background(
    rng: np.random.Generator, width: int, height: int, *, clutter: bool
) -> FloatImage:
    """Draw a gradient with smooth blotches, an optional weave, lines and dots.

    Args:
        rng: The random source.
        width: Image width in pixels.
        height: Image height in pixels.
        clutter: Draw many more distractor lines and dots.

    Returns:
        A ``float32`` ``(height, width, 3)`` RGB image.

    Example:
        >>> render_background(np.random.default_rng(1), 32, 16, clutter=True).dtype
        dtype('float32')
    """
    image = _gradient(rng, width, height)
    image += _smooth_noise(rng, width, height, int(rng.integers(3, 9)), rng.uniform(5, 35))
    if rng.random() < 0.5:
        image += _pattern(rng, width, height)
    if rng.random() < 0.5:
        cells = int(rng.integers(width // 12, width // 6 + 1))
        image += _smooth_noise(rng, width, height, cells, rng.uniform(3, 12))
    _draw_distractors(image, rng, clutter)
    clipped: FloatImage = np.clip(image, 0, 255)
    return clipped


def contrasting_color(
    rng: np.random.Generator, reference: npt.NDArray[np.float32], *, low_contrast: bool
) -> Color:
    """Pick a fill colour at a chosen distance from a reference (background) colour.

    Args:
        rng: The random source.
        reference: The RGB colour the shape is drawn over.
        low_contrast: Stay within 14–28 RGB units of ``reference`` instead of at
            least 70 away.

    Returns:
        An RGB colour in ``[0, 255]``.

    Example:
        >>> ref = np.array([128, 128, 128], np.float32)
        >>> color = contrasting_color(np.random.default_rng(0), ref, low_contrast=True)
        >>> 10 < float(np.linalg.norm(np.array(color) - ref)) < 30
        True
    """
    if low_contrast:
        direction = rng.normal(size=3)
        direction /= max(float(np.linalg.norm(direction)), 1e-6)
        step = direction * rng.uniform(14, 28)
        color = np.clip(reference + step, 0, 255)
        if np.linalg.norm(color - reference) < 12:  # clipped at the edge of RGB space
            color = np.clip(reference - step, 0, 255)
        return (float(color[0]), float(color[1]), float(color[2]))
    best = _random_color(rng)
    for _ in range(12):
        if np.linalg.norm(best - reference) >= 70:
            break
        best = _random_color(rng)
    return (float(best[0]), float(best[1]), float(best[2]))


def paint_shape(
    image: FloatImage,
    raster: Raster,
    color: Color,
    rng: np.random.Generator,
) -> None:
    """Fill a shape in place with a shaded colour and, sometimes, a darker rim.

    Only pixels of ``raster.mask`` change, so the mask stays the exact footprint.

    Args:
        image: The ``float32`` image to draw on.
        raster: The shape's mask and offset; parts outside the image are skipped.
        color: Base RGB colour.
        rng: The random source.

    Example:
        >>> from rf_notebook.datasets.shapes import Raster
        >>> image = np.zeros((4, 4, 3), np.float32)
        >>> raster = Raster(np.ones((2, 2), bool), 1, 1, 4)
        >>> paint_shape(image, raster, (200.0, 0.0, 0.0), np.random.default_rng(0))
        >>> int((image[..., 0] > 0).sum())
        4
    """
    height, width = image.shape[:2]
    x0, y0 = max(raster.x0, 0), max(raster.y0, 0)
    x1, y1 = min(raster.x1, width), min(raster.y1, height)
    if x0 >= x1 or y0 >= y1:
        return
    mask = raster.mask[y0 - raster.y0 : y1 - raster.y0, x0 - raster.x0 : x1 - raster.x0]
    h, w = mask.shape
    theta = rng.uniform(0, 2 * math.pi)
    ramp = (
        np.linspace(-1, 1, w, dtype=np.float32)[None, :] * np.float32(math.cos(theta))
        + np.linspace(-1, 1, h, dtype=np.float32)[:, None] * np.float32(math.sin(theta))
    ) * np.float32(rng.uniform(0.0, 0.15))
    fill = np.asarray(color, dtype=np.float32)[None, None, :] * (1 + ramp[..., None])
    if rng.random() < 0.3 and min(h, w) >= 12:
        rim = mask & ~cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        fill[rim] *= np.float32(rng.uniform(0.45, 0.75))
    window = image[y0:y1, x0:x1]
    window[mask] = np.clip(fill[mask], 0, 255)


def degrade(
    image: FloatImage, rng: np.random.Generator, *, strength: float
) -> npt.NDArray[np.uint8]:
    """Add sensor noise and blur, then quantise to ``uint8``.

    Args:
        image: ``float32`` RGB image in ``[0, 255]``.
        rng: The random source.
        strength: ``0`` for a light touch, ``1`` for heavy noise and blur.

    Returns:
        A ``uint8`` RGB image.

    Example:
        >>> flat = np.full((8, 8, 3), 100, np.float32)
        >>> degrade(flat, np.random.default_rng(0), strength=0.0).dtype
        dtype('uint8')
    """
    sigma_noise = rng.uniform(2, 5) + strength * rng.uniform(3, 8)
    noise = rng.standard_normal(size=(*image.shape[:2], 1), dtype=np.float32)
    chroma = rng.standard_normal(size=image.shape, dtype=np.float32) * np.float32(0.35)
    noisy = image + (noise + chroma) * np.float32(sigma_noise)
    sigma_blur = rng.uniform(0.3, 0.9) + strength * rng.uniform(0.0, 0.8)
    blurred = cv2.GaussianBlur(noisy, (0, 0), sigma_blur)
    out: npt.NDArray[np.uint8] = np.clip(np.rint(blurred), 0, 255).astype(np.uint8)
    return out
