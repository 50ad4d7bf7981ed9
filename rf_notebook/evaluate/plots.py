"""Figures for an evaluation: confusion heatmap, precision–recall curves, F1 vs confidence.

matplotlib is imported only when a figure is drawn, and figures are made without pyplot,
so nothing global changes; Jupyter shows a returned ``Figure`` as an image.

Example:
    >>> fig = confusion_heatmap(evaluation.confusion_matrix())  # doctest: +SKIP
    >>> fig.savefig("confusion.png")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["confusion_heatmap", "f1_confidence_curves", "pr_curves"]


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingDependencyError("matplotlib", "widgets") from None
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def confusion_heatmap(matrix: pd.DataFrame, *, title: str = "Confusion matrix") -> Figure:
    """A heatmap of a confusion matrix with its value written in every cell.

    Args:
        matrix: Rows true classes, columns predicted, as from ``confusion_matrix()``.
        title: The figure title.

    Returns:
        The matplotlib ``Figure``.

    Example:
        >>> confusion_heatmap(pd.DataFrame([[3, 1], [0, 0]], index=["a", "bg"],
        ...                                columns=["a", "bg"]))  # doctest: +ELLIPSIS
        <Figure size ...>
    """
    values = matrix.to_numpy(dtype=np.float64)
    n = max(len(matrix.index), len(matrix.columns))
    fig, ax = _figure(2.0 + 0.6 * n, 1.5 + 0.55 * n)
    image = ax.imshow(np.nan_to_num(values), cmap="Blues", vmin=0)
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_xticks(
        range(len(matrix.columns)), [str(c) for c in matrix.columns], rotation=45, ha="right"
    )
    ax.set_yticks(range(len(matrix.index)), [str(c) for c in matrix.index])
    ax.set_xlabel(str(matrix.columns.name or "predicted"))
    ax.set_ylabel(str(matrix.index.name or "true"))
    integer = np.allclose(values, np.round(values))
    high = np.nanmax(values) if values.size else 0.0
    for (row, col), value in np.ndenumerate(values):
        if np.isnan(value) or (integer and value == 0):
            continue
        text = f"{int(value)}" if integer else f"{value:.2f}"
        color = "white" if high and value > 0.6 * high else "black"
        ax.text(col, row, text, ha="center", va="center", color=color, fontsize=9)
    ax.set_title(title)
    return fig


def pr_curves(
    recall: np.ndarray,
    precision: Mapping[str, np.ndarray],
    ap: Mapping[str, float],
    *,
    title: str = "Precision–recall (IoU 0.50)",
) -> Figure:
    """Precision against recall, one line per class, with AP in the legend.

    Example:
        >>> r = np.linspace(0, 1, 101)
        >>> pr_curves(r, {"a": 1 - r}, {"a": 0.5})  # doctest: +ELLIPSIS
        <Figure size ...>
    """
    fig, ax = _figure(6.0, 4.5)
    for name, values in precision.items():
        ax.plot(recall, values, label=f"{name} (AP {ap.get(name, float('nan')):.3f})")
    _finish(ax, "recall", "precision", title, len(precision))
    return fig


def f1_confidence_curves(
    curves: pd.DataFrame,
    best: pd.DataFrame,
    classes: Sequence[str],
    *,
    title: str = "F1 vs confidence",
) -> Figure:
    """F1 against the confidence threshold per class, with each class's best marked.

    Args:
        curves: ``Sweep.curves``.
        best: ``Sweep.best``.
        classes: Which classes to draw.
        title: The figure title.

    Returns:
        The matplotlib ``Figure``.

    Example:
        >>> sweep = ev.sweep()  # doctest: +SKIP
        >>> f1_confidence_curves(sweep.curves, sweep.best, ["cat"])  # doctest: +SKIP
    """
    fig, ax = _figure(6.0, 4.5)
    for name in classes:
        rows = curves[curves["class"] == name]
        (line,) = ax.plot(rows["confidence"], rows["F1"], label=str(name))
        if name in best.index:
            x, y = np.asarray(best.loc[[name], ["confidence", "F1"]], dtype=float)[0]
            if not np.isnan(x):
                ax.plot(x, y, "o", color=line.get_color())
    _finish(ax, "confidence threshold", "F1", title, len(classes))
    return fig


def _finish(ax: Any, xlabel: str, ylabel: str, title: str, n: int) -> None:
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if n:
        ax.legend(fontsize=8, loc="best")
