"""Single-label classification against image labels: accuracy, confusion, per-class P/R/F1.

The prediction of an image is its top class (the highest confidence received). With an
explicit ``confidence``, a top class below it counts as no prediction (``(none)``).

Example:
    >>> ev = evaluate(batch, "dataset/valid")  # a folder per class  # doctest: +SKIP
    >>> ev.accuracy, ev.per_class()  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .classes import ClassAlignment
from .evaluation import Normalize
from .tables import object_column, prf

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["NO_PREDICTION", "ClassificationEvaluation", "LabelData"]

#: The label of an image whose top class was under the confidence threshold.
NO_PREDICTION = "(none)"


@dataclass(frozen=True)
class LabelData:
    """Image labels lined up: one row per evaluated image.

    Attributes:
        keys: Image keys.
        paths: Image files, when known.
        truth: ``(N, K)`` bool, the true labels.
        scores: ``(N, K)`` confidence of each class (0 where not received).
        predicted: ``(N, K)`` bool, the predicted labels.
        alignment: How class names were joined.
    """

    keys: tuple[str, ...]
    paths: tuple[Path | None, ...]
    truth: np.ndarray
    scores: np.ndarray
    predicted: np.ndarray
    alignment: ClassAlignment


class ClassificationEvaluation:
    """Single-label predictions (top-1) scored against one label per image.

    Attributes:
        classes: Class names: the ground truth's, then any only predicted.
        images: Keys of the evaluated images.
        confidence: The threshold under which a top class counts as no prediction, if any.
        warnings: Problems noticed (images left out, unknown classes, …).

    Example:
        >>> ev.confusion_matrix(normalize="true")  # doctest: +SKIP
    """

    def __init__(
        self, data: LabelData, *, confidence: float | None = None, warnings: tuple[str, ...] = ()
    ) -> None:
        self._data = data
        self.classes: tuple[str, ...] = data.alignment.classes
        self.images: tuple[str, ...] = data.keys
        self.confidence = confidence
        self.warnings: tuple[str, ...] = tuple(warnings)
        self._true = data.truth.argmax(axis=1)
        self._pred = np.where(data.predicted.any(axis=1), data.predicted.argmax(axis=1), -1)

    @property
    def accuracy(self) -> float:
        """The fraction of images whose top class is the true class."""
        return float(np.mean(self._true == self._pred)) if len(self._true) else float("nan")

    def confusion_matrix(self, normalize: Normalize = None) -> pd.DataFrame:
        """True class (rows) against top-1 predicted class (columns).

        A ``(none)`` column appears when some images had no prediction.

        Args:
            normalize: ``None``, ``"true"`` (rows sum to 1) or ``"pred"`` (columns do).

        Returns:
            A DataFrame, index ``true``, columns ``predicted``.

        Example:
            >>> ev.confusion_matrix().loc["ripe", "unripe"]  # doctest: +SKIP
        """
        if normalize not in (None, "true", "pred"):
            raise ConfigError(f"normalize must be None, 'true' or 'pred', got {normalize!r}")
        k = len(self.classes)
        none = bool((self._pred < 0).any())
        counts = np.zeros((k, k + 1), dtype=np.float64)
        np.add.at(counts, (self._true, np.where(self._pred < 0, k, self._pred)), 1)
        if not none:
            counts = counts[:, :k]
        if normalize is not None:
            totals = counts.sum(axis=1 if normalize == "true" else 0, keepdims=True)
            counts = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
        columns = [*self.classes, NO_PREDICTION][: counts.shape[1]]
        frame: pd.DataFrame = pd.DataFrame(
            counts if normalize else counts.astype(np.int64),
            index=pd.Index(list(self.classes), name="true"),
            columns=pd.Index(columns, name="predicted"),
        )
        return frame

    def per_class(self) -> pd.DataFrame:
        """Per class: support, TP, FP, FN, precision, recall, F1.

        Example:
            >>> ev.per_class().sort_values("F1")  # doctest: +SKIP
        """
        k = len(self.classes)
        right = self._true == self._pred
        tp = np.bincount(self._true[right], minlength=k)
        fp = np.bincount(self._pred[~right & (self._pred >= 0)], minlength=k)
        support = np.bincount(self._true, minlength=k)
        precision, recall, f1 = prf(tp, fp, support - tp)
        frame: pd.DataFrame = pd.DataFrame(
            {
                "support": support,
                "TP": tp,
                "FP": fp,
                "FN": support - tp,
                "precision": precision,
                "recall": recall,
                "F1": f1,
            },
            index=pd.Index(list(self.classes), name="class"),
        )
        return frame

    def per_image(self) -> pd.DataFrame:
        """Per image: true class, predicted class, its confidence, and whether it is right.

        Example:
            >>> ev.per_image().query("not correct")  # doctest: +SKIP
        """
        names = np.array([*self.classes, NO_PREDICTION], dtype=object)
        rows = np.arange(len(self.images))
        index = pd.Index(list(self.images), name="image")
        confidence = np.where(self._pred >= 0, self._data.scores[rows, self._pred], np.nan)
        frame: pd.DataFrame = pd.DataFrame(
            {
                "path": object_column(
                    (None if p is None else str(p) for p in self._data.paths), index
                ),
                "true": names[self._true],
                "predicted": names[self._pred],
                "confidence": confidence,
                "correct": self._true == self._pred,
            },
            index=index,
        )
        return frame

    def errors(self, cls: str | None = None) -> pd.DataFrame:
        """Misclassified images, most confident first; ``cls`` keeps those where it is
        the true or the predicted class.

        Example:
            >>> ev.errors(cls="ripe").head()  # doctest: +SKIP
        """
        table = self.per_image()
        wrong = table[~table["correct"]]
        if cls is not None:
            name = self.classes[_index(self._data.alignment, cls)]
            wrong = wrong[(wrong["true"] == name) | (wrong["predicted"] == name)]
        ordered: pd.DataFrame = wrong.sort_values("confidence", ascending=False, kind="stable")
        return ordered

    def summary(self) -> pd.Series:
        """Accuracy and macro / weighted precision, recall and F1.

        Example:
            >>> ev.summary()["accuracy"]  # doctest: +SKIP
        """
        table = self.per_class()
        present = table[table["support"] > 0]
        weights = present["support"] / max(int(present["support"].sum()), 1)
        series: pd.Series = pd.Series(
            {
                "images": len(self.images),
                "accuracy": self.accuracy,
                "macro_precision": float(present["precision"].fillna(0).mean()),
                "macro_recall": float(present["recall"].mean()),
                "macro_F1": float(present["F1"].fillna(0).mean()),
                "weighted_F1": float((present["F1"].fillna(0) * weights).sum()),
            },
            dtype=object,
        )
        return series

    def plot_confusion_matrix(self, normalize: Normalize = None) -> Figure:
        """A heatmap of :meth:`confusion_matrix` with the value in every cell.

        Example:
            >>> ev.plot_confusion_matrix("true")  # doctest: +SKIP
        """
        from .plots import confusion_heatmap

        title = f"Top-1 confusion, accuracy {self.accuracy:.3f}"
        return confusion_heatmap(self.confusion_matrix(normalize), title=title)

    def __repr__(self) -> str:
        return (
            f"ClassificationEvaluation({len(self.images)} images, {len(self.classes)} classes, "
            f"accuracy={self.accuracy:.3f}, {len(self.warnings)} warnings)"
        )


def _index(alignment: ClassAlignment, name: str) -> int:
    try:
        return alignment.truth_index(name)
    except ConfigError:
        return alignment.predicted_index(name)
