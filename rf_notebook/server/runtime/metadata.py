"""The per-model metadata file (``model.json``) that sits next to ``model.onnx``.

A model folder is ``<models dir>/<project>/<version>/`` holding ``model.onnx`` and ``model.json``::

    {
      "task": "object-detection",
      "class_names": ["circle", "square", "triangle", "star"],
      "input_size": [640, 640],
      "resize": "letterbox",
      "description": "Shapes detector, YOLOv8-style head"
    }

Fields:

* ``task`` (required): ``object-detection``, ``instance-segmentation``, ``classification`` or
  ``semantic-segmentation``.
* ``class_names`` (required): non-empty list of unique, non-empty strings; index = class id.
* ``input_size`` (required): ``[width, height]`` of the network input, positive integers.
* ``multilabel`` (classification only, default ``false``): several classes may be present at once.
* ``scores`` (optional): ``"probabilities"`` when the ONNX output already went through
  softmax/sigmoid, ``"logits"`` when the runtime must apply it (softmax for single-label
  classification and semantic segmentation, sigmoid for multi-label). Defaults: ``probabilities``
  for classification, ``logits`` for semantic segmentation; detection and instance segmentation
  accept only ``probabilities`` (Ultralytics exports already apply the sigmoid).
* ``resize`` (optional, default ``letterbox``): ``letterbox`` (Ultralytics: keep aspect, pad with
  gray 114), ``stretch`` (resize to the input size, aspect ignored) or ``center-crop`` (resize the
  short side, crop the centre; the Ultralytics classifier transform).
* ``description`` (optional): free text.

Unknown keys are refused, so that a misspelt field is reported instead of silently ignored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from rf_notebook.server.runtime.errors import MetadataError

__all__ = [
    "METADATA_FILENAME",
    "ModelMetadata",
    "ResizeMode",
    "ScoreKind",
    "TaskType",
    "load_metadata",
    "metadata_from_json",
    "write_metadata",
]

METADATA_FILENAME = "model.json"


class TaskType(str, Enum):
    """What a model predicts; the values are the hosted API's ``task_type`` strings."""

    OBJECT_DETECTION = "object-detection"
    """Boxes with a class and a confidence (Ultralytics detect head ``[1, 4+nc, N]``)."""
    INSTANCE_SEGMENTATION = "instance-segmentation"
    """Boxes plus a polygon per object (``[1, 4+nc+32, N]`` and prototypes ``[1, 32, h, w]``)."""
    CLASSIFICATION = "classification"
    """One score per class for the whole image (``[1, nc]``)."""
    SEMANTIC_SEGMENTATION = "semantic-segmentation"
    """A class per pixel (``[1, nc, h, w]``)."""


class ScoreKind(str, Enum):
    """Whether a classification or semantic output still needs its activation."""

    PROBABILITIES = "probabilities"
    """softmax/sigmoid is already part of the ONNX graph."""
    LOGITS = "logits"
    """The runtime applies softmax (single-label, semantic) or sigmoid (multi-label)."""


class ResizeMode(str, Enum):
    """How an image is fitted to the network input."""

    LETTERBOX = "letterbox"
    """Keep the aspect ratio, centre, pad with gray 114 (Ultralytics ``LetterBox``)."""
    STRETCH = "stretch"
    """Resize both axes to the input size, ignoring the aspect ratio."""
    CENTER_CROP = "center-crop"
    """Resize so the short side fits, crop the centre (Ultralytics classify transform)."""


_KNOWN_KEYS = ("class_names", "description", "input_size", "multilabel", "resize", "scores", "task")


@dataclass(frozen=True)
class ModelMetadata:
    """The validated content of a ``model.json`` file.

    Attributes:
        task: What the model predicts.
        class_names: Class names; the index is the class id.
        input_width: Network input width in pixels.
        input_height: Network input height in pixels.
        multilabel: Multi-label classification (always ``False`` for other tasks).
        scores: Whether the output still needs softmax/sigmoid.
        resize: How images are fitted to the input.
        description: Free text, may be empty.

    Example:
        >>> meta = ModelMetadata(TaskType.CLASSIFICATION, ("cat", "dog"), 224, 224)
        >>> meta.num_classes
        2
    """

    task: TaskType
    class_names: tuple[str, ...]
    input_width: int
    input_height: int
    multilabel: bool = False
    scores: ScoreKind = ScoreKind.PROBABILITIES
    resize: ResizeMode = ResizeMode.LETTERBOX
    description: str = ""

    @property
    def num_classes(self) -> int:
        """Number of classes.

        Example:
            >>> ModelMetadata(TaskType.OBJECT_DETECTION, ("a",), 64, 64).num_classes
            1
        """
        return len(self.class_names)

    def to_json(self) -> dict[str, Any]:
        """The JSON object that :func:`load_metadata` reads back to an equal value.

        Example:
            >>> ModelMetadata(TaskType.OBJECT_DETECTION, ("a",), 64, 32).to_json()["input_size"]
            [64, 32]
        """
        data: dict[str, Any] = {
            "task": self.task.value,
            "class_names": list(self.class_names),
            "input_size": [self.input_width, self.input_height],
            "resize": self.resize.value,
        }
        if self.task in (TaskType.CLASSIFICATION, TaskType.SEMANTIC_SEGMENTATION):
            data["scores"] = self.scores.value
        if self.task is TaskType.CLASSIFICATION:
            data["multilabel"] = self.multilabel
        if self.description:
            data["description"] = self.description
        return data


