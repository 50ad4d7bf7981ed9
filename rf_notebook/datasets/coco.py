"""COCO JSON export: detection boxes and segmentation polygons in one file per split.

Category ids are ``class_id + 1`` (1–4), as the COCO format and supervision's
own exporter use, so ``sv.DetectionDataset.from_coco`` gives back class ids 0–3 in
:data:`CLASS_NAMES` order. With ``roboflow_supercategory=True`` the file also
lists, as Roboflow's exports do, an unannotated super-category ``"shapes"`` at id
0; supervision then reads five classes, ``"shapes"`` first, and every class id
comes back one higher.

Image and annotation ids start at 1 (``pycocotools``' evaluator treats an
annotation id of 0 as "unmatched").

Example:
    >>> from rf_notebook.datasets.scene import generate_sample
    >>> entries = coco_annotations(generate_sample(0, 0), image_id=1, first_id=1)
    >>> sorted(entries[0])
    ['area', 'bbox', 'category_id', 'id', 'image_id', 'iscrowd', 'segmentation']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .core import Sample
from .shapes import CLASS_NAMES

__all__ = [
    "COCO_ANNOTATIONS_NAME",
    "SUPERCATEGORY",
    "CocoSplitWriter",
    "coco_annotations",
    "coco_categories",
    "coco_document",
    "coco_image",
]

#: File name of a split's annotations, as in Roboflow's COCO downloads.
COCO_ANNOTATIONS_NAME = "_annotations.coco.json"
#: Name of the super-category every class belongs to.
SUPERCATEGORY = "shapes"

CocoDict = dict[str, Any]


def coco_categories(*, roboflow_supercategory: bool = False) -> list[CocoDict]:
    """Return the ``categories`` list.

    Args:
        roboflow_supercategory: Also list the super-category at id 0, as Roboflow does.

    Returns:
        Category dicts with ``id``, ``name`` and ``supercategory``.

    Example:
        >>> [c["id"] for c in coco_categories(roboflow_supercategory=True)]
        [0, 1, 2, 3, 4]
    """
    categories = [
        {"id": class_id + 1, "name": name, "supercategory": SUPERCATEGORY}
        for class_id, name in enumerate(CLASS_NAMES)
    ]
    if roboflow_supercategory:
        categories.insert(0, {"id": 0, "name": SUPERCATEGORY, "supercategory": "none"})
    return categories


def coco_image(sample: Sample, image_id: int, file_name: str) -> CocoDict:
    """Return the ``images`` entry of one sample.

    Args:
        sample: The generated sample.
        image_id: Its COCO image id.
        file_name: Image file name, relative to the images folder.

    Returns:
        A dict with ``id``, ``file_name``, ``width``, ``height`` and, as an extra
        key that COCO readers ignore, ``hard_cases``.

    Example:
        >>> from rf_notebook.datasets.scene import generate_sample
        >>> coco_image(generate_sample(0, 0), 1, "a.jpg")["width"]
        320
    """
    return {
        "id": image_id,
        "file_name": file_name,
        "width": sample.width,
        "height": sample.height,
        "hard_cases": list(sample.hard_cases),
    }


def coco_annotations(sample: Sample, image_id: int, first_id: int) -> list[CocoDict]:
    """Return the ``annotations`` entries of one sample.

    Args:
        sample: The generated sample.
        image_id: Its COCO image id.
        first_id: Id of its first annotation; the others follow on.

    Returns:
        One dict per object: ``bbox`` ``[x, y, w, h]`` (the visible mask's exact
        extent), ``area`` (visible pixels), ``segmentation`` (one flat polygon per
        visible part), ``category_id`` and ``iscrowd=0``.

    Example:
        >>> from rf_notebook.datasets.scene import generate_sample
        >>> sample = generate_sample(0, 0)
        >>> len(coco_annotations(sample, 1, 1)) == len(sample.objects)
        True
    """
    entries = []
    for offset, obj in enumerate(sample.objects):
        x1, y1, x2, y2 = obj.bbox
        entries.append(
            {
                "id": first_id + offset,
                "image_id": image_id,
                "category_id": obj.class_id + 1,
                "bbox": [x1, y1, x2 - x1, y2 - y1],
                "area": obj.area,
                "segmentation": [polygon.reshape(-1).tolist() for polygon in obj.polygons],
                "iscrowd": 0,
            }
        )
    return entries


def coco_document(
    images: list[CocoDict], annotations: list[CocoDict], *, roboflow_supercategory: bool = False
) -> CocoDict:
    """Assemble a COCO document.

    Args:
        images: ``images`` entries.
        annotations: ``annotations`` entries.
        roboflow_supercategory: See :func:`coco_categories`.

    Returns:
        The document with ``info``, ``licenses``, ``categories``, ``images`` and
        ``annotations``.

    Example:
        >>> sorted(coco_document([], []))
        ['annotations', 'categories', 'images', 'info', 'licenses']
    """
    return {
        "info": {
            "description": "rf-notebook synthetic shapes",
            "url": "https://github.com/rf-notebook/rf-notebook",
            "version": "1",
        },
        "licenses": [{"id": 1, "name": "CC0 1.0", "url": ""}],
        "categories": coco_categories(roboflow_supercategory=roboflow_supercategory),
        "images": images,
        "annotations": annotations,
    }


class CocoSplitWriter:
    """Write one split as Roboflow does: images and ``_annotations.coco.json`` together.

    Args:
        directory: The split folder, created if missing.
        roboflow_supercategory: See :func:`coco_categories`.

    Example:
        >>> import tempfile
        >>> from rf_notebook.datasets.scene import generate_sample
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     writer = CocoSplitWriter(Path(tmp))
        ...     writer.add("a.jpg", generate_sample(0, 0), b"")
        ...     writer.close().name
        '_annotations.coco.json'
    """

    def __init__(self, directory: Path, *, roboflow_supercategory: bool = False) -> None:
        self.directory = directory
        self.roboflow_supercategory = roboflow_supercategory
        self._images: list[CocoDict] = []
        self._annotations: list[CocoDict] = []
        directory.mkdir(parents=True, exist_ok=True)

    def add(self, file_name: str, sample: Sample, jpeg: bytes) -> None:
        """Write the image file and remember its annotations.

        Args:
            file_name: Image file name.
            sample: The generated sample.
            jpeg: Encoded image bytes.
        """
        (self.directory / file_name).write_bytes(jpeg)
        image_id = len(self._images) + 1
        self._images.append(coco_image(sample, image_id, file_name))
        first_id = len(self._annotations) + 1
        self._annotations.extend(coco_annotations(sample, image_id, first_id))

    def close(self) -> Path:
        """Write the annotations file.

        Returns:
            Its path.
        """
        document = coco_document(
            self._images, self._annotations, roboflow_supercategory=self.roboflow_supercategory
        )
        path = self.directory / COCO_ANNOTATIONS_NAME
        path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
        return path
