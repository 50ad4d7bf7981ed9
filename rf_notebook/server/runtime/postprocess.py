"""Raw model outputs -> the task's hosted-API JSON body, one function per task."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from rf_notebook.server.runtime.decode import (
    decode_yolo,
    scores_to_probabilities,
    select_detections,
)
from rf_notebook.server.runtime.errors import InferenceFailedError
from rf_notebook.server.runtime.letterbox import ImageTransform
from rf_notebook.server.runtime.masks import masks_to_polygons
from rf_notebook.server.runtime.metadata import (
    METADATA_FILENAME,
    ModelMetadata,
    ScoreKind,
    TaskType,
)
from rf_notebook.server.runtime.params import InferenceParams
from rf_notebook.server.runtime.responses import (
    classification_body,
    detection_predictions,
    image_size,
    semantic_body,
)
from rf_notebook.server.runtime.semantic import encode_png_base64, semantic_maps

__all__ = ["postprocess", "postprocess_classification", "postprocess_detections"]

Outputs = Sequence[npt.NDArray[np.float32]]


def postprocess(
    outputs: Outputs,
    transform: ImageTransform,
    metadata: ModelMetadata,
    params: InferenceParams,
    *,
    head_index: int = 0,
    proto_index: int | None = None,
) -> dict[str, Any]:
    """Build ``{"image": ..., <task fields>}`` from the outputs of one run.

    Args:
        outputs: The model's outputs in graph order.
        transform: The letterbox used for the image.
        metadata: The model's metadata (task, classes, score kind).
        params: Thresholds and filters.
        head_index: Which output is the detect/segment head (detection tasks).
        proto_index: Which output holds the mask prototypes (instance segmentation).

    Returns:
        The JSON body without ``time`` and ``inference_id``.

    Raises:
        InferenceFailedError: An output's shape does not match the metadata.

    Example:
        >>> meta = ModelMetadata(TaskType.CLASSIFICATION, ("a", "b"), 8, 8)
        >>> t = ImageTransform.fit(8, 8, 8, 8)
        >>> postprocess([np.array([[0.3, 0.7]], np.float32)], t, meta, InferenceParams())["top"]
        'b'
    """
    body: dict[str, Any] = {"image": image_size(transform.source_width, transform.source_height)}
    if metadata.task is TaskType.CLASSIFICATION:
        body.update(postprocess_classification(outputs[0], metadata, params))
    elif metadata.task is TaskType.SEMANTIC_SEGMENTATION:
        body.update(_semantic(outputs[0], transform, metadata))
    else:
        protos = outputs[proto_index] if proto_index is not None else None
        body["predictions"] = postprocess_detections(
            outputs[head_index], protos, transform, metadata, params
        )
    return body


def postprocess_classification(
    output: npt.NDArray[np.float32], metadata: ModelMetadata, params: InferenceParams
) -> dict[str, Any]:
    """Single- or multi-label fields from a ``[1, nc]`` output.

    Example:
        >>> meta = ModelMetadata(TaskType.CLASSIFICATION, ("a", "b"), 8, 8, multilabel=True)
        >>> out = np.array([[0.9, 0.2]], np.float32)
        >>> postprocess_classification(out, meta, InferenceParams())["predicted_classes"]
        ['a']
    """
    probs = scores_to_probabilities(
        output.reshape(-1),
        logits=metadata.scores is ScoreKind.LOGITS,
        multilabel=metadata.multilabel,
    )
    if probs.size != metadata.num_classes:
        raise _shape_error(output.shape, f"[1, {metadata.num_classes}]", metadata)
    return classification_body(
        probs, metadata.class_names, confidence=params.confidence, multilabel=metadata.multilabel
    )


def postprocess_detections(
    head: npt.NDArray[np.float32],
    protos: npt.NDArray[np.float32] | None,
    transform: ImageTransform,
    metadata: ModelMetadata,
    params: InferenceParams,
) -> list[dict[str, Any]]:
    """The ``predictions`` list of a detect head, with polygons when ``protos`` is given.

    Boxes lying wholly in the letterbox padding are dropped before NMS, so that they neither
    suppress visible boxes nor take a ``max_detections`` place.

    Example:
        >>> meta = ModelMetadata(TaskType.OBJECT_DETECTION, ("a",), 8, 8)
        >>> head = np.array([[[4.0], [4.0], [2.0], [2.0], [0.9]]], np.float32)
        >>> t = ImageTransform.fit(16, 16, 8, 8)
        >>> p = postprocess_detections(head, None, t, meta, InferenceParams())[0]
        >>> (p["x"], p["y"], p["width"], p["class"])
        (8.0, 8.0, 4.0, 'a')
    """
    class_ids = None
    if params.class_filter is not None:
        index = {name: i for i, name in enumerate(metadata.class_names)}
        class_ids = [index[name] for name in params.class_filter if name in index]
    num_masks = 0
    if protos is not None:
        if protos.ndim != 4:
            raise _shape_error(protos.shape, "[1, 32, h, w] prototypes", metadata)
        num_masks = protos.shape[1]
    candidates = decode_yolo(
        head,
        num_classes=metadata.num_classes,
        num_masks=num_masks,
        confidence=params.confidence,
        class_ids=class_ids,
        max_candidates=params.max_candidates,
    )
    shown = transform.boxes_to_original(candidates.xyxy)
    visible = (shown[:, 2] > shown[:, 0]) & (shown[:, 3] > shown[:, 1])
    if not visible.all():
        candidates = candidates.take(np.flatnonzero(visible))
    kept = select_detections(
        candidates,
        iou_threshold=params.iou_threshold,
        max_detections=params.max_detections,
        class_agnostic=params.class_agnostic_nms,
    )
    boxes = transform.boxes_to_original(kept.xyxy)
    polygons = None
    if protos is not None and kept.coefficients is not None:
        polygons = masks_to_polygons(protos, kept.coefficients, boxes, transform)
    return detection_predictions(
        boxes, kept.confidence, kept.class_id, metadata.class_names, polygons
    )


def _semantic(
    output: npt.NDArray[np.float32], transform: ImageTransform, metadata: ModelMetadata
) -> dict[str, Any]:
    ids, conf = semantic_maps(
        output,
        transform,
        num_classes=metadata.num_classes,
        logits=metadata.scores is ScoreKind.LOGITS,
    )
    conf_png = encode_png_base64(np.round(conf * 255.0).astype(np.uint8))
    present = np.flatnonzero(np.bincount(ids.reshape(-1), minlength=metadata.num_classes))
    return semantic_body(encode_png_base64(ids), conf_png, metadata.class_names, present.tolist())


def _shape_error(
    shape: Sequence[int], expected: str, metadata: ModelMetadata
) -> InferenceFailedError:
    return InferenceFailedError(
        f"output shape {list(shape)} does not match {expected} for the "
        f"{metadata.num_classes} classes in {METADATA_FILENAME}."
    )
