"""``ErrorBrowser``: a clickable confusion matrix over a gallery of the objects in each cell.

Example:
    >>> from rf_notebook.widgets import ErrorBrowser
    >>> ErrorBrowser(evaluate(batch, "dataset/valid"))  # doctest: +SKIP
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from ..draw import FALSE_POSITIVE, TRUE_POSITIVE
from ..evaluate import Evaluation
from ._deps import button, hold, require_ipywidgets, show_widget
from .browser_state import ErrorBrowserState, safe_gallery
from .encoding import ImageFormat, encode_image
from .html import message_html

__all__ = ["ErrorBrowser", "cell_color"]

_EMPTY = "#f4f4f4"
_SORTS = [("most FP", "fp"), ("most FN", "fn"), ("confidence", "confidence")]


def cell_color(count: int, largest: int, diagonal: bool) -> str:
    """The background of a matrix cell: green on the diagonal, orange off it, gray at 0.

    Colors stay light (at most 65 % of the hue) so black counts stay readable.

    Example:
        >>> cell_color(0, 5, False), cell_color(5, 5, True)
        ('#f4f4f4', '#59c0a4')
    """
    if count <= 0:
        return _EMPTY
    hue = TRUE_POSITIVE if diagonal else FALSE_POSITIVE
    t = 0.2 + 0.45 * min(1.0, count / max(largest, 1))
    r, g, b = (round(255 + (c - 255) * t) for c in hue)
    return f"#{r:02x}{g:02x}{b:02x}"


class ErrorBrowser:
    """The confusion matrix as buttons; a click opens a gallery of that cell's objects.

    Rows are true classes and columns predicted ones; the background row holds false
    alarms and the background column missed objects. Galleries show ground truth |
    prediction with true positives, false positives and false negatives in the colors
    of :func:`~rf_notebook.draw.side_by_side`, as crops around each object or as whole
    images, sorted by the images' false-positive or false-negative counts. The
    threshold slider recounts the matrix live (nothing is matched or predicted again).

    Args:
        evaluation: A detection :class:`~rf_notebook.evaluate.Evaluation`.
        images: Pixels by image name, when the ground truth has no file paths.
        classes: Classes to show in the matrix (default: all, or the 20 with the most
            errors when there are more).
        per_page: Gallery items per page.
        cols: Gallery columns.
        cell_size: Side of a gallery cell in pixels.
        image_format: ``"jpeg"`` or ``"png"`` for the gallery image.

    Attributes:
        state: The :class:`ErrorBrowserState` behind it.
        cells: ``{(true, predicted): Button}``; ``cells[("cat", "dog")].click()`` opens it.
        widget: The ipywidgets ``VBox`` to display or embed.

    Example:
        >>> browser = ErrorBrowser(ev)  # doctest: +SKIP
        >>> browser.cells[("background", "cat")].click()  # doctest: +SKIP
    """

    def __init__(
        self,
        evaluation: Evaluation,
        images: Any = None,
        *,
        classes: list[str] | None = None,
        per_page: int = 12,
        cols: int = 3,
        cell_size: int = 400,
        image_format: ImageFormat = "jpeg",
    ) -> None:
        w = require_ipywidgets()
        self.state = ErrorBrowserState(
            evaluation, images, per_page=per_page, cols=cols, cell_size=cell_size
        )
        self.image_format: ImageFormat = image_format
        self.labels = self._chosen(classes)
        wide = {"description_width": "initial"}
        self.threshold = w.FloatSlider(
            value=self.state.confidence,
            min=0.0,
            max=1.0,
            step=0.01,
            description="confidence threshold",
            continuous_update=False,
            style=wide,
        )
        self.sort = w.ToggleButtons(options=_SORTS, value="fp", description="sort", style=wide)
        self.mode = w.ToggleButtons(options=["objects", "images"], value="objects")
        self.cells: dict[tuple[str, str], Any] = {}
        header = [w.HTML("<i>true \\ predicted</i>")]
        header += [w.HTML(_label(name)) for name in self.labels]
        children = list(header)
        for true in self.labels:
            children.append(w.HTML(_label(true)))
            for predicted in self.labels:
                cell = w.Button(description="0", layout=w.Layout(width="auto", min_width="44px"))
                cell.on_click(lambda _, t=true, p=predicted: self.open(t, p))
                self.cells[(true, predicted)] = cell
                children.append(cell)
        columns = f"max-content repeat({len(self.labels)}, minmax(44px, max-content))"
        self.matrix = w.GridBox(
            children, layout=w.Layout(grid_template_columns=columns, grid_gap="2px")
        )
        self.status = w.HTML()
        self.previous = button("◀ page", "previous page")
        self.next = button("page ▶", "next page")
        self.gallery = w.Image(value=b"", format=image_format, layout=w.Layout(max_width="100%"))
        self.widget = w.VBox(
            [
                w.HBox([self.threshold, self.sort, self.mode]),
                self.matrix,
                w.HBox([self.previous, self.next, self.status]),
                self.gallery,
            ]
        )
        self.threshold.observe(self._on_threshold, names="value")
        self.sort.observe(lambda c: self._set("sort", c["new"]), names="value")
        self.mode.observe(lambda c: self._set("mode", c["new"]), names="value")
        self.previous.on_click(lambda _: self.turn(-1))
        self.next.on_click(lambda _: self.turn(1))
        self.refresh_matrix()
        self.refresh_gallery()

    def _chosen(self, classes: list[str] | None) -> list[str]:
        matrix = self.state.matrix()
        names = [str(n) for n in matrix.index[:-1]]
        if classes is None and len(names) > 20:
            errors = matrix.sum(axis=0) + matrix.sum(axis=1) - 2 * _diagonal(matrix)
            top = set(errors.iloc[:-1].sort_values(ascending=False).index[:20])
            classes = [n for n in names if n in top]
        return [*(names if classes is None else classes), self.state.background]

    def _on_threshold(self, change: dict[str, Any]) -> None:
        self.state.confidence = change["new"]
        self.refresh_matrix()
        self.refresh_gallery()

    def _set(self, name: str, value: str) -> None:
        setattr(self.state, name, value)
        self.state.page = 0
        self.refresh_gallery()

    def open(self, true: str, predicted: str) -> None:
        """Open one cell's gallery, as clicking it does.

        Example:
            >>> browser.open("cat", "background")  # missed cats  # doctest: +SKIP
        """
        self.state.open(true, predicted)
        self.refresh_matrix()
        self.refresh_gallery()

    def turn(self, by: int) -> None:
        """Go ``by`` gallery pages forward (negative: back), within the pages there are.

        Example:
            >>> browser.turn(1)  # doctest: +SKIP
        """
        self.state.page = min(max(0, self.state.page + by), self.state.pages - 1)
        self.refresh_gallery()

    def refresh_matrix(self) -> None:
        """Write the counts at the current threshold into the buttons.

        Example:
            >>> browser.refresh_matrix()  # doctest: +SKIP
        """
        count_of, bg = self.state.count, self.state.background
        off = [count_of(t, p) for t, p in self.cells if t != p and (t, p) != (bg, bg)]
        on = [count_of(t, t) for t in self.labels]
        for (true, predicted), cell in self.cells.items():
            count = count_of(true, predicted)
            diagonal = true == predicted
            with cell.hold_sync():
                cell.description = str(count)
                cell.style.button_color = cell_color(
                    count, max(on or [1]) if diagonal else max(off or [1]), diagonal
                )
                cell.layout.border = (
                    "2px solid #222" if self.state.cell == (true, predicted) else None
                )

    def refresh_gallery(self) -> None:
        """Draw the open cell's current page.

        Example:
            >>> browser.refresh_gallery()  # doctest: +SKIP
        """
        picture, problem = safe_gallery(self.state)
        data = b"" if picture is None else encode_image(picture, self.image_format)
        status = message_html(problem, "error") if problem else message_html(self.state.describe())
        with hold(self.gallery, self.status):
            self.gallery.value = data
            self.status.value = status

    def _ipython_display_(self) -> None:
        show_widget(self.widget)

    def __repr__(self) -> str:
        return f"ErrorBrowser({len(self.labels) - 1} classes, at {self.state.confidence:.2f})"


def _diagonal(matrix: pd.DataFrame) -> pd.Series:
    return pd.Series(np.diag(matrix.to_numpy()), index=matrix.index)


def _label(name: str) -> str:
    short = name if len(name) <= 12 else name[:11] + "…"
    return f'<b title="{html.escape(name)}">{html.escape(short)}</b>'
