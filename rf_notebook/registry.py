"""What an inference server serves: ``GET /model/registry`` and ``POST /model/add``."""

from __future__ import annotations

from typing import Any

from .errors import APIStatusError
from .protocols import json_of, task_in_registry
from .transport import Transport

__all__ = ["list_models", "task_type_of"]


def list_models(transport: Transport, base_url: str, key: str | None) -> list[dict[str, Any]]:
    """The loaded models' registry entries.

    Example:
        >>> list_models(transport, "http://127.0.0.1:9001", None)  # doctest: +SKIP
        [{'model_id': 'shapes-detect/1', 'task_type': 'object-detection', ...}]
    """
    response = transport.request("GET", f"{base_url}/model/registry", params={"api_key": key})
    listed = json_of(response.content).get("models", [])
    return [m for m in listed if isinstance(m, dict)]


def task_type_of(transport: Transport, base_url: str, key: str | None, model: str) -> str:
    """The model's task type, loading it with ``/model/add`` if it is not loaded yet.

    Example:
        >>> task_type_of(transport, url, None, "shapes-detect/1")  # doctest: +SKIP
        'object-detection'
    """
    listed = transport.request("GET", f"{base_url}/model/registry", params={"api_key": key})
    task = task_in_registry(json_of(listed.content), model)
    if task is None:
        added = transport.request(
            "POST", f"{base_url}/model/add", json={"model_id": model, "api_key": key}
        )
        task = task_in_registry(json_of(added.content), model)
    if task is None:
        raise APIStatusError(
            404,
            f"the server at {base_url} does not have model {model!r}",
            "Check the model id; GET /model/registry lists what it serves.",
        )
    return task
