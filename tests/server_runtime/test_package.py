from __future__ import annotations

import rf_notebook.server.runtime as runtime
from rf_notebook.errors import RfNotebookError


def _isort_style(name: str) -> tuple[int, str]:
    """Ruff RUF022's order: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_importable() -> None:
    assert runtime.__all__ == sorted(runtime.__all__, key=_isort_style)
    for name in runtime.__all__:
        assert getattr(runtime, name) is not None


def test_runtime_errors_join_the_package_tree() -> None:
    for error in (
        runtime.ModelLoadError,
        runtime.MetadataError,
        runtime.ModelNotFoundError,
        runtime.InvalidModelIdError,
        runtime.InvalidImageError,
        runtime.InvalidParamsError,
        runtime.InferenceFailedError,
    ):
        assert issubclass(error, runtime.ModelRuntimeError)
        assert issubclass(error, RfNotebookError)
    assert issubclass(runtime.ModelNotFoundError, KeyError)
    assert str(runtime.ModelNotFoundError("model 'a/1' not found")) == "model 'a/1' not found"
