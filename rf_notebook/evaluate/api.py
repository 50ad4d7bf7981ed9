"""``evaluate``: predictions against ground truth, in one call.

Example:
    >>> import rf_notebook as rf
    >>> batch = rf.predict_many("dataset/valid", model="shapes-detect/1")  # doctest: +SKIP
    >>> ev = evaluate(batch, "dataset/valid/_annotations.coco.json")  # doctest: +SKIP
    >>> ev.map50, ev.confusion_matrix()  # doctest: +SKIP
"""

from __future__ import annotations

import warnings as py_warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Union

import numpy as np

from ..errors import ConfigError
from ..results import (
    AnyResult,
    ClassificationResult,
    DetectionResult,
    MultiLabelResult,
    normalize_confidence,
)
from .build import IouType, build_detections
from .classes import align_classes
from .classification import ClassificationEvaluation, LabelData
from .evaluation import Evaluation
from .join import Joined, Predictions, join_predictions
from .loaders import load_ground_truth
from .multilabel import MultiLabelEvaluation
from .truth import GroundTruth

__all__ = ["DEFAULT_CONFIDENCE", "AnyEvaluation", "EvaluationWarning", "evaluate"]

#: The operating-point confidence when neither the call nor the results set one.
DEFAULT_CONFIDENCE = 0.4
#: Floors above this make AP miss low-confidence predictions, so ``evaluate`` says so.
_AP_FLOOR_WARNING = 0.05

AnyEvaluation = Union[Evaluation, ClassificationEvaluation, MultiLabelEvaluation]  # noqa: UP007


class EvaluationWarning(UserWarning):
    """Something was left out or looks wrong; the evaluation's ``warnings`` list it all."""


def evaluate(
    predictions: Predictions,
    ground_truth: GroundTruth | str | Path,
    *,
    iou: float = 0.5,
    confidence: float | None = None,
    class_mapping: Mapping[str, str] | None = None,
    iou_type: IouType | None = None,
    strict: bool = False,
) -> AnyEvaluation:
    """Score predictions against ground truth.

    Predictions are joined to ground-truth images by name: a result's ``source`` (what
    ``predict``/``predict_many`` record), a raw response's ``image_path``, or the keys of
    a ``{image name: result or response}`` dict; the name may be a full path, the file
    name or its stem. Classes are joined by name, ignoring case and spacing.

    Args:
        predictions: A ``Batch``, a list of results or raw API response dicts, or a dict
            ``{image name: result or response}``.
        ground_truth: A :class:`GroundTruth`, or a path for :func:`load_ground_truth`.
        iou: IoU for a match at the operating point (0–1, or 0–100).
        confidence: Operating-point threshold. Default: the results' own client-side
            threshold, else 0.4. For single-label classification the top class counts
            whatever its confidence unless this is given.
        class_mapping: ``{prediction class: ground-truth class}`` renames.
        iou_type: ``"bbox"`` or ``"segm"`` (mask IoU). Default: ``"segm"`` when the
            results are instance segmentation and the ground truth has masks.
        strict: Raise on images found on one side only, instead of leaving them out with
            a warning.

    Returns:
        An :class:`Evaluation` for detection and instance segmentation, a
        :class:`ClassificationEvaluation` or a :class:`MultiLabelEvaluation`. Problems
        (images left out, unknown classes) are in its ``warnings`` and also issued as
        :class:`EvaluationWarning`.

    Raises:
        ConfigError: Bad arguments, mixed tasks, NaN confidences or boxes, or nothing
            in common between predictions and ground truth.

    Example:
        >>> ev = evaluate(batch, "dataset/valid", class_mapping={"kitty": "cat"})  # doctest: +SKIP
        >>> ev.per_class()  # doctest: +SKIP
    """
    gt = ground_truth if isinstance(ground_truth, GroundTruth) else load_ground_truth(ground_truth)
    joined = join_predictions(predictions, gt, strict=strict)
    explicit = normalize_confidence(confidence)
    kinds = {type(r) for r in joined.results}
    if kinds == {DetectionResult}:
        result: AnyEvaluation = _detections(joined, gt, iou, explicit, class_mapping, iou_type)
    elif kinds in ({ClassificationResult}, {MultiLabelResult}):
        result = _labels(joined, gt, explicit, class_mapping, multi=kinds == {MultiLabelResult})
    else:
        names = sorted(k.__name__ for k in kinds)
        raise ConfigError(f"cannot evaluate {' and '.join(names)} results together")
    for message in result.warnings:
        py_warnings.warn(message, EvaluationWarning, stacklevel=2)
    return result


