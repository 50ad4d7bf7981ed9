"""The examples in the draw package's docstrings run, and its public surface is tidy."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import rf_notebook.draw as draw

MODULES = sorted(m.name for m in pkgutil.iter_modules(draw.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"rf_notebook.draw.{name}")
    outcome = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert outcome.failed == 0


def test_all_is_sorted_and_complete() -> None:
    # Plain order and ruff's (CONSTANTS, Classes, functions) agree: no classes exported.
    assert list(draw.__all__) == sorted(draw.__all__)
    public = {
        n
        for n, v in vars(draw).items()
        if not n.startswith("_") and not isinstance(v, type(pkgutil))
    }
    assert public - {"annotations"} <= set(draw.__all__)
    for name in (
        "draw_boxes",
        "show",
        "grid",
        "side_by_side",
        "class_color",
        "parse_color",
        "text_color_for",
        "DEFAULT_PALETTE",
    ):
        assert name in draw.__all__ and hasattr(draw, name)
