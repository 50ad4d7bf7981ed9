"""Instance masks: prototype coefficients -> binary mask inside the box -> polygon.

For each detection only the box region is computed. The mask grid is the original image when the
image is no larger than the network input, and the original image downscaled to the input's
resolution otherwise (so a 4000 px photo costs no more than a 640 px one, like the hosted
"accurate" mode, which also rasterises at input resolution). For every grid pixel inside the box
the prototypes are sampled bilinearly (``cv2.warpAffine`` on the small prototype crop, with the
exact letterbox inverse), after ``coefficients @ prototypes`` and a sigmoid; pixels above 0.5 form
the mask. Pixels whose centre lies outside the box are outside the mask (the Ultralytics crop).
The polygon is the largest external contour (``cv2.findContours``, by area), mapped back to
original-image pixels. Filling that polygon with ``cv2.fillPoly`` restores the mask.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from rf_notebook.server.runtime.letterbox import ImageTransform

__all__ = ["box_mask", "mask_to_polygon", "masks_to_polygons"]

FloatArray = npt.NDArray[np.float64]


def _axis_plan(
    low: float, high: float, grid_factor: float, scale: float, pad: int, proto_ratio: float
) -> tuple[int, int, float, float]:
    """Grid pixel range ``[start, stop)`` inside ``[low, high]`` and its affine map to protos.

    The grid pixel ``g`` (centre ``g + 0.5``) sits at original ``(g + 0.5) / grid_factor``, at
    input ``that * scale + pad``, and at prototype index ``input * proto_ratio - 0.5``.
    """
    start = math.ceil(low * grid_factor - 0.5)
    stop = math.floor(high * grid_factor - 0.5) + 1
    slope = scale / grid_factor * proto_ratio
    offset = (0.5 * scale / grid_factor + pad) * proto_ratio - 0.5
    return start, stop, slope, offset


def box_mask(
    protos: npt.NDArray[np.float32],
    coefficients: npt.NDArray[np.float32],
    box: npt.ArrayLike,
    transform: ImageTransform,
    grid_factor: tuple[float, float],
) -> tuple[npt.NDArray[np.uint8], int, int]:
    """The binary mask of one detection, inside its box, on the mask grid.

    Args:
        protos: ``(nm, mh, mw)`` prototypes.
        coefficients: ``(nm,)`` mask coefficients of the detection.
        box: ``x1, y1, x2, y2`` in original-image pixels (already clipped).
        transform: The letterbox used for this image.
        grid_factor: ``(fx, fy)``: grid pixels per original pixel (1.0, or the downscale).

    Returns:
        ``(mask, x0, y0)``: a uint8 0/1 array and the grid position of its top-left pixel; the
        mask is empty (size 0) when no pixel centre lies inside the box.

    Example:
        >>> t = ImageTransform.fit(8, 8, 8, 8)
        >>> protos = np.full((1, 2, 2), 10.0, np.float32)
        >>> mask, x0, y0 = box_mask(protos, np.ones(1, np.float32), [2, 2, 6, 5], t, (1.0, 1.0))
        >>> mask.shape, x0, y0, int(mask.sum())
        ((3, 4), 2, 2, 12)
    """
    num_masks, proto_h, proto_w = protos.shape
    x1, y1, x2, y2 = (float(v) for v in np.asarray(box, dtype=np.float64))
    gx0, gx1, ax, bx = _axis_plan(
        x1,
        x2,
        grid_factor[0],
        transform.scale_x,
        transform.pad_x,
        proto_w / transform.input_width,
    )
    gy0, gy1, ay, by = _axis_plan(
        y1,
        y2,
        grid_factor[1],
        transform.scale_y,
        transform.pad_y,
        proto_h / transform.input_height,
    )
    if gx1 <= gx0 or gy1 <= gy0:
        return np.zeros((0, 0), np.uint8), gx0, gy0
    # Prototype window that bilinear sampling of the region touches (clamped: border replicate).
    px0 = min(max(math.floor(ax * gx0 + bx), 0), proto_w - 1)
    px1 = min(max(math.ceil(ax * (gx1 - 1) + bx), 0), proto_w - 1)
    py0 = min(max(math.floor(ay * gy0 + by), 0), proto_h - 1)
    py1 = min(max(math.ceil(ay * (gy1 - 1) + by), 0), proto_h - 1)
    window = protos[:, py0 : py1 + 1, px0 : px1 + 1]
    logits = coefficients.astype(np.float32) @ window.reshape(num_masks, -1)
    with np.errstate(over="ignore"):
        probs = (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
    probs = probs.reshape(window.shape[1], window.shape[2])
    matrix = np.array(
        [[ax, 0.0, ax * gx0 + bx - px0], [0.0, ay, ay * gy0 + by - py0]], dtype=np.float64
    )
    sampled = cv2.warpAffine(
        probs,
        matrix,
        (gx1 - gx0, gy1 - gy0),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    mask: npt.NDArray[np.uint8] = (sampled > 0.5).astype(np.uint8)
    return mask, gx0, gy0


def mask_to_polygon(mask: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64] | None:
    """The largest external contour of a 0/1 mask, as ``(m, 2)`` pixel-index ``x, y`` vertices.

    Args:
        mask: 2-D uint8 mask.

    Returns:
        The vertices, or ``None`` when the mask is empty or its largest contour has < 3 vertices.

    Example:
        >>> m = np.zeros((5, 5), np.uint8); m[1:4, 1:3] = 1
        >>> mask_to_polygon(m).tolist()
        [[1.0, 1.0], [1.0, 3.0], [2.0, 3.0], [2.0, 1.0]]
    """
    if mask.size == 0:
        return None
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=lambda c: (cv2.contourArea(c), len(c)))
    if len(largest) < 3:
        return None
    return largest.reshape(-1, 2).astype(np.float64)


def masks_to_polygons(
    protos: npt.NDArray[np.float32],
    coefficients: npt.NDArray[np.float32],
    boxes: npt.ArrayLike,
    transform: ImageTransform,
) -> list[FloatArray | None]:
    """Polygons in original-image pixels, one per detection (``None`` where the mask is empty).

    Args:
        protos: ``(nm, mh, mw)`` or ``(1, nm, mh, mw)`` prototypes.
        coefficients: ``(k, nm)`` mask coefficients.
        boxes: ``(k, 4)`` boxes in original-image pixels, clipped to the image.
        transform: The letterbox used for this image.

    Returns:
        ``k`` entries, each ``(m, 2)`` float64 ``x, y`` vertices or ``None``.

    Example:
        >>> t = ImageTransform.fit(8, 8, 8, 8)
        >>> protos = np.full((1, 1, 2, 2), 10.0, np.float32)
        >>> polys = masks_to_polygons(protos, np.ones((1, 1), np.float32), [[2, 2, 6, 5]], t)
        >>> polys[0].tolist()
        [[2.0, 2.0], [2.0, 4.0], [5.0, 4.0], [5.0, 2.0]]
    """
    proto = protos[0] if protos.ndim == 4 else protos
    box_array = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    factor = (min(1.0, transform.scale_x), min(1.0, transform.scale_y))
    polygons: list[FloatArray | None] = []
    for coeff, box in zip(coefficients, box_array, strict=True):
        mask, gx0, gy0 = box_mask(proto, coeff, box, transform, factor)
        polygon = mask_to_polygon(mask)
        if polygon is not None:
            polygon = _grid_to_original(polygon, mask, (gx0, gy0), factor)
        polygons.append(polygon)
    return polygons


def _grid_to_original(
    polygon: FloatArray,
    mask: npt.NDArray[np.uint8],
    origin: tuple[int, int],
    factor: tuple[float, float],
) -> FloatArray:
    """Map contour vertices (mask-local grid pixel indices) to original pixel indices.

    A grid pixel ``g`` covers original pixels ``g / f`` to ``(g + 1) / f - 1``. A vertex on a
    left (top) boundary maps to the first of those, one on a right (bottom) boundary to the last,
    others to the centre, so that filling the polygon covers the same area as the grid mask.
    At factor 1 this is the identity plus the origin.
    """
    padded = np.pad(mask, 1)
    gx = polygon[:, 0].astype(np.intp)
    gy = polygon[:, 1].astype(np.intp)
    result = np.empty_like(polygon)
    for axis, (g, before, after) in enumerate(
        (
            (gx, padded[gy + 1, gx] == 0, padded[gy + 1, gx + 2] == 0),
            (gy, padded[gy, gx + 1] == 0, padded[gy + 2, gx + 1] == 0),
        )
    ):
        f = factor[axis]
        start = (g + origin[axis]) / f
        stop = (g + origin[axis] + 1) / f - 1.0
        centre = (start + stop) / 2.0
        result[:, axis] = np.where(before & ~after, start, np.where(after & ~before, stop, centre))
    return result
