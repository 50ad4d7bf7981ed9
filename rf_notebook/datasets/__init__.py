"""Synthetic "shapes" dataset: a seeded generator, exporters and a shipped sample set.

Four classes (:data:`CLASS_NAMES`: circle, square, triangle, star) on textured,
noisy backgrounds with distractor lines, dots and unlabelled look-alikes. Each
image comes with exact visible masks, boxes and polygons, plus its dominant shape
(single-label) and the shapes present (multi-label).

Example:
    >>> from rf_notebook.datasets import generate_sample, CLASS_NAMES
    >>> sample = generate_sample(seed=0, index=0)
    >>> all(o.class_name in CLASS_NAMES for o in sample.objects)
    True
"""

from __future__ import annotations

from .core import HARD_CASES, Sample, SceneConfig, ShapeObject
from .make import FORMATS, SPLIT_OFFSETS, SPLITS, encode_jpeg, make_dataset
from .sample import (
    copy_sample,
    load_sample_dataset,
    sample_classification_labels,
    sample_coco_path,
    sample_data_yaml_path,
    sample_dir,
    sample_images,
    sample_voc_dir,
    sample_yolo_labels_dir,
)
from .scene import generate_sample
from .shapes import CLASS_NAMES, LOOKALIKE_NAMES

__all__ = [
    "CLASS_NAMES",
    "FORMATS",
    "HARD_CASES",
    "LOOKALIKE_NAMES",
    "SPLITS",
    "SPLIT_OFFSETS",
    "Sample",
    "SceneConfig",
    "ShapeObject",
    "copy_sample",
    "encode_jpeg",
    "generate_sample",
    "load_sample_dataset",
    "make_dataset",
    "sample_classification_labels",
    "sample_coco_path",
    "sample_data_yaml_path",
    "sample_dir",
    "sample_images",
    "sample_voc_dir",
    "sample_yolo_labels_dir",
]
