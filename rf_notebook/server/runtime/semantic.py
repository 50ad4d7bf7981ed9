"""Semantic segmentation: ``[1, nc, h, w]`` class scores -> class-id and confidence maps.

The per-pixel class (arg-max) and confidence (largest probability) are computed at the output's
resolution, then sampled onto every original-image pixel through the exact letterbox inverse
(nearest neighbour for class ids, bilinear for confidence). The maps are returned as single-channel
PNGs, base64 encoded, the size of the original image.
"""

from __future__ import annotations

import base64

import cv2
import numpy as np
import numpy.typing as npt

from rf_notebook.server.runtime.decode import scores_to_probabilities
from rf_notebook.server.runtime.errors import InferenceFailedError
from rf_notebook.server.runtime.letterbox import ImageTransform

__all__ = ["encode_png_base64", "semantic_maps"]


def semantic_maps(
    output: npt.NDArray[np.float32],
    transform: ImageTransform,
    *,
    num_classes: int,
    logits: bool,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float32]]:
    """Class-id and confidence maps the size of the original image.

    Args:
        output: ``[1, nc, h, w]`` (or ``[nc, h, w]``) scores over the network input.
        transform: The letterbox used for this image.
        num_classes: ``nc`` from the metadata (at most 256: class ids are stored as uint8).
        logits: Apply a softmax over classes first.

    Returns:
        ``(class_ids, confidence)``: ``(H, W)`` uint8 and ``(H, W)`` float32 in ``[0, 1]``.

    Raises:
        InferenceFailedError: The output's shape does not match ``num_classes``.

    Example:
        >>> out = np.zeros((1, 2, 4, 4), np.float32); out[0, 1, :, 2:] = 5.0
        >>> ids, conf = semantic_maps(out, ImageTransform.fit(4, 4, 4, 4), num_classes=2,
        ...                           logits=True)
        >>> ids.tolist()[0]
        [0, 0, 1, 1]
    """
    scores = output[0] if output.ndim == 4 else output
    if scores.ndim != 3 or scores.shape[0] != num_classes:
        raise InferenceFailedError(
            f"semantic segmentation output has shape {list(output.shape)}; expected "
            f"[1, {num_classes}, h, w] for the {num_classes} classes in model.json."
        )
    probs = scores_to_probabilities(scores, logits=logits, multilabel=False, axis=0)
    class_map = probs.argmax(axis=0).astype(np.uint8)
    confidence = probs.max(axis=0).astype(np.float32)
    out_h, out_w = class_map.shape
    rx, ry = out_w / transform.input_width, out_h / transform.input_height
    # Original pixel u (centre u + 0.5) -> input -> output index (centre convention).
    matrix = np.array(
        [
            [transform.scale_x * rx, 0.0, (0.5 * transform.scale_x + transform.pad_x) * rx - 0.5],
            [0.0, transform.scale_y * ry, (0.5 * transform.scale_y + transform.pad_y) * ry - 0.5],
        ],
        dtype=np.float64,
    )
    size = (transform.source_width, transform.source_height)
    flags = cv2.WARP_INVERSE_MAP
    ids = cv2.warpAffine(
        class_map, matrix, size, flags=flags | cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE
    )
    conf = cv2.warpAffine(
        confidence, matrix, size, flags=flags | cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(ids, dtype=np.uint8), np.clip(conf, 0.0, 1.0).astype(np.float32)


def encode_png_base64(image: npt.NDArray[np.uint8]) -> str:
    """Encode a single-channel uint8 image as a base64 PNG string.

    Args:
        image: ``(H, W)`` uint8.

    Returns:
        The base64 text (no data-URI prefix).

    Example:
        >>> encode_png_base64(np.zeros((1, 1), np.uint8))[:8]
        'iVBORw0K'
    """
    ok, buffer = cv2.imencode(".png", image)
    if not ok:  # pragma: no cover - cv2 only fails on unsupported dtypes
        raise InferenceFailedError("could not encode a PNG mask.")
    return base64.b64encode(buffer.tobytes()).decode("ascii")
