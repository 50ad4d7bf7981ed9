"""Precision, recall and F1 per class as the confidence threshold moves.

Greedy matching goes by confidence, so one matching over every prediction received gives
the counts at any threshold: the true positives at ``c`` are the matched predictions
scoring ``>= c``. The best threshold per class is found exactly, among the confidences
that occur, not on a grid.

Example:
    >>> s = sweep_table(data)  # doctest: +SKIP
    >>> s.best.loc["circle", "confidence"]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .build import DetectionData
from .tables import prf

__all__ = ["ALL_CLASSES", "Sweep", "sweep_scores", "sweep_table"]

#: The row of :attr:`Sweep.best` for one threshold shared by every class (micro-averaged).
ALL_CLASSES = "all"


@dataclass(frozen=True)
class Sweep:
    """Metrics over confidence thresholds.

    Attributes:
        curves: Long table: ``class, confidence, TP, FP, FN, precision, recall, F1``.
        best: Per class (and ``"all"``, one shared threshold), the F1-best threshold and
            its ``precision, recall, F1, TP, FP, FN``; ties go to the higher threshold.
    """

    curves: pd.DataFrame
    best: pd.DataFrame


def sweep_table(
    data: DetectionData, thresholds: Sequence[float] | np.ndarray | None = None
) -> Sweep:
    """Sweep confidence thresholds over matched detections; see :class:`Sweep`.

    Args:
        data: The matched dataset.
        thresholds: Confidences to tabulate; 0, 0.01, …, 1 by default.

    Returns:
        A :class:`Sweep`.

    Example:
        >>> sweep_table(data).best.loc["all", "confidence"]  # doctest: +SKIP
    """
    counted = ~data.ignored
    support = np.bincount(data.gt.cls[~data.gt.crowd], minlength=len(data.classes))
    chosen = [counted & (data.dt.cls == k) for k in range(len(data.classes))]
    return sweep_scores(
        data.classes,
        [data.dt.score[c] for c in chosen],
        [data.match[c] >= 0 for c in chosen],
        support,
        thresholds,
    )


def sweep_scores(
    classes: Sequence[str],
    scores: Sequence[np.ndarray],
    hits: Sequence[np.ndarray],
    support: Sequence[int] | np.ndarray,
    thresholds: Sequence[float] | np.ndarray | None = None,
) -> Sweep:
    """Sweep thresholds given, per class, each prediction's score and whether it is right.

    Args:
        classes: Class names.
        scores: Per class, the confidence of each of its predictions.
        hits: Per class, whether each prediction is a true positive.
        support: Per class, the number of true instances.
        thresholds: Confidences to tabulate; 0, 0.01, …, 1 by default.

    Returns:
        A :class:`Sweep`, with an ``"all"`` row in ``best`` (one threshold for all).

    Example:
        >>> s = sweep_scores(["a"], [np.array([0.9, 0.3])], [np.array([True, False])], [1])
        >>> s.best.loc["a", ["confidence", "F1"]].tolist()
        [0.9, 1.0]
    """
    grid = np.linspace(0.0, 1.0, 101) if thresholds is None else np.asarray(thresholds, float)
    support = np.asarray(support, dtype=np.int64)
    groups = list(zip(classes, scores, hits, support.tolist(), strict=True))
    if groups:
        groups.append(
            (
                ALL_CLASSES,
                np.concatenate(list(scores)),
                np.concatenate(list(hits)),
                int(support.sum()),
            )
        )
    curves, best = [], []
    for name, score, hit, n_true in groups:
        order = np.argsort(-score, kind="stable")
        score, hit = score[order], np.asarray(hit, bool)[order]
        tp_cum = np.concatenate([[0], np.cumsum(hit)])
        fp_cum = np.concatenate([[0], np.cumsum(~hit)])
        if name != ALL_CLASSES:
            n = np.searchsorted(-score, -grid, side="right")
            curves.append(_frame(name, grid, tp_cum[n], fp_cum[n], n_true - tp_cum[n]))
        best.append(_best(name, score, tp_cum[1:], fp_cum[1:], n_true))
    columns = ["confidence", "precision", "recall", "F1", "TP", "FP", "FN"]
    empty = _frame("", grid[:0], *(np.zeros(0, np.int64),) * 3)
    return Sweep(
        curves=pd.concat(curves, ignore_index=True) if curves else empty,
        best=pd.DataFrame(best, columns=["class", *columns]).set_index("class"),
    )


def _frame(
    name: str, grid: np.ndarray, tp: np.ndarray, fp: np.ndarray, fn: np.ndarray
) -> pd.DataFrame:
    precision, recall, f1 = prf(tp, fp, fn)
    frame: pd.DataFrame = pd.DataFrame(
        {
            "class": name,
            "confidence": grid,
            "TP": tp.astype(np.int64),
            "FP": fp.astype(np.int64),
            "FN": fn.astype(np.int64),
            "precision": precision,
            "recall": recall,
            "F1": f1,
        }
    )
    return frame


def _best(
    name: str, scores: np.ndarray, tp_cum: np.ndarray, fp_cum: np.ndarray, n_true: int
) -> tuple[object, ...]:
    """The F1-best cut among the distinct confidences (all ties included at a cut)."""
    if len(scores) == 0:
        nothing = 0.0 if n_true else np.nan
        return (name, np.nan, np.nan, nothing, nothing, 0, 0, n_true)
    cuts = np.flatnonzero(np.diff(scores, append=-np.inf) != 0)
    tp, fp = tp_cum[cuts], fp_cum[cuts]
    precision, recall, f1 = prf(tp, fp, n_true - tp)
    i = int(np.argmax(np.nan_to_num(f1, nan=-1.0)))
    return (
        name,
        float(scores[cuts[i]]),
        float(precision[i]),
        float(recall[i]),
        float(f1[i]),
        int(tp[i]),
        int(fp[i]),
        int(n_true - tp[i]),
    )
