"""Predictions as pre-annotations: COCO JSON and YOLO text, boxes or polygons.

Coordinates are the API's: pixels of the original image, ``x``/``y`` the box center.
COCO boxes are ``[left, top, width, height]``; YOLO lines are ``class cx cy w h`` (or
``class x1 y1 x2 y2 ...`` for a polygon), normalised to 0–1. COCO category ids are
1-based in the order of ``classes``; YOLO ids are 0-based in the same order.

Example:
    >>> from rf_notebook.results import Detection
    >>> d = Detection(x=50, y=40, width=20, height=10, confidence=0.9, class_name="cat")
    >>> yolo_text([d], 100, 80, ["cat"])
    '0 0.500000 0.500000 0.200000 0.125000\\n'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..results import AnyResult, Detection, DetectionResult

__all__ = [
    "LabelImage",
    "coco_document",
    "data_yaml",
    "kept_predictions",
    "polygon_of",
    "yolo_text",
]


@dataclass(frozen=True)
class LabelImage:
    """One image of a labeling package.

    Attributes:
        file_name: The image's file name inside the package.
        width: Width in pixels.
        height: Height in pixels.
        detections: Its pre-annotations.
    """

    file_name: str
    width: int
    height: int
    detections: tuple[Detection, ...] = ()


def kept_predictions(result: AnyResult, threshold: float) -> tuple[Detection, ...]:
    """The boxes of a result at or above ``threshold`` (and in its class filter, if any).

    Example:
        >>> kept_predictions(result, 0.4)  # doctest: +SKIP
        (Detection(...), ...)
    """
    if not isinstance(result, DetectionResult):
        return ()
    wanted = result.class_filter
    return tuple(
        p
        for p in result.received
        if p.confidence >= threshold and (wanted is None or p.class_name in wanted)
    )


def polygon_of(p: Detection) -> np.ndarray | None:
    """A prediction's outline as an ``(n, 2)`` pixel array: its points, or its RLE traced.

    Example:
        >>> polygon_of(Detection(x=1, y=1, width=2, height=2, confidence=1, class_name="a"))
    """
    if p.points is not None and len(p.points) >= 3:
        return np.array([(v.x, v.y) for v in p.points], dtype=np.float64)
    if p.rle is not None:
        import supervision as sv

        from ..results.convert import decode_rle

        polygons = sv.mask_to_polygons(decode_rle(p.rle))
        if polygons:
            largest = max(polygons, key=len)
            return np.asarray(largest, dtype=np.float64).reshape(-1, 2)
    return None


def _polygon_area(polygon: np.ndarray) -> float:
    x, y = polygon[:, 0], polygon[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _coco_annotation(p: Detection, image_id: int, category: int, ann_id: int) -> dict[str, Any]:
    x1, y1, x2, y2 = p.xyxy
    polygon = polygon_of(p)
    bbox = [round(x1, 2), round(y1, 2), round(x2 - x1, 2), round(y2 - y1, 2)]
    segmentation = [] if polygon is None else [np.round(polygon, 2).ravel().tolist()]
    area = p.area if polygon is None else _polygon_area(polygon)
    return {
        "id": ann_id,
        "image_id": image_id,
        "category_id": category,
        "bbox": bbox,
        "area": round(area, 2),
        "segmentation": segmentation,
        "iscrowd": 0,
        "score": round(p.confidence, 4),
    }


def coco_document(images: Sequence[LabelImage], classes: Sequence[str]) -> dict[str, Any]:
    """A COCO detection document for the images, predictions included as annotations.

    Each annotation carries the model's ``score``, which COCO tools ignore in ground truth.

    Example:
        >>> doc = coco_document([LabelImage("a.jpg", 100, 80, (d,))], ["cat"])  # doctest: +SKIP
        >>> doc["annotations"][0]["bbox"]  # doctest: +SKIP
        [40.0, 35.0, 20.0, 10.0]
    """
    ids = {name: i + 1 for i, name in enumerate(classes)}
    out_images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for image_id, image in enumerate(images, start=1):
        out_images.append(
            {
                "id": image_id,
                "file_name": image.file_name,
                "width": image.width,
                "height": image.height,
            }
        )
        for p in image.detections:
            annotations.append(
                _coco_annotation(p, image_id, ids[p.class_name], len(annotations) + 1)
            )
    return {
        "info": {"description": "Pre-annotations from model predictions (rf-notebook)"},
        "licenses": [],
        "categories": [{"id": i, "name": name, "supercategory": "none"} for name, i in ids.items()],
        "images": out_images,
        "annotations": annotations,
    }


def yolo_text(
    detections: Sequence[Detection], width: int, height: int, classes: Sequence[str]
) -> str:
    """YOLO label lines for one image: boxes, or polygons where a prediction has one.

    Example:
        >>> yolo_text([], 100, 80, ["cat"])
        ''
    """
    ids = {name: i for i, name in enumerate(classes)}
    lines = []
    size = np.array([width, height], dtype=np.float64)
    for p in detections:
        polygon = polygon_of(p)
        if polygon is not None:
            coords = np.clip(polygon / size, 0, 1).ravel()
            lines.append(f"{ids[p.class_name]} " + " ".join(f"{v:.6f}" for v in coords))
            continue
        x1, y1, x2, y2 = np.clip(np.array(p.xyxy) / np.tile(size, 2), 0, 1)
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
        lines.append(f"{ids[p.class_name]} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}")
    return "".join(line + "\n" for line in lines)


def data_yaml(classes: Sequence[str], images: str = "images") -> str:
    """A YOLO ``data.yaml`` whose train and val sets are the package's images folder.

    Names are written as JSON strings, which YAML reads unchanged.

    Example:
        >>> print(data_yaml(["cat", "dog"]).splitlines()[-1])
          1: "dog"
    """
    names = "".join(f"  {i}: {json.dumps(name)}\n" for i, name in enumerate(classes))
    return (
        "# Model predictions as pre-annotations, written by rf-notebook: correct, then train.\n"
        f"train: {images}\nval: {images}\nnc: {len(classes)}\nnames:\n{names}"
    )
