"""Ground truth for "confident disagreement": line it up with results, then compare.

Accepted ground truth, per image: ``sv.Detections`` (names in ``data["class_name"]``),
a :class:`~rf_notebook.results.DetectionResult`, an ``(xyxy, class_names)`` pair, an
object with ``boxes`` (COCO ``[x, y, w, h]``) and ``class_names`` (like
``rf_notebook.evaluate``'s ``ImageTruth``), or labels for classification (a string or a
list of strings). The set is a sequence in the order of the results, a mapping from
image name (``result.source``, or its file name) to truth, or anything with
``key_for(source)`` and ``[key]`` (like ``evaluate``'s ``GroundTruth``).

Example:
    >>> truth = align_truth({"a.jpg": "cat"}, ("data/a.jpg", "data/b.jpg"))
    >>> truth[0].labels, truth[1]
    (('cat',), None)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..matching import match_detections
from ..results import ClassificationResult, DetectionResult, MultiLabelResult
from .context import Context
from .flat import DETECTION, LABELS
from .strategies import Scored, plural

__all__ = ["Truth", "align_truth", "disagreement", "to_truth"]


def _norm(name: object) -> str:
    return " ".join(str(name).split()).casefold()


@dataclass(frozen=True)
class Truth:
    """The annotations of one image, normalised.

    Attributes:
        xyxy: ``(m, 4)`` box corners.
        classes: ``(m,)`` object array of class names (case-folded).
        crowd: ``(m,)`` bool crowd regions.
        labels: Image labels (case-folded), for classification.
    """

    xyxy: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    classes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    crowd: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    labels: tuple[str, ...] = ()


def _boxes(xyxy: Any, names: Any, crowd: Any = None) -> Truth:
    boxes = np.asarray(xyxy, dtype=np.float64).reshape(-1, 4)
    classes = np.array([_norm(c) for c in names], dtype=object)
    if len(classes) != len(boxes):
        raise ConfigError(f"ground truth has {len(boxes)} boxes but {len(classes)} class names")
    flags = np.zeros(len(boxes), bool) if crowd is None else np.asarray(crowd, bool).reshape(-1)
    return Truth(boxes, classes, flags)


def to_truth(value: Any) -> Truth | None:
    """Normalise one image's ground truth (see the module docstring for the forms).

    Example:
        >>> to_truth(([[0, 0, 10, 10]], ["Cat"])).classes.tolist()
        ['cat']
    """
    if value is None:
        return None
    if isinstance(value, str):
        return Truth(labels=(_norm(value),))
    if isinstance(value, DetectionResult):
        return _boxes(value.xyxy, value.class_names)
    if isinstance(value, ClassificationResult):
        return Truth(labels=(_norm(value.top),) if value.top else ())
    if isinstance(value, MultiLabelResult):
        return Truth(labels=tuple(_norm(c) for c in value.predicted_classes))
    if hasattr(value, "xyxy") and hasattr(value, "data"):  # supervision.Detections
        names = value.data.get("class_name") if isinstance(value.data, Mapping) else None
        if names is None:
            raise ConfigError("ground-truth Detections need class names in data['class_name']")
        return _boxes(value.xyxy, names)
    if hasattr(value, "boxes") and hasattr(value, "class_names"):  # evaluate.ImageTruth
        xywh = np.asarray(value.boxes, dtype=np.float64).reshape(-1, 4)
        xyxy = np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)
        truth = _boxes(xyxy, value.class_names, getattr(value, "iscrowd", None))
        labels = tuple(_norm(c) for c in getattr(value, "labels", ()) or ())
        return Truth(truth.xyxy, truth.classes, truth.crowd, labels)
    if isinstance(value, tuple) and len(value) == 2 and not isinstance(value[0], str):
        return _boxes(value[0], value[1])
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(v, str) for v in value):
        return Truth(labels=tuple(sorted(_norm(v) for v in value)))
    raise ConfigError(
        f"cannot read ground truth of type {type(value).__name__}: give sv.Detections, a "
        "DetectionResult, (xyxy, class_names), or labels (a string or a list of strings)"
    )


def align_truth(ground_truth: Any, keys: Sequence[str]) -> list[Truth | None]:
    """Ground truth for each image, in the order of ``keys`` (``None`` where missing).

    Args:
        ground_truth: A sequence aligned with the results, a mapping by image name, or
            an object with ``key_for(name)`` and ``[key]``.
        keys: The images' names (``result.source``).

    Returns:
        One :class:`Truth` or ``None`` per key.

    Example:
        >>> [t is None for t in align_truth({"b.jpg": "dog"}, ["x/a.jpg", "x/b.jpg"])]
        [True, False]
    """
    if hasattr(ground_truth, "key_for"):
        found = []
        for key in keys:
            try:
                gt_key = ground_truth.key_for(key)
                found.append(None if gt_key is None else to_truth(ground_truth[gt_key]))
            except KeyError:
                found.append(None)
        return found
    if isinstance(ground_truth, Mapping):
        by_name: dict[str, Any] = {}
        for name, value in ground_truth.items():
            by_name.setdefault(PurePath(str(name)).name, value)
        out = []
        for key in keys:
            value = ground_truth.get(key, by_name.get(PurePath(key).name))
            out.append(to_truth(value))
        return out
    if isinstance(ground_truth, Sequence) and not isinstance(ground_truth, str):
        if len(ground_truth) != len(keys):
            raise ConfigError(
                f"ground_truth has {len(ground_truth)} entries but there are {len(keys)} "
                "results; give one per result, in order, or a mapping by image name"
            )
        return [to_truth(v) for v in ground_truth]
    raise ConfigError(
        "ground_truth must be a list (one per result), a mapping by image name, or an "
        f"evaluate.GroundTruth; got {type(ground_truth).__name__}"
    )


def disagreement(ctx: Context) -> Scored:
    """Confident false positives plus missed objects, per image, against ground truth.

    Boxes at or above the threshold are matched with :func:`rf_notebook.matching.match_detections`
    at ``match_iou``; unmatched ones at or above ``high_confidence`` are confident false
    positives, and unmatched (non-crowd) ground-truth boxes are missed objects. For
    classification, a confident top class that is not a label, and each label not
    predicted, count one each.

    Example:
        >>> disagreement(ctx).value  # doctest: +SKIP
        array([2., 0., 1.])
    """
    flat, kept, p = ctx.flat, ctx.kept, ctx.params
    n = flat.n
    fps = np.zeros(n, dtype=np.int64)
    missed = np.zeros(n, dtype=np.int64)
    truth = ctx.truth or [None] * n
    starts = kept.starts(n)
    label_starts = ctx.predicted_labels.starts(n)
    folded = np.array([_norm(c) for c in flat.classes], dtype=object)
    labels = flat.labels
    for i, gt in enumerate(truth):
        if gt is None:
            continue
        if flat.kind[i] == DETECTION:
            rows = slice(starts[i], starts[i + 1])
            confidence = kept.confidence[rows]
            match = match_detections(
                gt.xyxy,
                gt.classes,
                kept.xyxy[rows],
                folded[kept.cls[rows]],
                confidence,
                iou=p.match_iou,
                gt_crowd=gt.crowd,
            )
            fps[i] = int((match.false_positive & (confidence >= p.high_confidence)).sum())
            missed[i] = int((~match.gt_matched & ~gt.crowd).sum())
            continue
        predicted = folded[ctx.predicted_labels.cls[label_starts[i] : label_starts[i + 1]]]
        wanted = set(gt.labels)
        if flat.kind[i] == LABELS and ctx.top[i] >= 0:
            j = ctx.top[i]
            confident_wrong = labels.confidence[j] >= p.high_confidence
            fps[i] = int(confident_wrong and folded[labels.cls[j]] not in wanted)
        else:
            rows = slice(*np.searchsorted(labels.image, [i, i + 1]))
            sure = labels.confidence[rows] >= p.high_confidence
            fps[i] = sum(1 for c in folded[labels.cls[rows]][sure] if c not in wanted)
        missed[i] = len(wanted - set(predicted.tolist()))

    def explain(i: int) -> str:
        parts = []
        if fps[i]:
            parts.append(
                f"{plural(int(fps[i]), 'confident false positive')} (≥ {p.high_confidence:.2f})"
            )
        if missed[i]:
            what = "missed object" if flat.kind[i] == DETECTION else "missed label"
            parts.append(plural(int(missed[i]), what))
        return ", ".join(parts)

    return Scored((fps + missed).astype(np.float64), explain)
