"""Multi-label classification against image label sets: per-class P/R/F1, sweeps, errors.

An image's predicted set is ``result.predicted_classes`` (the API's threshold, or the
result's client-side one); with an explicit ``confidence``, every class received at or
above it.

Example:
    >>> ev = evaluate(batch, "dataset/valid/_classes.csv")  # doctest: +SKIP
    >>> ev.per_class(), ev.summary()["micro_F1"]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .classification import LabelData, _index
from .sweep import Sweep, sweep_scores
from .tables import object_column, prf

__all__ = ["MultiLabelEvaluation"]


class MultiLabelEvaluation:
    """Multi-label predictions scored class by class against each image's label set.

    Attributes:
        classes: Class names: the ground truth's, then any only predicted.
        images: Keys of the evaluated images.
        confidence: The threshold that made the predicted sets, if one was given.
        warnings: Problems noticed (images left out, unknown classes, …).

    Example:
        >>> ev.errors("fn", cls="cat")  # doctest: +SKIP
    """

    def __init__(
        self, data: LabelData, *, confidence: float | None = None, warnings: tuple[str, ...] = ()
    ) -> None:
        self._data = data
        self.classes: tuple[str, ...] = data.alignment.classes
        self.images: tuple[str, ...] = data.keys
        self.confidence = confidence
        self.warnings: tuple[str, ...] = tuple(warnings)

    def _counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        t, p = self._data.truth, self._data.predicted
        return (t & p).sum(0), (~t & p).sum(0), (t & ~p).sum(0), (~t & ~p).sum(0)

    def per_class(self) -> pd.DataFrame:
        """Per class: support, TP, FP, FN, TN, precision, recall, F1.

        Example:
            >>> ev.per_class().sort_values("F1")  # doctest: +SKIP
        """
        tp, fp, fn, tn = self._counts()
        precision, recall, f1 = prf(tp, fp, fn)
        frame: pd.DataFrame = pd.DataFrame(
            {
                "support": tp + fn,
                "TP": tp,
                "FP": fp,
                "FN": fn,
                "TN": tn,
                "precision": precision,
                "recall": recall,
                "F1": f1,
            },
            index=pd.Index(list(self.classes), name="class"),
        )
        return frame

    def summary(self) -> pd.Series:
        """Micro and macro precision/recall/F1, and exact-match (subset) accuracy.

        Example:
            >>> ev.summary()["micro_F1"]  # doctest: +SKIP
        """
        tp, fp, fn, _ = self._counts()
        micro = [
            float(v[0])
            for v in prf(tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True))
        ]
        table = self.per_class()
        present = table[table["support"] > 0]
        exact = (self._data.truth == self._data.predicted).all(axis=1)
        series: pd.Series = pd.Series(
            {
                "images": len(self.images),
                "exact_match": float(exact.mean()) if len(exact) else float("nan"),
                "micro_precision": micro[0],
                "micro_recall": micro[1],
                "micro_F1": micro[2],
                "macro_precision": float(present["precision"].fillna(0).mean()),
                "macro_recall": float(present["recall"].mean()),
                "macro_F1": float(present["F1"].fillna(0).mean()),
            },
            dtype=object,
        )
        return series

    def per_image(self) -> pd.DataFrame:
        """Per image: true and predicted label sets, TP, FP, FN, exact match.

        Example:
            >>> ev.per_image().query("not exact")  # doctest: +SKIP
        """
        t, p = self._data.truth, self._data.predicted
        names = np.array(self.classes, dtype=object)
        index = pd.Index(list(self.images), name="image")
        frame: pd.DataFrame = pd.DataFrame(
            {
                "path": object_column(
                    (None if x is None else str(x) for x in self._data.paths), index
                ),
                "true": [tuple(names[row]) for row in t],
                "predicted": [tuple(names[row]) for row in p],
                "TP": (t & p).sum(1),
                "FP": (~t & p).sum(1),
                "FN": (t & ~p).sum(1),
                "exact": (t == p).all(axis=1),
            },
            index=index,
        )
        return frame

    def errors(self, kind: Literal["fp", "fn"] = "fp", cls: str | None = None) -> pd.DataFrame:
        """Wrong labels, one row per (image, class): ``fp`` predicted but absent, ``fn``
        present but not predicted. False positives come most confident first, misses
        least confident first.

        Example:
            >>> ev.errors("fp", cls="dog").head()  # doctest: +SKIP
        """
        if kind not in ("fp", "fn"):
            raise ConfigError(f"kind must be 'fp' or 'fn', got {kind!r}")
        t, p = self._data.truth, self._data.predicted
        wrong = (~t & p) if kind == "fp" else (t & ~p)
        if cls is not None:
            keep = np.zeros(len(self.classes), bool)
            keep[_index(self._data.alignment, cls)] = True
            wrong = wrong & keep[None, :]
        rows, cols = np.nonzero(wrong)
        confidence = self._data.scores[rows, cols]
        order = np.argsort(-confidence if kind == "fp" else confidence, kind="stable")
        rows, cols = rows[order], cols[order]
        frame: pd.DataFrame = pd.DataFrame(
            {
                "image": [self.images[i] for i in rows],
                "path": object_column(
                    None if (x := self._data.paths[i]) is None else str(x) for i in rows
                ),
                "kind": kind,
                "class": [self.classes[j] for j in cols],
                "confidence": self._data.scores[rows, cols],
            }
        )
        return frame

    def sweep(self, thresholds: list[float] | np.ndarray | None = None) -> Sweep:
        """Per class precision, recall and F1 over confidence thresholds, and the best.

        Example:
            >>> ev.sweep().best  # doctest: +SKIP
        """
        t, s = self._data.truth, self._data.scores
        return sweep_scores(
            self.classes,
            [s[:, k] for k in range(len(self.classes))],
            [t[:, k] for k in range(len(self.classes))],
            t.sum(axis=0),
            thresholds,
        )

    def __repr__(self) -> str:
        f1 = self.summary()["micro_F1"]
        return (
            f"MultiLabelEvaluation({len(self.images)} images, {len(self.classes)} classes, "
            f"micro-F1={f1:.3f}, {len(self.warnings)} warnings)"
        )
