"""Exceptions raised by the ONNX model runtime, a branch of ``rf_notebook.errors``' tree.

The branch::

    RfNotebookError                          (rf_notebook.errors)
    └── ModelRuntimeError                    anything this package raises on purpose
        ├── ModelLoadError (ValueError)          a model folder, metadata or ONNX file is unusable
        │   └── MetadataError                    model.json is missing or has a bad field
        ├── ModelNotFoundError (KeyError)        no model with that id on disk or in the registry
        ├── InvalidModelIdError (ValueError)     the id is not ``project/version``, safe chars
        ├── InvalidImageError (ValueError)       the image array is not ``(H, W, 3)`` uint8
        ├── InvalidParamsError (ValueError)      confidence, iou_threshold, ... out of range
        └── InferenceFailedError (RuntimeError)  onnxruntime failed running a loaded model

Bad-input errors also subclass ``ValueError`` so that callers can catch them generically; none of
them carries an onnxruntime traceback (the onnxruntime message is quoted in the text instead).
"""

from __future__ import annotations

from rf_notebook.errors import RfNotebookError

__all__ = [
    "InferenceFailedError",
    "InvalidImageError",
    "InvalidModelIdError",
    "InvalidParamsError",
    "MetadataError",
    "ModelLoadError",
    "ModelNotFoundError",
    "ModelRuntimeError",
]


class ModelRuntimeError(RfNotebookError):
    """Base class of every error the model runtime raises on purpose."""


class ModelLoadError(ModelRuntimeError, ValueError):
    """A model folder, its metadata file or its ONNX file cannot be used."""


class MetadataError(ModelLoadError):
    """The per-model metadata file is missing, unreadable, or has an invalid field."""


class ModelNotFoundError(ModelRuntimeError, KeyError):
    """No model with the requested id exists on disk or is loaded."""

    def __str__(self) -> str:
        # KeyError.__str__ quotes its argument; a readable sentence is more useful here.
        return str(self.args[0]) if self.args else ""


class InvalidModelIdError(ModelRuntimeError, ValueError):
    """A model id is not of the form ``project/version`` or contains unsafe characters."""


class InvalidImageError(ModelRuntimeError, ValueError):
    """The image handed to a model is not an ``(H, W, 3)`` uint8 RGB array."""


class InvalidParamsError(ModelRuntimeError, ValueError):
    """An inference parameter (confidence, iou threshold, max detections, ...) is out of range."""


class InferenceFailedError(ModelRuntimeError, RuntimeError):
    """onnxruntime raised while running an already loaded model."""