def _detections(
    joined: Joined,
    gt: GroundTruth,
    iou: float,
    confidence: float | None,
    class_mapping: Mapping[str, str] | None,
    iou_type: IouType | None,
) -> Evaluation:
    iou_value = normalize_confidence(iou, "iou")
    if iou_value is None or iou_value <= 0:
        raise ConfigError(f"iou must be above 0 and at most 1, got {iou!r}")
    results = [r for r in joined.results if isinstance(r, DetectionResult)]
    notes = list(joined.warnings)
    names = Counter(p.class_name for r in results for p in r.received)
    alignment = align_classes(names, gt.classes, class_mapping)
    if alignment.only_in_predictions:
        counts = ", ".join(f"{n!r} ({names[n]})" for n in alignment.only_in_predictions)
        notes.append(
            f"predictions use classes the ground truth does not have: {counts}; they count "
            "as false positives (rename them with class_mapping=)"
        )
    if iou_type is None:
        masks = any(r.task == "instance-segmentation" for r in results)
        has = masks and any(s is not None for k in joined.keys for s in gt[k].segments)
        if masks and not has:
            notes.append("the ground truth has no masks, so boxes are evaluated")
        iou_type = "segm" if has else "bbox"
    elif iou_type not in ("bbox", "segm"):
        raise ConfigError(f"iou_type must be 'bbox' or 'segm', got {iou_type!r}")
    operating = _operating_confidence(results, confidence, notes)
    data = build_detections(joined, gt, alignment, iou=iou_value, iou_type=iou_type)
    return Evaluation(data, confidence=operating, alignment=alignment, warnings=tuple(notes))


def _operating_confidence(
    results: Sequence[AnyResult], confidence: float | None, notes: list[str]
) -> float:
    floors = [r.requested_confidence for r in results if r.requested_confidence is not None]
    floor = max(floors, default=0.0)
    if floor > _AP_FLOOR_WARNING:
        notes.append(
            f"the server returned only predictions with confidence ≥ {floor:.2f}, so AP and "
            "mAP miss everything below; predict with a low floor for COCO-comparable mAP"
        )
    if confidence is None:
        thresholds = {r.threshold for r in results if r.threshold is not None}
        if len(thresholds) > 1:
            raise ConfigError(
                f"the results were filtered at different confidences {sorted(thresholds)}; "
                "pass confidence= to choose the operating point"
            )
        confidence = thresholds.pop() if thresholds else DEFAULT_CONFIDENCE
    if confidence < floor - 1e-12:
        notes.append(
            f"confidence {confidence:.2f} is below the {floor:.2f} the server was asked for; "
            "predictions under that were never received"
        )
    return confidence


def _labels(
    joined: Joined,
    gt: GroundTruth,
    confidence: float | None,
    class_mapping: Mapping[str, str] | None,
    *,
    multi: bool,
) -> ClassificationEvaluation | MultiLabelEvaluation:
    notes = list(joined.warnings)
    truths = [gt[k] for k in joined.keys]
    labels = [t.labels or (tuple(dict.fromkeys(t.class_names)) if multi else ()) for t in truths]
    if not multi:
        for truth, found in zip(truths, labels, strict=True):
            if len(found) != 1:
                raise ConfigError(
                    f"image {truth.key!r} has {len(found)} labels {list(found)}; single-label "
                    "classification needs exactly one per image"
                )
    seen: Counter[str] = Counter()
    for r in joined.results:
        assert isinstance(r, (ClassificationResult, MultiLabelResult))
        seen.update(c.class_name for c in r.received)
        if isinstance(r, MultiLabelResult):
            seen.update(r.predicted_classes)
    alignment = align_classes(seen, gt.classes, class_mapping)
    if alignment.only_in_predictions:
        notes.append(
            "predictions use classes the ground truth does not have: "
            f"{', '.join(repr(n) for n in alignment.only_in_predictions)}"
        )
    n, k = len(truths), len(alignment.classes)
    true = np.zeros((n, k), bool)
    scores = np.zeros((n, k))
    predicted = np.zeros((n, k), bool)
    for i, (found, r) in enumerate(zip(labels, joined.results, strict=True)):
        assert isinstance(r, (ClassificationResult, MultiLabelResult))
        true[i, [alignment.truth_index(name) for name in found]] = True
        for c in r.received:
            j = alignment.predicted_index(c.class_name)
            scores[i, j] = max(scores[i, j], c.confidence)
        if isinstance(r, MultiLabelResult):
            if confidence is None:
                predicted[i, [alignment.predicted_index(c) for c in r.predicted_classes]] = True
            else:
                predicted[i] = scores[i] >= confidence
        elif r.received:
            top = alignment.predicted_index(max(r.received, key=lambda c: c.confidence).class_name)
            predicted[i, top] = confidence is None or scores[i, top] >= confidence
    if not np.isfinite(scores).all():
        raise ConfigError("a classification confidence is NaN")
    data = LabelData(joined.keys, tuple(t.path for t in truths), true, scores, predicted, alignment)
    cls = MultiLabelEvaluation if multi else ClassificationEvaluation
    return cls(data, confidence=confidence, warnings=tuple(notes))
