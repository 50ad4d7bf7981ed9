"""Ground truth from a ``supervision.DetectionDataset``, for formats only supervision reads.

rf-notebook reads COCO, YOLO and VOC itself: supervision's loaders keep boxes as float32
(so IoUs drift from pycocotools' in the last digits and ties can flip), decode every mask
up front, round polygon vertices to whole pixels before filling them, keep a Roboflow
export's unannotated super-category as a class, and its VOC loader decodes each image to
learn its size. For anything else supervision loads (LabelMe, CreateML, …), this adapter
takes the dataset as it is: boxes, classes, ``iscrowd``/``area`` when present, and masks.

Example:
    >>> import supervision as sv
    >>> ds = sv.DetectionDataset.from_yolo("images", "labels", "data.yaml")  # doctest: +SKIP
    >>> gt = from_supervision(ds)  # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from ..masks import mask_to_rle
from ..truth import GroundTruth, ImageTruth
from .files import image_size

__all__ = ["from_supervision"]


def from_supervision(dataset: Any) -> GroundTruth:
    """Wrap a ``supervision.DetectionDataset`` as ground truth.

    Keys are the images' file names (their full paths when two share a name). Image
    sizes come from the masks, else from the image file's header.

    Args:
        dataset: A ``supervision.DetectionDataset``.

    Returns:
        A :class:`GroundTruth`.

    Example:
        >>> from_supervision(dataset).classes  # doctest: +SKIP
        ('circle', 'square')
    """
    classes = [str(c) for c in dataset.classes]
    paths = [str(p) for p in dataset.image_paths]
    names = Counter(Path(p).name for p in paths)
    keys = {(Path(p).name if names[Path(p).name] == 1 else p): p for p in paths}

    def load(key: str) -> ImageTruth:
        path = keys[key]
        detections = dataset.annotations[path]
        xyxy = np.asarray(detections.xyxy, dtype=np.float64).reshape(-1, 4)
        mask = detections.mask
        width: int | None = None
        height: int | None = None
        if mask is not None and len(mask):
            height, width = int(mask.shape[1]), int(mask.shape[2])
        elif Path(path).is_file():
            width, height = image_size(Path(path))
        data = detections.data
        return ImageTruth(
            key=key,
            width=width,
            height=height,
            boxes=np.column_stack([xyxy[:, :2], xyxy[:, 2:] - xyxy[:, :2]]),
            class_names=tuple(
                classes[int(i)]
                for i in (detections.class_id if detections.class_id is not None else [])
            ),
            iscrowd=np.asarray(data.get("iscrowd", np.zeros(0)), dtype=bool),
            area=np.asarray(data.get("area", np.zeros(0)), dtype=np.float64),
            segments=tuple(mask_to_rle(m) for m in mask) if mask is not None else (),
            path=Path(path),
        )

    return GroundTruth(keys, load, classes, source="supervision.DetectionDataset")
