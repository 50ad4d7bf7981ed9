"""``ModelRegistry``: the models a server can serve, found on disk and loaded once.

A models folder holds one folder per model, ``<dir>/<project>/<version>/model.onnx`` next to
``model.json``. Several folders may be given (for example the user's models, then the packaged
defaults); the first one holding a model id wins. Models load lazily on first use (``get``) or on
request (``add``, ``load_all``), each exactly once even when many threads ask at the same time.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from rf_notebook.server.runtime.errors import (
    InvalidModelIdError,
    ModelLoadError,
    ModelNotFoundError,
)
from rf_notebook.server.runtime.metadata import METADATA_FILENAME
from rf_notebook.server.runtime.model import MODEL_FILENAME, ModelDescription, OnnxModel

__all__ = ["ModelRegistry", "validate_model_id"]

_PART = r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}"
_MODEL_ID = re.compile(rf"{_PART}/{_PART}")


def validate_model_id(model_id: str) -> str:
    """Check that ``model_id`` is ``project/version`` made of safe path parts.

    Args:
        model_id: The id, e.g. ``"shapes-detect/1"``.

    Returns:
        The id, unchanged.

    Raises:
        InvalidModelIdError: Not two parts of letters, digits, ``.``, ``_`` or ``-`` (each
            starting with a letter or digit), so no path traversal is possible.

    Example:
        >>> validate_model_id("shapes-detect/1")
        'shapes-detect/1'
    """
    if not isinstance(model_id, str) or not _MODEL_ID.fullmatch(model_id) or ".." in model_id:
        raise InvalidModelIdError(
            f"invalid model id {model_id!r}: expected 'project/version', e.g. 'shapes-detect/1', "
            "using letters, digits, '.', '_' and '-'."
        )
    return model_id


class ModelRegistry:
    """Models found under one or more folders, loaded on demand and shared by all threads.

    Args:
        model_dirs: Folders laid out as ``<dir>/<project>/<version>/model.onnx`` + ``model.json``;
            earlier folders win. Folders that do not exist are ignored.
        threads: onnxruntime intra-op threads per model (``None``: ``default_threads()``).
        spinning: Let idle onnxruntime threads spin-wait (see ``OnnxModel``).
        warmup: Check each model with one blank run when it loads.

    Example:
        >>> registry = ModelRegistry(["my-models"])
        >>> registry.available()
        []
    """

    def __init__(
        self,
        model_dirs: Iterable[str | Path] = (),
        *,
        threads: int | None = None,
        spinning: bool = True,
        warmup: bool = True,
    ) -> None:
        self.model_dirs = tuple(Path(d) for d in model_dirs)
        self.threads = threads
        self.spinning = spinning
        self.warmup = warmup
        self._models: dict[str, OnnxModel] = {}
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    def available(self) -> list[str]:
        """Ids of every model folder on disk (loaded or not), sorted.

        Example:
            >>> ModelRegistry([]).available()
            []
        """
        found: set[str] = set()
        for root in self.model_dirs:
            if not root.is_dir():
                continue
            for onnx_file in root.glob(f"*/*/{MODEL_FILENAME}"):
                model_id = f"{onnx_file.parent.parent.name}/{onnx_file.parent.name}"
                if _MODEL_ID.fullmatch(model_id) and ".." not in model_id:
                    found.add(model_id)
        return sorted(found)

    def find(self, model_id: str) -> Path | None:
        """The folder of a model on disk, or ``None``.

        Raises:
            InvalidModelIdError: ``model_id`` is not ``project/version``.

        Example:
            >>> ModelRegistry([]).find("a/1") is None
            True
        """
        validate_model_id(model_id)
        for root in self.model_dirs:
            folder = root / model_id
            if (folder / MODEL_FILENAME).is_file() or (folder / METADATA_FILENAME).is_file():
                return folder
        return None

    def get(self, model_id: str) -> OnnxModel:
        """The model, loading it first if needed (the legacy route's lazy load).

        Args:
            model_id: ``project/version``.

        Returns:
            The loaded model.

        Raises:
            InvalidModelIdError: The id is malformed.
            ModelNotFoundError: Not loaded and not on disk.
            ModelLoadError: On disk but unusable (bad metadata, corrupt ONNX, ...).

        Example:
            >>> ModelRegistry(["models"]).get("shapes-detect/1").task_type  # doctest: +SKIP
            'object-detection'
        """
        validate_model_id(model_id)
        with self._lock:
            model = self._models.get(model_id)
            if model is not None:
                return model
            load_lock = self._loading.setdefault(model_id, threading.Lock())
        with load_lock:
            with self._lock:
                model = self._models.get(model_id)
            if model is not None:
                return model
            folder = self.find(model_id)
            if folder is None:
                raise ModelNotFoundError(
                    f"model {model_id!r} not found in {[str(d) for d in self.model_dirs]}; "
                    f"available: {self.available()}. Put it at "
                    f"<models dir>/{model_id}/{MODEL_FILENAME} with a {METADATA_FILENAME}."
                )
            model = OnnxModel.from_folder(
                folder,
                model_id=model_id,
                threads=self.threads,
                spinning=self.spinning,
                warmup=self.warmup,
            )
            with self._lock:
                self._models[model_id] = model
                self._loading.pop(model_id, None)
        return model

    def add(self, model_id: str) -> OnnxModel:
        """Load a model (``/model/add``); a no-op when it is already loaded.

        Raises:
            InvalidModelIdError: The id is malformed.
            ModelNotFoundError: Not on disk.
            ModelLoadError: On disk but unusable.

        Example:
            >>> ModelRegistry(["models"]).add("shapes-detect/1")  # doctest: +SKIP
            OnnxModel('shapes-detect/1', task='object-detection', ...)
        """
        return self.get(model_id)

    def register(self, model: OnnxModel, model_id: str | None = None) -> None:
        """Serve an already loaded model under ``model_id`` (default ``model.model_id``).

        Raises:
            InvalidModelIdError: The id is malformed.

        Example:
            >>> registry.register(OnnxModel("toy.onnx", metadata), "toy/1")  # doctest: +SKIP
        """
        key = validate_model_id(model_id or model.model_id)
        with self._lock:
            self._models[key] = model

    def remove(self, model_id: str) -> bool:
        """Unload a model (``/model/remove``); requests already running finish normally.

        Returns:
            Whether it was loaded.

        Example:
            >>> ModelRegistry([]).remove("a/1")
            False
        """
        with self._lock:
            return self._models.pop(model_id, None) is not None

    def clear(self) -> None:
        """Unload every model (``/model/clear``).

        Example:
            >>> ModelRegistry([]).clear()
        """
        with self._lock:
            self._models.clear()

    def load_all(self, *, strict: bool = True) -> dict[str, ModelLoadError]:
        """Load every model on disk (eager start-up).

        Args:
            strict: Raise the first :class:`ModelLoadError`; otherwise skip broken models.

        Returns:
            The models that failed to load, with their errors (empty when ``strict``).

        Raises:
            ModelLoadError: A model is unusable and ``strict`` is true.

        Example:
            >>> ModelRegistry([]).load_all()
            {}
        """
        failures: dict[str, ModelLoadError] = {}
        for model_id in self.available():
            try:
                self.get(model_id)
            except ModelLoadError as error:
                if strict:
                    raise
                failures[model_id] = error
        return failures

    def loaded(self) -> list[ModelDescription]:
        """Registry entries of the loaded models, sorted by id (``/model/registry``).

        Example:
            >>> ModelRegistry([]).loaded()
            []
        """
        with self._lock:
            models = sorted(self._models.items())
        return [replace(model.describe(), model_id=key) for key, model in models]

    def is_loaded(self, model_id: str) -> bool:
        """Whether ``model_id`` is loaded.

        Example:
            >>> ModelRegistry([]).is_loaded("a/1")
            False
        """
        with self._lock:
            return model_id in self._models
