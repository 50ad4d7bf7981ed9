"""ipywidgets, imported only when a widget is built, and the few helpers that differ by version.

Everything here works with ipywidgets 7.7 (Colab's stock widget manager) and 8: no
``TagsInput`` or ``Stack``, and tooltips only where the trait exists in both.

Example:
    >>> w = require_ipywidgets()  # doctest: +SKIP
    >>> w.Button(description="ok")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from ..errors import MissingDependencyError

__all__ = ["button", "hold", "require_ipywidgets", "show_widget"]


def require_ipywidgets() -> Any:
    """The ``ipywidgets`` module, or :class:`MissingDependencyError` naming the extra.

    Example:
        >>> require_ipywidgets().__name__  # doctest: +SKIP
        'ipywidgets'
    """
    try:
        import ipywidgets
    except ImportError:
        raise MissingDependencyError("ipywidgets", "widgets") from None
    return ipywidgets


@contextmanager
def hold(*widgets: Any) -> Iterator[None]:
    """Batch trait changes of several widgets into one message each (``hold_sync``).

    Example:
        >>> with hold(image, table):  # doctest: +SKIP
        ...     image.value, table.value = png, html
    """
    with ExitStack() as stack:
        for widget in widgets:
            stack.enter_context(widget.hold_sync())
        yield


def button(description: str, tooltip: str = "", width: str = "auto", **traits: Any) -> Any:
    """A ``Button``; its ``tooltip`` trait exists in ipywidgets 7 and 8 alike.

    Example:
        >>> button("next ▶", "show the next image").description  # doctest: +SKIP
        'next ▶'
    """
    w = require_ipywidgets()
    return w.Button(
        description=description, tooltip=tooltip, layout=w.Layout(width=width), **traits
    )


def show_widget(widget: Any) -> None:
    """Display a widget in IPython; does nothing outside it.

    Example:
        >>> show_widget(viewer.widget)  # doctest: +SKIP
    """
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return
    display(widget)  # type: ignore[no-untyped-call]
