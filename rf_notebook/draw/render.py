"""``draw_boxes``: one renderer for notebooks and the local server's ``format=image``.

Order of drawing: translucent masks, polygon outlines, box outlines, keypoints, then
every label chip on top (least confident first, so the surest label wins overlaps).
Instances with a polygon or mask are outlined by it rather than by their box.

Why own box and chip code instead of supervision's ``BoxAnnotator`` and
``LabelAnnotator``: OpenCV's thick rectangles have rounded corners and draw
``thickness=3`` and ``4`` alike (5 px), so outlines could not be exact, and a chip
with a TrueType font through ``RichLabelAnnotator`` costs ~60 ms per 100 labels at
1080p. supervision still draws masks, polygon outlines and keypoints
(:mod:`rf_notebook.draw.shapes`).

Example:
    >>> from rf_notebook.draw import draw_boxes
    >>> out = draw_boxes(np.zeros((80, 100, 3), np.uint8),
    ...                  [{"x": 50, "y": 40, "width": 20, "height": 10, "class": "cat"}])
    >>> out.size
    (100, 80)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from PIL import Image

from ..errors import ConfigError
from ..images import ImageInput
from .canvas import boxes_pixels, outline_boxes, to_canvas, to_pil
from .chips import chip_pixels, draw_chip, place_chip
from .colors import RGB, PaletteLike, class_color
from .normalize import Annotations, to_annotations
from .overlays import draw_banner, draw_multilabel, draw_semantic
from .shapes import Skeleton, draw_fills, draw_keypoints, draw_outlines
from .style import Style, style_for

__all__ = ["annotate", "draw_boxes", "label_text", "render"]


def label_text(name: str, confidence: float, show_confidence: bool = True) -> str:
    """The text of a label chip: the class, and the confidence when known.

    Example:
        >>> label_text("cat", 0.912), label_text("cat", float("nan"))
        ('cat 0.91', 'cat')
    """
    if show_confidence and not math.isnan(confidence):
        return f"{name} {confidence:.2f}"
    return name


def draw_boxes(
    image: ImageInput,
    predictions: Any,
    *,
    confidence: float | None = None,
    classes: str | Iterable[str] | None = None,
    labels: bool = True,
    show_confidence: bool = True,
    stroke: int | None = None,
    palette: PaletteLike | None = None,
    mask_opacity: float = 0.4,
    skeleton: Skeleton | None = None,
    font_size: int | None = None,
    top_k: int = 3,
) -> Image.Image:
    """Draw predictions on a copy of ``image``; the input is never changed.

    Boxes come from the API's center coordinates exactly (``x1 = x - width / 2`` …),
    clipped at the image edge. Each task draws in its own way: boxes with label chips;
    polygons or masks filled translucently; keypoints, joined when ``skeleton`` is
    given; classification as a top-k banner; multi-label as chips; semantic
    segmentation as a color overlay with a legend.

    Args:
        image: Anything :func:`~rf_notebook.images.load_image` reads (path, URL, PIL
            image, RGB NumPy array, bytes, base64).
        predictions: A result, a response dict (also ``PredictionGroup.json()``), a
            list of prediction dicts, ``supervision.Detections``, or ``None``.
        confidence: Hide predictions below this (0–1, or 0–100 as a percentage).
        classes: Show only these classes (a list or a comma-separated string).
        labels: Draw label chips, banners and legends.
        show_confidence: Put the confidence in the labels.
        stroke: Outline width in pixels; scales with the image when ``None``.
        palette: A list of colors, or a ``{class: color}`` mapping; colors are
            ``"#RRGGBB"``, names or ``(r, g, b)``. Default: a colorblind-safe palette.
        mask_opacity: Opacity of mask fills and semantic overlays, 0–1.
        skeleton: Keypoint edges: pairs of keypoint ids (0-based) or names.
        font_size: Label font size in pixels; scales with the image when ``None``.
        top_k: How many classes a classification banner lists.

    Returns:
        A new RGB PIL image the size of ``image``.

    Raises:
        ConfigError: A bad argument, or predictions of no accepted kind.
        ImageError: ``image`` cannot be read.

    Example:
        >>> out = draw_boxes("dog.jpg", result, confidence=0.5, stroke=2)  # doctest: +SKIP
    """
    canvas = to_canvas(image)
    annotate(
        canvas,
        predictions,
        confidence=confidence,
        classes=classes,
        labels=labels,
        show_confidence=show_confidence,
        stroke=stroke,
        palette=palette,
        mask_opacity=mask_opacity,
        skeleton=skeleton,
        font_size=font_size,
        top_k=top_k,
    )
    return to_pil(canvas)


def annotate(
    canvas: np.ndarray,
    predictions: Any,
    *,
    source_size: tuple[int, int] | None = None,
    confidence: float | None = None,
    classes: str | Iterable[str] | None = None,
    labels: bool = True,
    show_confidence: bool = True,
    stroke: int | None = None,
    palette: PaletteLike | None = None,
    mask_opacity: float = 0.4,
    skeleton: Skeleton | None = None,
    font_size: int | None = None,
    top_k: int = 3,
) -> None:
    """:func:`draw_boxes` on a BGR ``canvas``, in place.

    ``source_size`` is the size of the image the coordinates refer to, when the
    canvas is a resized copy and the predictions do not say (galleries use it).

    Example:
        >>> c = np.zeros((20, 20, 3), np.uint8)
        >>> annotate(c, [{"x": 10, "y": 10, "width": 4, "height": 4, "class": "a"}])
    """
    if not 0 <= mask_opacity <= 1:
        raise ConfigError(f"mask_opacity must be between 0 and 1, got {mask_opacity!r}")
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise ConfigError(f"top_k must be a whole number, 1 or more; got {top_k!r}")
    height, width = canvas.shape[:2]
    style = style_for(width, height, stroke=stroke, font_size=font_size)
    annotations = to_annotations(predictions).filtered(confidence, classes)
    if annotations.image_size is None and source_size is not None:
        annotations = replace(annotations, image_size=source_size)
    render(
        canvas,
        annotations.fitted(width, height),
        style,
        palette=palette,
        labels=labels,
        show_confidence=show_confidence,
        mask_opacity=mask_opacity,
        skeleton=skeleton,
        top_k=top_k,
    )


def render(
    canvas: np.ndarray,
    annotations: Annotations,
    style: Style,
    *,
    palette: PaletteLike | None = None,
    labels: bool = True,
    show_confidence: bool = True,
    mask_opacity: float = 0.4,
    skeleton: Skeleton | None = None,
    top_k: int = 3,
    colors: Sequence[RGB] | None = None,
    texts: Sequence[str] | None = None,
) -> None:
    """Draw ``annotations`` on a BGR ``canvas`` in place (the core of :func:`draw_boxes`).

    ``colors`` and ``texts`` override each instance's color and label, as
    :func:`~rf_notebook.draw.side_by_side` does for true and false positives.

    Example:
        >>> c = np.zeros((20, 20, 3), np.uint8)
        >>> render(c, to_annotations(None), style_for(20, 20))
    """

    def color_of(name: str) -> RGB:
        return class_color(name, palette)

    if annotations.kind == "classification":
        if labels:
            items = zip(
                annotations.names[:top_k], annotations.confidence[:top_k].tolist(), strict=True
            )
            draw_banner(
                canvas, [(label_text(n, c, show_confidence), color_of(n)) for n, c in items], style
            )
    elif annotations.kind == "multi-label":
        if labels:
            chosen = [
                (label_text(n, c, show_confidence), color_of(n))
                for n, c, p in zip(
                    annotations.names,
                    annotations.confidence.tolist(),
                    annotations.predicted,
                    strict=True,
                )
                if p
            ]
            draw_multilabel(canvas, chosen, style)
    elif annotations.kind == "semantic" and annotations.semantic is not None:
        draw_semantic(
            canvas,
            annotations.semantic,
            annotations.class_map,
            color_of,
            mask_opacity,
            style,
            legend=labels,
        )
    elif annotations.kind == "instances":
        shown_colors = (
            list(colors) if colors is not None else [color_of(n) for n in annotations.names]
        )
        shown_texts = None
        if labels:
            shown_texts = (
                list(texts)
                if texts is not None
                else [
                    label_text(n, c, show_confidence)
                    for n, c in zip(annotations.names, annotations.confidence.tolist(), strict=True)
                ]
            )
        _draw_instances(
            canvas, annotations, style, shown_colors, mask_opacity, skeleton, shown_texts
        )


def _draw_instances(
    canvas: np.ndarray,
    annotations: Annotations,
    style: Style,
    colors: Sequence[RGB],
    mask_opacity: float,
    skeleton: Skeleton | None,
    texts: Sequence[str] | None,
) -> None:
    height, width = canvas.shape[:2]
    n = len(annotations)
    if n == 0:
        return
    polygons = annotations.polygons or (None,) * n
    masks = annotations.masks or (None,) * n
    shaped = [
        (p is not None and len(p) >= 3) or m is not None
        for p, m in zip(polygons, masks, strict=True)
    ]
    if any(shaped):
        shapes = [
            (p, m, c) for p, m, c, s in zip(polygons, masks, colors, shaped, strict=True) if s
        ]
        draw_fills(canvas, shapes, mask_opacity)
        draw_outlines(canvas, shapes, style.stroke)
    boxes = boxes_pixels(annotations.xyxy, width, height)
    plain = [None if s else b for b, s in zip(boxes, shaped, strict=True)]
    outline_boxes(canvas, plain, colors, style.stroke)
    instance_keypoints = annotations.keypoints or (None,) * n
    keypoints = [(k, c) for k, c in zip(instance_keypoints, colors, strict=True) if k]
    if keypoints:
        draw_keypoints(canvas, keypoints, skeleton, style.stroke, style.radius)
    if texts is None:
        return
    order = np.argsort(np.nan_to_num(annotations.confidence, nan=np.inf), kind="stable")
    for i in order.tolist():
        box = boxes[i]
        if box is None or not texts[i]:
            continue
        pixels = chip_pixels(texts[i], colors[i], style)
        xy = place_chip(box, (pixels.shape[1], pixels.shape[0]), width, height)
        draw_chip(canvas, xy, texts[i], colors[i], style, pixels=pixels)
