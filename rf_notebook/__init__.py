"""rf-notebook: Roboflow inference predictions, pleasant in Jupyter.

Predict once, explore offline: typed results, drawing, tables, confusion summaries,
active-learning picks and widgets, plus a local server that speaks the hosted API.

Example:
    >>> import rf_notebook as rf
    >>> result = rf.predict("dog.jpg", model="my-project/3")  # doctest: +SKIP
    >>> rf.to_dataframe(result)  # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from .batch import Batch, Failure
from .cache import ResponseCache
from .client import Client
from .default_client import predict, predict_many
from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ConfigError,
    ImageError,
    MissingDependencyError,
    RfNotebookError,
    SchemaError,
)
from .images import load_image
from .results import (
    ClassificationResult,
    DetectionResult,
    MultiLabelResult,
    Result,
    SemanticSegmentationResult,
)
from .tables import to_dataframe

try:
    __version__ = version("rf-notebook")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "Batch",
    "ClassificationResult",
    "Client",
    "ConfigError",
    "DetectionResult",
    "Failure",
    "ImageError",
    "MissingDependencyError",
    "MultiLabelResult",
    "ResponseCache",
    "Result",
    "RfNotebookError",
    "SchemaError",
    "SemanticSegmentationResult",
    "__version__",
    "load_image",
    "predict",
    "predict_many",
    "to_dataframe",
]
