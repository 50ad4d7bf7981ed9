"""Ground truth | prediction, side by side, colored by how they matched.

Matching is :func:`rf_notebook.matching.match_detections` (COCO-style, greedy by
confidence, class-aware). On the left, ground truth found by a prediction is a true
positive and the rest are false negatives; on the right, each prediction is a true or
a false positive. A legend below counts each.

Example:
    >>> from rf_notebook.draw import side_by_side
    >>> picture = side_by_side("dog.jpg", truth, result, iou=0.5)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from PIL import Image

from ..errors import ConfigError
from ..images import ImageInput
from ..matching import match_detections
from .canvas import to_canvas, to_pil
from .chips import chip_size, draw_chip, draw_chip_stack
from .colors import RGB
from .normalize import Annotations, to_annotations
from .render import label_text, render
from .style import Style, style_for

__all__ = ["FALSE_NEGATIVE", "FALSE_POSITIVE", "TRUE_POSITIVE", "side_by_side"]

#: Okabe–Ito bluish green, vermillion and yellow: distinct for every common
#: color-vision deficiency, and distinct in lightness as well.
TRUE_POSITIVE: RGB = (0, 158, 115)
FALSE_POSITIVE: RGB = (213, 94, 0)
FALSE_NEGATIVE: RGB = (240, 228, 66)
_BACKGROUND: RGB = (255, 255, 255)


def _boxes(value: Any, what: str) -> Annotations:
    annotations = to_annotations(value)
    if annotations.kind != "instances":
        raise ConfigError(f"side_by_side compares boxes; the {what} is {annotations.kind}")
    return annotations


def side_by_side(
    image: ImageInput,
    ground_truth: Any,
    prediction: Any,
    *,
    iou: float = 0.5,
    confidence: float | None = None,
    classes: str | Iterable[str] | None = None,
    labels: bool = True,
    show_confidence: bool = True,
    stroke: int | None = None,
    font_size: int | None = None,
) -> Image.Image:
    """Ground truth on the left, predictions on the right, with TP, FP and FN colored.

    Args:
        image: The image, anything :func:`~rf_notebook.images.load_image` reads.
        ground_truth: Boxes of any kind :func:`~rf_notebook.draw.draw_boxes` takes;
            dicts may have no ``confidence``.
        prediction: The predictions, of any such kind.
        iou: A prediction matches ground truth of its class at IoU ≥ this (0–1).
        confidence: Ignore predictions below this (0–1 or 0–100).
        classes: Compare only these classes.
        labels: Draw class labels on the boxes.
        show_confidence: Put the confidence in prediction labels.
        stroke: Outline width; scales with the image when ``None``.
        font_size: Label font size; scales with the image when ``None``.

    Returns:
        A new RGB PIL image: two panels, titles above, a legend with counts below.

    Raises:
        ConfigError: Either side is not boxes, or ``iou`` is not in 0–1.

    Example:
        >>> side_by_side(img, [{"x": 5, "y": 5, "width": 4, "height": 4, "class": "a"}],
        ...              result, iou=0.5)  # doctest: +SKIP
    """
    if not 0 <= iou <= 1:
        raise ConfigError(f"iou must be between 0 and 1, got {iou!r}")
    base = to_canvas(image)
    height, width = base.shape[:2]
    style = style_for(width, height, stroke=stroke, font_size=font_size)
    truth = _boxes(ground_truth, "ground truth").filtered(None, classes)
    predicted = _boxes(prediction, "prediction").filtered(confidence, classes)
    truth, predicted = truth.fitted(width, height), predicted.fitted(width, height)
    match = match_detections(
        truth.xyxy,
        np.array(truth.names, dtype=object),
        predicted.xyxy,
        np.array(predicted.names, dtype=object),
        np.nan_to_num(predicted.confidence, nan=1.0),
        iou=iou,
    )
    found = match.gt_matched.tolist()
    hits = match.true_positive.tolist()
    left = base.copy()
    render(
        left,
        truth,
        style,
        labels=labels,
        colors=[TRUE_POSITIVE if f else FALSE_NEGATIVE for f in found],
        texts=list(truth.names),
    )
    right = base
    render(
        right,
        predicted,
        style,
        labels=labels,
        colors=[TRUE_POSITIVE if h else FALSE_POSITIVE for h in hits],
        texts=[
            label_text(n, c, show_confidence)
            for n, c in zip(predicted.names, predicted.confidence.tolist(), strict=True)
        ],
    )
    counts = (sum(hits), len(hits) - sum(hits), len(found) - sum(found))
    return to_pil(_compose(left, right, counts, style))


def _compose(
    left: np.ndarray, right: np.ndarray, counts: tuple[int, int, int], style: Style
) -> np.ndarray:
    height, width = left.shape[:2]
    gap = max(2, style.margin)
    _, chip_h = chip_size("Ag", style)
    header = chip_h + 2 * style.margin
    legend = [
        (f"true positive: {counts[0]}", TRUE_POSITIVE),
        (f"false positive: {counts[1]}", FALSE_POSITIVE),
        (f"false negative: {counts[2]}", FALSE_NEGATIVE),
    ]
    rows_needed = _legend_rows(legend, 2 * width + gap, style)
    footer = rows_needed * (chip_h + style.margin // 2) + 2 * style.margin
    sheet = np.full(
        (header + height + footer, 2 * width + gap, 3), _BACKGROUND[::-1], dtype=np.uint8
    )
    sheet[header : header + height, :width] = left
    sheet[header : header + height, width + gap :] = right
    draw_chip(sheet, (0, style.margin), "ground truth", _BACKGROUND, style)
    draw_chip(sheet, (width + gap, style.margin), "prediction", _BACKGROUND, style)
    draw_chip_stack(
        sheet, legend, style, origin=(style.margin, header + height + style.margin), wrap=True
    )
    return sheet


def _legend_rows(items: list[tuple[str, RGB]], width: int, style: Style) -> int:
    rows, x = 1, style.margin
    for text, _ in items:
        chip_w, _ = chip_size(text, style)
        if x > style.margin and x + chip_w > width - style.margin:
            rows, x = rows + 1, style.margin
        x += chip_w + style.margin // 2
    return rows
