"""Small ONNX models with hand-set outputs in the Ultralytics layouts, for exact tests.

Every model takes ``images`` ``[1, 3, H, W]`` float32 and returns constant tensors (or, with
``input_gain=True``, constants multiplied by the mean of the input, so that different images give
different but predictable results). Use :func:`write_model_folder` to get a complete model folder
(``model.onnx`` + ``model.json``) that ``ModelRegistry`` / ``OnnxModel.from_folder`` can load.

Default toys (``INPUT_SIZE`` 128 x 128, ``CLASS_NAMES`` circle/square/triangle/star):

* ``object-detection``: ``DETECT_BOXES``, padded to ``NUM_CANDIDATES`` columns with zero scores.
  On a **256 x 128** image (scale 0.5, no x padding, 32 px of padding on top), with the hosted
  defaults (confidence 0.4, iou 0.3), ``infer`` returns, best first::

      circle   0.9  x=80  y=36 width=40 height=40
      square   0.7  x=84  y=40 width=40 height=40   (overlaps the circle; other class, kept)
      star     0.6  x=200 y=20 width=32 height=40   (clipped at the top edge)

  The second circle (0.8) is suppressed by the first (IoU 0.818); the triangle (0.35) is below
  0.4 and appears at ``x=180 y=96 width=60 height=20`` when confidence <= 0.35; a second star
  (0.5) lies entirely in the top padding band (input y 5..15), so it is dropped on any image
  that is wider than tall (it would be visible on a square image).
* ``instance-segmentation``: ``SEGMENT_BOXES`` with prototypes ``segment_prototypes()``. On a
  **64 x 32** image (scale 2, 32 px of padding on top): a circle (0.9) whose polygon is the
  rectangle ``[[12, 2], [12, 13], [23, 13], [23, 2]]`` and a square (0.8) whose polygon is
  ``[[40, 6], [40, 17], [55, 17], [55, 6]]`` (the larger of its two blobs). The triangle (0.7)
  has an empty mask and is left out.
* ``classification``: ``CLASS_PROBABILITIES`` = circle 0.05, square 0.6, triangle 0.3, star 0.05
  (single-label) or ``MULTILABEL_PROBABILITIES`` = 0.9, 0.1, 0.55, 0.4 (multi-label).
* ``semantic-segmentation`` (classes background/road/car): ``semantic_logits()`` at a quarter of
  the input. On a **64 x 32** image: class 1 where ``x < 32``, class 2 where ``x >= 32`` and
  ``y >= 16``, class 0 elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

__all__ = [
    "CLASS_NAMES",
    "CLASS_PROBABILITIES",
    "DETECT_BOXES",
    "INPUT_SIZE",
    "MULTILABEL_PROBABILITIES",
    "NUM_CANDIDATES",
    "SEGMENT_BOXES",
    "SEMANTIC_CLASS_NAMES",
    "ToyBox",
    "constant_model",
    "detect_output",
    "segment_outputs",
    "segment_prototypes",
    "semantic_logits",
    "write_model_folder",
]

INPUT_SIZE = (128, 128)
"""``(width, height)`` of every default toy."""
CLASS_NAMES = ("circle", "square", "triangle", "star")
SEMANTIC_CLASS_NAMES = ("background", "road", "car")
NUM_CANDIDATES = 16
NUM_MASKS = 32


@dataclass(frozen=True)
class ToyBox:
    """One candidate column of a detect/segment head, in letterboxed input pixels.

    Attributes:
        cx: Box centre x.
        cy: Box centre y.
        w: Box width.
        h: Box height.
        class_id: The class that gets ``score``; the other classes get 0.
        score: Class score (already sigmoided, as Ultralytics exports are).
        mask_channel: Segment heads: the prototype channel this box's coefficients select
            (coefficient 1 there, 0 elsewhere); ``None`` for all-zero coefficients (empty mask).
    """

    cx: float
    cy: float
    w: float
    h: float
    class_id: int
    score: float
    mask_channel: int | None = None


DETECT_BOXES = (
    ToyBox(40, 50, 20, 20, 0, 0.9),
    ToyBox(42, 50, 20, 20, 0, 0.8),
    ToyBox(42, 52, 20, 20, 1, 0.7),
    ToyBox(90, 80, 30, 10, 2, 0.35),
    ToyBox(100, 40, 16, 24, 3, 0.6),
    ToyBox(64, 10, 20, 10, 3, 0.5),
)

SEGMENT_BOXES = (
    ToyBox(40, 50, 40, 40, 0, 0.9, mask_channel=0),
    ToyBox(96, 64, 48, 48, 1, 0.8, mask_channel=1),
    ToyBox(64, 80, 20, 10, 2, 0.7, mask_channel=None),
)

CLASS_PROBABILITIES = (0.05, 0.6, 0.3, 0.05)
MULTILABEL_PROBABILITIES = (0.9, 0.1, 0.55, 0.4)


def detect_output(
    boxes: Sequence[ToyBox],
    num_classes: int = len(CLASS_NAMES),
    num_candidates: int = NUM_CANDIDATES,
    num_masks: int = 0,
) -> np.ndarray:
    """The ``[1, 4 + nc + nm, N]`` head output holding ``boxes`` then zero-score columns."""
    if len(boxes) > num_candidates:
        raise ValueError("more boxes than candidates")
    table = np.zeros((4 + num_classes + num_masks, num_candidates), np.float32)
    table[0:4, len(boxes) :] = [[8.0], [8.0], [4.0], [4.0]]  # harmless zero-score boxes
    for column, box in enumerate(boxes):
        table[0:4, column] = (box.cx, box.cy, box.w, box.h)
        table[4 + box.class_id, column] = box.score
        if num_masks and box.mask_channel is not None:
            table[4 + num_classes + box.mask_channel, column] = 1.0
    return table[None]


def segment_prototypes(input_size: tuple[int, int] = INPUT_SIZE) -> np.ndarray:
    """``[1, 32, H/4, W/4]`` prototypes: +10 inside hand-placed rectangles, -10 outside.

    Channel 0: one rectangle, columns 6..11 and rows 9..14 (proto pixels).
    Channel 1: a large rectangle (columns 20..27, rows 11..16) and a small one (columns 20..21,
    rows 19..20). Other channels are 0.
    """
    width, height = input_size
    protos = np.zeros((1, NUM_MASKS, height // 4, width // 4), np.float32)
    protos[0, 0:2] = -10.0
    protos[0, 0, 9:15, 6:12] = 10.0
    protos[0, 1, 11:17, 20:28] = 10.0
    protos[0, 1, 19:21, 20:22] = 10.0
    return protos


def segment_outputs(
    boxes: Sequence[ToyBox] = SEGMENT_BOXES,
    input_size: tuple[int, int] = INPUT_SIZE,
    num_classes: int = len(CLASS_NAMES),
) -> dict[str, np.ndarray]:
    """Both segment outputs, ``output0`` (boxes) and ``output1`` (prototypes)."""
    return {
        "output0": detect_output(boxes, num_classes, num_masks=NUM_MASKS),
        "output1": segment_prototypes(input_size),
    }


def semantic_logits(input_size: tuple[int, int] = INPUT_SIZE) -> np.ndarray:
    """``[1, 3, H/4, W/4]`` logits: class 1 (+5) on the left half, class 2 (+5) bottom right."""
    width, height = input_size
    logits = np.zeros((1, 3, height // 4, width // 4), np.float32)
    logits[0, 1, :, : width // 8] = 5.0
    logits[0, 2, height // 8 :, width // 8 :] = 5.0
    return logits


def constant_model(
    outputs: Mapping[str, np.ndarray],
    *,
    input_size: tuple[int, int] = INPUT_SIZE,
    dynamic_input: bool = False,
    input_gain: bool = False,
    opset: int = 17,
) -> onnx.ModelProto:
    """An ONNX model that returns ``outputs`` whatever the image.

    Args:
        outputs: Output name -> value, in graph order.
        input_size: ``(width, height)`` of the ``images`` input.
        dynamic_input: Declare the input's height and width as symbolic dimensions.
        input_gain: Multiply every output by the mean of the input tensor (0..1) instead of
            returning it unchanged; the graph still consumes the input either way.
        opset: ONNX opset.
    """
    width, height = input_size
    dims: list[int | str] = [1, 3, "height", "width"] if dynamic_input else [1, 3, height, width]
    image = helper.make_tensor_value_info("images", TensorProto.FLOAT, dims)
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
        helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
    ]
    initializers = [numpy_helper.from_array(np.array(0.0, np.float32), "zero")]
    graph_outputs = []
    for name, value in outputs.items():
        array = np.asarray(value, np.float32)
        initializers.append(numpy_helper.from_array(array, f"{name}_value"))
        operand = "mean" if input_gain else "nothing"
        op = "Mul" if input_gain else "Add"
        nodes.append(helper.make_node(op, [f"{name}_value", operand], [name]))
        graph_outputs.append(
            helper.make_tensor_value_info(name, TensorProto.FLOAT, list(array.shape))
        )
    graph = helper.make_graph(nodes, "toy", [image], graph_outputs, initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _default_outputs(
    task: str, input_size: tuple[int, int], multilabel: bool, num_classes: int
) -> dict[str, np.ndarray]:
    if task == "object-detection":
        return {"output0": detect_output(DETECT_BOXES, num_classes)}
    if task == "instance-segmentation":
        return segment_outputs(SEGMENT_BOXES, input_size, num_classes)
    if task == "classification":
        probs = MULTILABEL_PROBABILITIES if multilabel else CLASS_PROBABILITIES
        return {"output0": np.array([probs], np.float32)}
    if task == "semantic-segmentation":
        return {"output0": semantic_logits(input_size)}
    raise ValueError(f"unknown task {task!r}")


def write_model_folder(
    root: str | Path,
    model_id: str,
    *,
    task: str = "object-detection",
    class_names: Sequence[str] | None = None,
    input_size: tuple[int, int] = INPUT_SIZE,
    multilabel: bool = False,
    outputs: Mapping[str, np.ndarray] | None = None,
    input_gain: bool = False,
    dynamic_input: bool = False,
    extra_metadata: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``<root>/<model_id>/model.onnx`` and ``model.json``; return the folder.

    Args:
        root: The models folder.
        model_id: ``project/version``, e.g. ``"toy-detect/1"``.
        task: ``object-detection``, ``instance-segmentation``, ``classification`` or
            ``semantic-segmentation``.
        class_names: Defaults to ``CLASS_NAMES`` (``SEMANTIC_CLASS_NAMES`` for semantic).
        input_size: ``(width, height)``.
        multilabel: Classification only.
        outputs: Output name -> constant value; defaults to the task's toy (module docstring).
        input_gain: Outputs scale with the mean of the input (see :func:`constant_model`).
        dynamic_input: Symbolic input height/width.
        extra_metadata: Extra or overriding ``model.json`` fields (e.g. ``{"scores": "logits"}``).

    Example:
        >>> folder = write_model_folder(tmp_path, "toy-detect/1")  # doctest: +SKIP
        >>> OnnxModel.from_folder(folder).infer(image)["predictions"]  # doctest: +SKIP
    """
    if class_names is None:
        class_names = SEMANTIC_CLASS_NAMES if task == "semantic-segmentation" else CLASS_NAMES
    if outputs is None:
        outputs = _default_outputs(task, input_size, multilabel, len(class_names))
    folder = Path(root) / model_id
    folder.mkdir(parents=True, exist_ok=True)
    model = constant_model(
        outputs, input_size=input_size, dynamic_input=dynamic_input, input_gain=input_gain
    )
    onnx.save(model, str(folder / "model.onnx"))
    metadata: dict[str, Any] = {
        "task": task,
        "class_names": list(class_names),
        "input_size": list(input_size),
    }
    if task == "classification":
        metadata["multilabel"] = multilabel
    metadata.update(extra_metadata or {})
    (folder / "model.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return folder
