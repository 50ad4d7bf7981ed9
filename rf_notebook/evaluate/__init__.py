"""Confusion summaries: predictions against ground truth, with numbers that agree with pycocotools.

::

    ev = evaluate(batch, "dataset/valid")      # Batch, results, raw dicts or {name: result}
    ev.map50, ev.map50_95                     # = pycocotools COCOeval
    ev.confusion_matrix(normalize="true")     # with background row and column
    ev.per_class(), ev.per_image(), ev.errors("confusion", cls="cat")
    ev.sweep().best                           # F1-best confidence per class
    ev.plot_confusion_matrix(); ev.plot_pr_curves(); ev.plot_f1_confidence()

Example:
    >>> from rf_notebook.evaluate import evaluate, load_ground_truth
    >>> gt = load_ground_truth("dataset", split="valid")  # doctest: +SKIP
    >>> evaluate(batch, gt).per_class()  # doctest: +SKIP
"""

from .api import DEFAULT_CONFIDENCE, AnyEvaluation, EvaluationWarning, evaluate
from .classes import ClassAlignment, align_classes, normalize_name
from .classification import ClassificationEvaluation
from .evaluation import BACKGROUND, Evaluation
from .loaders import (
    from_supervision,
    load_class_folders,
    load_coco,
    load_ground_truth,
    load_multilabel_csv,
    load_voc,
    load_yolo,
)
from .masks import polygon_mask
from .multilabel import MultiLabelEvaluation
from .report import EvaluationReport
from .sweep import Sweep
from .truth import AnnotationError, GroundTruth, ImageTruth

__all__ = [
    "BACKGROUND",
    "DEFAULT_CONFIDENCE",
    "AnnotationError",
    "AnyEvaluation",
    "ClassAlignment",
    "ClassificationEvaluation",
    "Evaluation",
    "EvaluationReport",
    "EvaluationWarning",
    "GroundTruth",
    "ImageTruth",
    "MultiLabelEvaluation",
    "Sweep",
    "align_classes",
    "evaluate",
    "from_supervision",
    "load_class_folders",
    "load_coco",
    "load_ground_truth",
    "load_multilabel_csv",
    "load_voc",
    "load_yolo",
    "normalize_name",
    "polygon_mask",
]
