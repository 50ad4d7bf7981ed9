"""``rf.predict`` and ``rf.predict_many``: one default :class:`Client` per key and URL."""

from __future__ import annotations

import threading
from typing import Any

from .batch import Batch
from .client import Client
from .images import ImageInput
from .results import AnyResult

__all__ = ["predict", "predict_many"]

_default_clients: dict[tuple[Any, ...], Client] = {}
_default_lock = threading.Lock()


def _default_client(api_key: str | None, api_url: str | None) -> Client:
    key = (api_key, api_url)
    with _default_lock:
        if key not in _default_clients:
            _default_clients[key] = Client(api_key=api_key, api_url=api_url)
        return _default_clients[key]


def predict(
    image: ImageInput,
    model: str,
    *,
    api_key: str | None = None,
    api_url: str | None = None,
    **kwargs: Any,
) -> AnyResult:
    """Predict one image with a default client; see :meth:`Client.predict`.

    Example:
        >>> import rf_notebook as rf
        >>> r = rf.predict("dog.jpg", model="pets/2", confidence=0.5)  # doctest: +SKIP
    """
    return _default_client(api_key, api_url).predict(image, model, **kwargs)


def predict_many(
    images: Any,
    model: str,
    *,
    api_key: str | None = None,
    api_url: str | None = None,
    **kwargs: Any,
) -> Batch:
    """Predict many images with a default client; see :meth:`Client.predict_many`.

    Example:
        >>> batch = rf.predict_many("photos/", model="pets/2")  # doctest: +SKIP
    """
    return _default_client(api_key, api_url).predict_many(images, model, **kwargs)