def load_metadata(path: str | Path) -> ModelMetadata:
    """Read and validate a metadata file.

    Args:
        path: The ``model.json`` file, or the model folder that contains it.

    Returns:
        The validated metadata.

    Raises:
        MetadataError: The file is missing, is not a JSON object, or a field is missing or
            invalid. The message names the file and the field.

    Example:
        >>> import json, tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "model.json").write_text(json.dumps(
        ...     {"task": "object-detection", "class_names": ["a"], "input_size": [64, 64]}))
        >>> load_metadata(folder).task
        <TaskType.OBJECT_DETECTION: 'object-detection'>
    """
    file = Path(path)
    if file.is_dir():
        file = file / METADATA_FILENAME
    if not file.is_file():
        raise MetadataError(
            f"{file}: metadata file not found. Every model folder needs a {METADATA_FILENAME} "
            'with at least "task", "class_names" and "input_size".'
        )
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MetadataError(f"{file}: not readable as UTF-8 JSON ({error}).") from None
    if not isinstance(raw, Mapping):
        raise MetadataError(f"{file}: must hold a JSON object, got {type(raw).__name__}.")
    return metadata_from_json(raw, source=str(file))


def metadata_from_json(raw: Mapping[str, Any], *, source: str = "<metadata>") -> ModelMetadata:
    """Validate a parsed metadata object.

    Args:
        raw: The parsed JSON object.
        source: Where it came from, used in error messages.

    Returns:
        The validated metadata.

    Raises:
        MetadataError: A field is missing or invalid; the message names ``source`` and the field.

    Example:
        >>> metadata_from_json({"task": "classification", "class_names": ["a", "b"],
        ...                     "input_size": [32, 32], "multilabel": True}).multilabel
        True
    """
    unknown = sorted(set(raw) - set(_KNOWN_KEYS))
    if unknown:
        raise MetadataError(
            f"{source}: unknown field(s) {unknown}; allowed fields are {list(_KNOWN_KEYS)}."
        )
    task = _enum_field(raw, "task", TaskType, source, default=None)
    class_names = _class_names(raw, source)
    width, height = _input_size(raw, source)
    multilabel = raw.get("multilabel", False)
    if not isinstance(multilabel, bool):
        raise MetadataError(
            f'{source}: field "multilabel" must be true or false, got {multilabel!r}.'
        )
    if multilabel and task is not TaskType.CLASSIFICATION:
        raise MetadataError(
            f'{source}: field "multilabel" is only valid for task "classification".'
        )
    default_scores = (
        ScoreKind.LOGITS if task is TaskType.SEMANTIC_SEGMENTATION else ScoreKind.PROBABILITIES
    )
    scores = _enum_field(raw, "scores", ScoreKind, source, default=default_scores)
    if scores is ScoreKind.LOGITS and task in (
        TaskType.OBJECT_DETECTION,
        TaskType.INSTANCE_SEGMENTATION,
    ):
        raise MetadataError(
            f'{source}: field "scores" must be "probabilities" for task "{task.value}" '
            "(Ultralytics detect/segment exports already apply the sigmoid)."
        )
    resize = _enum_field(raw, "resize", ResizeMode, source, default=ResizeMode.LETTERBOX)
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise MetadataError(f'{source}: field "description" must be a string.')
    return ModelMetadata(
        task=task,
        class_names=class_names,
        input_width=width,
        input_height=height,
        multilabel=multilabel,
        scores=scores,
        resize=resize,
        description=description,
    )


def write_metadata(folder: str | Path, metadata: ModelMetadata) -> Path:
    """Write ``model.json`` into a model folder.

    Args:
        folder: The model folder (created if missing).
        metadata: What to write.

    Returns:
        The path of the written file.

    Example:
        >>> import tempfile
        >>> meta = ModelMetadata(TaskType.OBJECT_DETECTION, ("a",), 64, 64)
        >>> write_metadata(tempfile.mkdtemp(), meta).name
        'model.json'
    """
    directory = Path(folder)
    directory.mkdir(parents=True, exist_ok=True)
    file = directory / METADATA_FILENAME
    file.write_text(json.dumps(metadata.to_json(), indent=2) + "\n", encoding="utf-8")
    return file


def _enum_field(
    raw: Mapping[str, Any],
    key: str,
    enum: type[Any],
    source: str,
    *,
    default: Any,
) -> Any:
    allowed = [member.value for member in enum]
    if key not in raw:
        if default is None:
            raise MetadataError(f'{source}: required field "{key}" is missing; one of {allowed}.')
        return default
    try:
        return enum(raw[key])
    except ValueError:
        raise MetadataError(
            f'{source}: field "{key}" is {raw[key]!r}; expected one of {allowed}.'
        ) from None


def _class_names(raw: Mapping[str, Any], source: str) -> tuple[str, ...]:
    if "class_names" not in raw:
        raise MetadataError(f'{source}: required field "class_names" is missing.')
    names = raw["class_names"]
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(name, str) and name for name in names)
    ):
        raise MetadataError(
            f'{source}: field "class_names" must be a non-empty list of non-empty strings.'
        )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise MetadataError(f'{source}: field "class_names" repeats {duplicates}.')
    return tuple(names)


def _input_size(raw: Mapping[str, Any], source: str) -> tuple[int, int]:
    if "input_size" not in raw:
        raise MetadataError(f'{source}: required field "input_size" ([width, height]) is missing.')
    size = raw["input_size"]
    if (
        not isinstance(size, list)
        or len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in size)
    ):
        raise MetadataError(
            f'{source}: field "input_size" must be [width, height] with positive integers, '
            f"got {size!r}."
        )
    return size[0], size[1]
