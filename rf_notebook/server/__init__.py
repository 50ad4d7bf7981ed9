"""The local server: the hosted API's protocol, real ONNX models, fully offline.

Example:
    >>> from rf_notebook.server import serve_in_background
    >>> with serve_in_background() as server:  # doctest: +SKIP
    ...     rf.predict("dog.jpg", "shapes-detect/1", api_url=server.url)
"""

from .app import create_app
from .background import RunningServer, serve_in_background
from .settings import ServerSettings, default_models_dir

__all__ = [
    "RunningServer",
    "ServerSettings",
    "create_app",
    "default_models_dir",
    "serve_in_background",
]
