"""The examples in the widgets package's docstrings run, and its public surface is tidy."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import rf_notebook.widgets as widgets

MODULES = sorted(m.name for m in pkgutil.iter_modules(widgets.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"rf_notebook.widgets.{name}")
    outcome = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert outcome.failed == 0


def test_all_is_sorted_and_complete() -> None:
    assert list(widgets.__all__) == sorted(widgets.__all__)
    public = {
        n
        for n, v in vars(widgets).items()
        if not n.startswith("_") and not isinstance(v, type(pkgutil))
    }
    assert public - {"annotations"} <= set(widgets.__all__)
    for name in widgets.__all__:
        assert hasattr(widgets, name)
