"""The state behind :class:`~rf_notebook.widgets.ErrorBrowser`: threshold, cell, sort, page.

A cell of the confusion matrix (true class, predicted class) maps to rows of
:meth:`Evaluation.errors <rf_notebook.evaluate.Evaluation.errors>`: the background row
is ``errors("fp")``, the background column ``errors("fn")``, and any other off-diagonal
cell the ``errors("confusion")`` rows of that pair. Moving the threshold uses
``Evaluation.with_confidence``, which counts again without matching again.

Example:
    >>> state = ErrorBrowserState(ev)  # doctest: +SKIP
    >>> state.confidence = 0.6  # doctest: +SKIP
    >>> state.open("cat", "dog")  # doctest: +SKIP
    >>> state.gallery()  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from PIL import Image

from ..draw import grid
from ..errors import ConfigError, ImageError, RfNotebookError
from ..evaluate import Evaluation
from .cache import CachedImage, ImageCache, blank
from .error_gallery import image_panel, object_panel, sides, union_box
from .inputs import find_by_name, short_name

__all__ = ["ErrorBrowserState", "GalleryMode", "SortKey"]

SortKey = Literal["fp", "fn", "confidence"]
GalleryMode = Literal["objects", "images"]
_TOP = 1 - 1e-9


class ErrorBrowserState:
    """Which cell is open, how its gallery is sorted and paged, at which threshold.

    Args:
        evaluation: A detection :class:`~rf_notebook.evaluate.Evaluation`.
        images: Pixels by image name when the ground truth has no file paths.
        per_page: Gallery items per page.
        cols: Gallery columns.
        cell_size: Side of each gallery cell, in pixels.

    Attributes:
        cell: ``(true class, predicted class)`` open in the gallery, or ``None``.
        sort: ``"fp"`` or ``"fn"`` (images with the most false positives or negatives
            first) or ``"confidence"`` (most confident, or for misses largest, first).
        mode: ``"objects"`` (a crop per object) or ``"images"`` (one panel per image).
        page: The gallery page, from 0.

    Example:
        >>> ErrorBrowserState(ev).matrix()  # doctest: +SKIP
    """

    def __init__(
        self,
        evaluation: Evaluation,
        images: Any = None,
        *,
        per_page: int = 12,
        cols: int = 3,
        cell_size: int = 400,
    ) -> None:
        if not isinstance(evaluation, Evaluation):
            raise ConfigError(
                f"ErrorBrowser needs a detection Evaluation, got {type(evaluation).__name__}"
            )
        if per_page < 1 or cols < 1:
            raise ConfigError("per_page and cols must be 1 or more")
        self.evaluation = evaluation
        self.images = images
        self.per_page, self.cols, self.cell_size = per_page, cols, cell_size
        self.cache = ImageCache(max_size=None, capacity=16)
        self.cell: tuple[str, str] | None = None
        self.sort: SortKey = "fp"
        self.mode: GalleryMode = "objects"
        self.page = 0
        self.note = ""
        self._matrix: pd.DataFrame | None = None
        self._rows: tuple[Any, pd.DataFrame, str] | None = None

    @property
    def confidence(self) -> float:
        """The operating-point threshold; setting it recounts the matrix and errors."""
        return self.evaluation.confidence

    @confidence.setter
    def confidence(self, value: float) -> None:
        value = min(max(float(value), 0.0), _TOP)  # 1 and above would read as a percentage
        if value != self.evaluation.confidence:
            self.evaluation = self.evaluation.with_confidence(value)
            self._matrix = None
            self.page = 0

    def matrix(self) -> pd.DataFrame:
        """Confusion counts at the threshold (rows true, columns predicted, background last).

        Example:
            >>> state.matrix().loc["cat", "dog"]  # doctest: +SKIP
        """
        if self._matrix is None:
            self._matrix = self.evaluation.confusion_matrix()
        return self._matrix

    def count(self, true: str, predicted: str) -> int:
        """The count in one cell of :meth:`matrix`.

        Example:
            >>> state.count("background", "cat")  # false alarms of "cat"  # doctest: +SKIP
            4
        """
        matrix = self.matrix()
        return int(matrix.to_numpy()[matrix.index.get_loc(true), matrix.columns.get_loc(predicted)])

    @property
    def background(self) -> str:
        """The label of the background row and column."""
        return str(self.matrix().index[-1])

    def open(self, true: str, predicted: str) -> None:
        """Show the objects of one cell, from the first page.

        Example:
            >>> state.open("background", "cat")  # false alarms of "cat"  # doctest: +SKIP
        """
        labels = list(self.matrix().index)
        if true not in labels or predicted not in labels:
            raise ConfigError(f"no cell ({true!r}, {predicted!r}); labels are {labels}")
        self.cell = (true, predicted)
        self.page = 0

    def objects(self) -> pd.DataFrame:
        """The rows of the open cell (see :meth:`Evaluation.errors`), in :attr:`sort` order.

        Example:
            >>> state.open("background", "cat"); state.objects().head()  # doctest: +SKIP
        """
        key = (self.confidence, self.cell, self.sort)
        if self._rows is None or self._rows[0] != key:
            rows = self._objects()
            self._rows = (key, rows, self.note)
        self.note = self._rows[2]
        return self._rows[1]

    def _objects(self) -> pd.DataFrame:
        empty: pd.DataFrame = pd.DataFrame(
            columns=["image", "path", "kind", "class", "confidence", "box"]
        )
        self.note = ""
        if self.cell is None:
            return empty
        true, predicted = self.cell
        ev, bg = self.evaluation, self.background
        if true == bg and predicted == bg:
            return empty
        if true == bg:
            rows = ev.errors("fp", cls=predicted)
        elif predicted == bg:
            rows = ev.errors("fn", cls=true)
        elif true != predicted:
            rows = ev.errors("confusion", cls=predicted)
            rows = rows.loc[(rows["class"] == predicted) & (rows["matched_class"] == true)]
        else:
            try:  # true positives: only if the evaluation lists them
                rows = ev.errors("tp", cls=true)
            except ConfigError:
                self.note = "true positives are counted but not listed by Evaluation.errors()"
                return empty
        return self._sorted(rows.reset_index(drop=True))

    def _sorted(self, rows: pd.DataFrame) -> pd.DataFrame:
        if self.sort == "confidence" or rows.empty:
            return rows
        column = "FP" if self.sort == "fp" else "FN"
        per_image = self.evaluation.per_image()[column]
        key = rows["image"].map(per_image).fillna(0)
        order = key.sort_values(ascending=False, kind="stable").index
        out: pd.DataFrame = rows.loc[order].reset_index(drop=True)
        return out

    def items(self) -> list[tuple[str, pd.DataFrame]]:
        """Gallery items in order: ``(image, its rows)``, one row each in ``"objects"`` mode.

        Example:
            >>> [name for name, rows in state.items()]  # doctest: +SKIP
        """
        rows = self.objects()
        if self.mode == "objects":
            return [(str(r["image"]), rows.iloc[[i]]) for i, (_, r) in enumerate(rows.iterrows())]
        order = list(dict.fromkeys(rows["image"].tolist()))
        return [(str(name), rows[rows["image"] == name]) for name in order]

    @property
    def pages(self) -> int:
        """How many gallery pages the open cell has (at least 1)."""
        return max(1, -(-len(self.items()) // self.per_page))

    def _picture(self, name: str, rows: pd.DataFrame) -> CachedImage:
        path = rows["path"].iloc[0]
        source = find_by_name(self.images, name) if self.images is not None else None
        source = source if source is not None else path
        if source is not None:
            try:
                return self.cache.get(name, source)
            except ImageError:
                pass
        boxes = [b for _, r in rows.iterrows() for side in sides(r) for b, _, _ in side]
        _, _, x2, y2 = union_box(boxes)
        return blank((max(2, round(x2 + 32)), max(2, round(y2 + 32))))

    def gallery(self) -> Image.Image | None:
        """The current page of the open cell as one picture, or ``None`` when it is empty.

        Example:
            >>> state.open("cat", "background"); state.gallery()  # doctest: +SKIP
        """
        items = self.items()
        self.page = min(self.page, max(0, -(-len(items) // self.per_page) - 1))
        chosen = items[self.page * self.per_page : (self.page + 1) * self.per_page]
        if not chosen:
            return None
        panels, titles = [], []
        iou = self.evaluation.iou
        panel = max(32, (self.cell_size - 12) // 2)  # two panels side by side fill a cell
        for name, rows in chosen:
            picture = self._picture(name, rows)
            if self.mode == "objects":
                row = rows.iloc[0]
                panels.append(object_panel(picture, row, iou=iou, target=panel))
                score = row["confidence"]
                extra = "" if pd.isna(score) else f" {score:.2f}"
                titles.append(f"{short_name(name)} · {row['class']}{extra}")
            else:
                panels.append(image_panel(picture, rows, iou=iou, target=panel))
                titles.append(f"{short_name(name)} · {len(rows)}")
        return grid(
            panels, cols=min(self.cols, len(panels)), titles=titles, cell_size=self.cell_size
        )

    def describe(self) -> str:
        """One line about the open cell: what it holds, how many, which page.

        Example:
            >>> state.describe()  # doctest: +SKIP
        """
        if self.cell is None:
            return "click a cell of the matrix to see its objects"
        true, predicted = self.cell
        bg, count = self.background, self.count(true, predicted)
        if true == bg:
            what = f"false alarms: {predicted!r} predicted on no object"
        elif predicted == bg:
            what = f"missed {true!r} objects"
        elif true == predicted:
            what = f"{true!r} found (true positives)"
        else:
            what = f"{true!r} objects predicted as {predicted!r}"
        line = f"{what} · {count} at confidence ≥ {self.confidence:.2f}"
        line += f" · page {self.page + 1}/{self.pages}"
        return f"{line} · {self.note}" if self.note else line


def safe_gallery(state: ErrorBrowserState) -> tuple[Image.Image | None, str]:
    """:meth:`ErrorBrowserState.gallery`, with a failure turned into a message.

    Example:
        >>> picture, problem = safe_gallery(state)  # doctest: +SKIP
    """
    try:
        return state.gallery(), ""
    except (RfNotebookError, OSError) as exc:
        return None, str(exc)
