"""ONNX model runtime for the local server: metadata, letterbox, decoding, NMS, masks, registry.

Typical use::

    registry = ModelRegistry(["models"])
    model = registry.get("shapes-detect/1")
    body = model.infer(image_rgb, InferenceParams(confidence=0.5, iou_threshold=0.4))
"""

from rf_notebook.server.runtime.errors import (
    InferenceFailedError,
    InvalidImageError,
    InvalidModelIdError,
    InvalidParamsError,
    MetadataError,
    ModelLoadError,
    ModelNotFoundError,
    ModelRuntimeError,
)
from rf_notebook.server.runtime.letterbox import ImageTransform, preprocess
from rf_notebook.server.runtime.metadata import (
    METADATA_FILENAME,
    ModelMetadata,
    ResizeMode,
    ScoreKind,
    TaskType,
    load_metadata,
    metadata_from_json,
    write_metadata,
)
from rf_notebook.server.runtime.model import (
    MODEL_FILENAME,
    ModelDescription,
    OnnxModel,
    default_threads,
)
from rf_notebook.server.runtime.nms import non_max_suppression
from rf_notebook.server.runtime.params import InferenceParams
from rf_notebook.server.runtime.registry import ModelRegistry, validate_model_id

__all__ = [
    "METADATA_FILENAME",
    "MODEL_FILENAME",
    "ImageTransform",
    "InferenceFailedError",
    "InferenceParams",
    "InvalidImageError",
    "InvalidModelIdError",
    "InvalidParamsError",
    "MetadataError",
    "ModelDescription",
    "ModelLoadError",
    "ModelMetadata",
    "ModelNotFoundError",
    "ModelRegistry",
    "ModelRuntimeError",
    "OnnxModel",
    "ResizeMode",
    "ScoreKind",
    "TaskType",
    "default_threads",
    "load_metadata",
    "metadata_from_json",
    "non_max_suppression",
    "preprocess",
    "validate_model_id",
    "write_metadata",
]
