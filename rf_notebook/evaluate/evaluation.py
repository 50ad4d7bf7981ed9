"""The result of evaluating detection or instance-segmentation predictions.

Settings (IoU, confidence) are fixed when it is made; every table is a method, so one
:class:`Evaluation` answers "how good" (mAP, per-class AP), "at which threshold"
(:meth:`~Evaluation.sweep`) and "where does it fail" (:meth:`~Evaluation.errors`).

Example:
    >>> ev = evaluate(batch, "dataset/valid")  # doctest: +SKIP
    >>> ev.map50, ev.per_class().sort_values("F1").head()  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..results import normalize_confidence
from .average_precision import RECALL_THRESHOLDS, CocoAP, CocoMetrics, coco_average_precision
from .build import DetectionData, IouType
from .classes import ClassAlignment
from .operating import OperatingPoint, confusion_counts, operating_point
from .report import EvaluationReport
from .sweep import Sweep, sweep_table
from .tables import ErrorKind, error_table, per_class_table, per_image_table, prf

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["BACKGROUND", "Evaluation", "Normalize"]

#: Label of the confusion matrix's extra row (false alarms) and column (missed objects).
BACKGROUND = "background"
Normalize = Literal["true", "pred"] | None


@dataclass
class _Shared:
    """Computed once per dataset and shared by every confidence view of it."""

    coco: CocoAP | None = None
    sweeps: dict[tuple[float, ...] | None, Sweep] = field(default_factory=dict)


class Evaluation(CocoMetrics):
    """Detection (``iou_type="bbox"``) or mask (``"segm"``) predictions against ground truth.

    mAP numbers use every prediction received (all confidences), exactly like
    pycocotools' ``COCOeval``; tables at "the operating point" use predictions at or above
    :attr:`confidence` and COCO-style matching at :attr:`iou`.

    Attributes:
        iou: IoU threshold of the operating point.
        confidence: Confidence threshold of the operating point.
        iou_type: ``"bbox"`` or ``"segm"``.
        classes: Class names: the ground truth's, then any only predicted.
        images: Keys of the evaluated images.
        warnings: Problems noticed; see :attr:`report`.

    Example:
        >>> ev.confusion_matrix(normalize="true")  # doctest: +SKIP
    """

    def __init__(
        self,
        data: DetectionData,
        *,
        confidence: float,
        alignment: ClassAlignment,
        warnings: tuple[str, ...] = (),
        _shared: _Shared | None = None,
    ) -> None:
        self._data = data
        self._alignment = alignment
        self._shared = _shared or _Shared()
        self.iou: float = data.iou
        self.confidence: float = confidence
        self.iou_type: IouType = data.iou_type
        self.classes: tuple[str, ...] = data.classes
        self.images: tuple[str, ...] = data.keys
        self.warnings: tuple[str, ...] = tuple(dict.fromkeys((*warnings, *data.warnings)))

    def with_confidence(self, confidence: float) -> Evaluation:
        """The same evaluation at another confidence threshold (nothing is re-matched).

        Example:
            >>> best = ev.sweep().best.loc["all", "confidence"]  # doctest: +SKIP
            >>> ev.with_confidence(best).per_class()  # doctest: +SKIP
        """
        value = normalize_confidence(confidence)
        assert value is not None
        return Evaluation(
            self._data,
            confidence=value,
            alignment=self._alignment,
            warnings=self.warnings,
            _shared=self._shared,
        )

    @property
    def report(self) -> EvaluationReport:
        """Counts of what was evaluated, the class alignment, and the warnings.

        Example:
            >>> print(ev.report)  # doctest: +SKIP
        """
        gt = self._data.gt
        return EvaluationReport(
            images=len(self.images),
            objects=int((~gt.crowd).sum()),
            crowd_regions=int(gt.crowd.sum()),
            predictions=len(self._data.dt),
            ignored=int(self._data.ignored.sum()),
            classes=self._alignment,
            warnings=self.warnings,
        )

    # --- COCO mAP -------------------------------------------------------------------

    @property
    def _coco(self) -> CocoAP:
        if self._shared.coco is None:
            d = self._data
            self._shared.coco = coco_average_precision(
                d.gt, d.dt, d.pair_dt, d.pair_gt, d.pair_iou, len(d.classes)
            )
        return self._shared.coco

    # --- the operating point ----------------------------------------------------------

    @cached_property
    def _op(self) -> OperatingPoint:
        return operating_point(self._data, self.confidence)

    def confusion_matrix(self, normalize: Normalize = None) -> pd.DataFrame:
        """Counts of true class (rows) against predicted class (columns), plus background.

        The ``background`` column counts missed objects, the ``background`` row false
        alarms (predictions on no object); the diagonal counts true positives.

        Args:
            normalize: ``None`` for counts, ``"true"`` to divide each row by its sum
                (recall-like), ``"pred"`` each column (precision-like); empty rows or
                columns give 0.

        Returns:
            A ``(K + 1) × (K + 1)`` DataFrame, index ``true``, columns ``predicted``.

        Example:
            >>> ev.confusion_matrix().loc["cat", "dog"]  # cats predicted as dogs  # doctest: +SKIP
        """
        if normalize not in (None, "true", "pred"):
            raise ConfigError(f"normalize must be None, 'true' or 'pred', got {normalize!r}")
        counts = confusion_counts(self._data, self._op).astype(np.float64)
        if normalize is not None:
            axis = 1 if normalize == "true" else 0
            totals = counts.sum(axis=axis, keepdims=True)
            counts = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
        labels = [*self.classes, BACKGROUND if BACKGROUND not in self.classes else "(background)"]
        frame: pd.DataFrame = pd.DataFrame(
            counts if normalize else counts.astype(np.int64),
            index=pd.Index(labels, name="true"),
            columns=pd.Index(labels, name="predicted"),
        )
        return frame

    def per_class(self) -> pd.DataFrame:
        """Per class: support, TP, FP, FN, precision, recall, F1 (operating point), AP50, AP50_95.

        AP columns are COCO's (all predictions, IoU 0.50 and 0.50:0.95); NaN for classes
        without ground truth. Precision is NaN for a class never predicted.

        Example:
            >>> ev.per_class().sort_values("F1")  # doctest: +SKIP
        """
        coco = self._coco
        return per_class_table(self._data, self._op, coco.per_class(0), coco.per_class())

    def per_image(self) -> pd.DataFrame:
        """Per image: objects, predictions, TP, FP, FN, confused, errors (FP + FN).

        Example:
            >>> ev.per_image().sort_values("errors", ascending=False).head()  # doctest: +SKIP
        """
        return per_image_table(self._data, self._op)

    def errors(self, kind: ErrorKind = "fp", cls: str | None = None) -> pd.DataFrame:
        """The objects behind one kind of error, ready for a gallery.

        Args:
            kind: ``"fp"`` false alarms (on no object), ``"fn"`` missed objects (nothing
                on them), ``"confusion"`` a prediction of ``class`` on an object of
                ``matched_class``, ``"tp"`` correct predictions and the objects they found.
            cls: Only this class (for confusions, on either side).

        Returns:
            A DataFrame with ``image, path, kind, class, confidence, box, matched_class,
            matched_box, iou``; boxes are ``(x1, y1, x2, y2)``.

        Example:
            >>> ev.errors("confusion", cls="cat").head()  # doctest: +SKIP
        """
        index = None if cls is None else self._class_index(cls)
        return error_table(self._data, self._op, kind, index)

    def sweep(self, thresholds: list[float] | np.ndarray | None = None) -> Sweep:
        """Precision, recall and F1 per class over confidence thresholds, and the best one.

        Args:
            thresholds: Confidences for ``curves`` (0 to 1 in steps of 0.01 by default);
                the best thresholds are exact whatever the grid.

        Returns:
            A :class:`~rf_notebook.evaluate.sweep.Sweep`.

        Example:
            >>> ev.sweep().best  # doctest: +SKIP
        """
        key = None if thresholds is None else tuple(float(t) for t in thresholds)
        if key not in self._shared.sweeps:
            self._shared.sweeps[key] = sweep_table(self._data, thresholds)
        return self._shared.sweeps[key]

    def summary(self) -> pd.Series:
        """The headline numbers: mAPs, and micro precision/recall/F1 at the operating point.

        Example:
            >>> ev.summary()  # doctest: +SKIP
        """
        op = self._op
        tp, fp, fn = int(op.tp.sum()), int(op.fp.sum()), int(op.fn.sum())
        precision, recall, f1 = (
            float(v[0]) for v in prf(np.array([tp]), np.array([fp]), np.array([fn]))
        )
        series: pd.Series = pd.Series(
            {
                "images": len(self.images),
                "objects": int((~self._data.gt.crowd).sum()),
                "predictions": tp + fp,
                "TP": tp,
                "FP": fp,
                "FN": fn,
                "precision": precision,
                "recall": recall,
                "F1": f1,
                "mAP50": self.map50,
                "mAP50_95": self.map50_95,
                "mAP75": self.map75,
                "mAP_small": self.map_small,
                "mAP_medium": self.map_medium,
                "mAP_large": self.map_large,
                "confidence": self.confidence,
                "iou": self.iou,
            },
            dtype=object,
        )
        return series

    # --- plots ----------------------------------------------------------------------

    def plot_confusion_matrix(self, normalize: Normalize = None) -> Figure:
        """A heatmap of :meth:`confusion_matrix` with the value in every cell.

        Example:
            >>> ev.plot_confusion_matrix(normalize="true")  # doctest: +SKIP
        """
        from .plots import confusion_heatmap

        title = f"Confusion at confidence ≥ {self.confidence:.2f}, IoU ≥ {self.iou:.2f}"
        return confusion_heatmap(self.confusion_matrix(normalize), title=title)

    def plot_pr_curves(self, classes: list[str] | None = None) -> Figure:
        """COCO's interpolated precision–recall curve at IoU 0.50, one line per class.

        Example:
            >>> ev.plot_pr_curves(["cat", "dog"])  # doctest: +SKIP
        """
        from .plots import pr_curves

        ap = self._coco.per_class(0)
        chosen = self._chosen(classes)
        curves = {
            self.classes[k]: self._coco.precision[0, :, k, 0] for k in chosen if not np.isnan(ap[k])
        }
        return pr_curves(RECALL_THRESHOLDS, curves, {self.classes[k]: float(ap[k]) for k in chosen})

    def plot_f1_confidence(self, classes: list[str] | None = None) -> Figure:
        """F1 against the confidence threshold per class, each class's best marked.

        Example:
            >>> ev.plot_f1_confidence()  # doctest: +SKIP
        """
        from .plots import f1_confidence_curves

        sweep = self.sweep()
        names = [self.classes[k] for k in self._chosen(classes)]
        return f1_confidence_curves(sweep.curves, sweep.best, names)

    def _chosen(self, classes: list[str] | None) -> list[int]:
        if classes is None:
            return list(range(len(self.classes)))
        return [self._class_index(c) for c in classes]

    def _class_index(self, name: str) -> int:
        try:
            return self._alignment.truth_index(name)
        except ConfigError:
            return self._alignment.predicted_index(name)

    def __repr__(self) -> str:
        return (
            f"Evaluation({self.iou_type}, {len(self.images)} images, {len(self.classes)} classes, "
            f"mAP50={self.map50:.3f}, mAP50:95={self.map50_95:.3f}, "
            f"at confidence ≥ {self.confidence:.2f} / IoU ≥ {self.iou:.2f}, "
            f"{len(self.warnings)} warnings)"
        )
