"""COCO JSON ground truth, including Roboflow exports.

Boxes stay float64 ``[x, y, w, h]`` as written, the ``area`` field is kept (COCO's
size ranges use it), and polygons/RLE stay raw until a mask is needed. Images are ordered
by id, annotations by file order, as pycocotools does.

Roboflow exports list an unannotated super-category (id 0, like ``"shapes"``) above the
real classes; a category that no annotation uses and that other categories name as their
``supercategory`` is dropped, and :attr:`GroundTruth.notes` says so.

Example:
    >>> gt = load_coco("valid/_annotations.coco.json")  # doctest: +SKIP
    >>> gt.classes  # doctest: +SKIP
    ('circle', 'square', 'star', 'triangle')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ..masks import Segment
from ..truth import AnnotationError, GroundTruth, ImageTruth

__all__ = ["load_coco"]


def load_coco(path: str | Path, *, images_dir: str | Path | None = None) -> GroundTruth:
    """Load a COCO ``instances`` JSON file.

    Args:
        path: The JSON file.
        images_dir: Where the images are (for ``ImageTruth.path``); default the JSON's folder.

    Returns:
        A :class:`GroundTruth` keyed by each image's ``file_name``.

    Raises:
        AnnotationError: Missing sections, unknown image or category ids, duplicate class
            names, or a negative or NaN box or size.

    Example:
        >>> load_coco("instances_val.json").classes[:2]  # doctest: +SKIP
        ('person', 'bicycle')
    """
    path = Path(path)
    where = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise AnnotationError(f"cannot read COCO JSON: {error}", where) from None
    if not isinstance(doc, dict) or not all(
        isinstance(doc.get(k), list) for k in ("images", "categories")
    ):
        raise AnnotationError("a COCO file needs 'images' and 'categories' lists", where)
    annotations = doc.get("annotations", [])
    categories, notes = _categories(doc["categories"], annotations, where)
    images: dict[Any, Mapping[str, Any]] = {}
    for i, image in enumerate(doc["images"]):
        if not isinstance(image, dict) or "id" not in image or "file_name" not in image:
            raise AnnotationError("each image needs 'id' and 'file_name'", f"{where} images[{i}]")
        images[image["id"]] = image
    grouped: dict[Any, list[Mapping[str, Any]]] = {i: [] for i in images}
    for i, ann in enumerate(annotations):
        at = f"{where} annotations[{i}]"
        if not isinstance(ann, dict) or ann.get("image_id") not in grouped:
            raise AnnotationError(f"unknown image_id {_get(ann, 'image_id')!r}", at)
        if ann.get("category_id") not in categories:
            raise AnnotationError(f"unknown category_id {_get(ann, 'category_id')!r}", at)
        grouped[ann["image_id"]].append(ann)
    folder = Path(images_dir) if images_dir is not None else path.parent
    order = sorted(images, key=_id_order)
    keys = {
        PurePosixPath(str(images[i]["file_name"]).replace("\\", "/")).as_posix(): i for i in order
    }
    if len(keys) != len(order):
        raise AnnotationError("two images share a file_name", where)

    def load(key: str) -> ImageTruth:
        image = images[keys[key]]
        return _image(key, image, grouped[keys[key]], categories, folder / key, where)

    return GroundTruth(
        keys, load, list(dict.fromkeys(categories.values())), source=where, notes=notes
    )


def _get(ann: Any, key: str) -> Any:
    return ann.get(key) if isinstance(ann, dict) else None


def _id_order(image_id: Any) -> tuple[int, Any]:
    return (0, image_id) if isinstance(image_id, (int, float)) else (1, str(image_id))


def _categories(
    raw: list[Any], annotations: list[Any], where: str
) -> tuple[dict[Any, str], list[str]]:
    used = {a.get("category_id") for a in annotations if isinstance(a, dict)}
    names: dict[Any, str] = {}
    for i, cat in enumerate(raw):
        if not isinstance(cat, dict) or "id" not in cat or "name" not in cat:
            raise AnnotationError("each category needs 'id' and 'name'", f"{where} categories[{i}]")
        names[cat["id"]] = str(cat["name"])
    parents = {str(c.get("supercategory")) for c in raw if c.get("name") != c.get("supercategory")}
    notes = []
    for cid, name in list(names.items()):
        if cid not in used and name in parents:
            del names[cid]
            notes.append(
                f"category {cid} {name!r} is a super-category with no annotations; dropped"
            )
    seen: dict[str, Any] = {}
    for cid, name in sorted(names.items(), key=lambda kv: _id_order(kv[0])):
        if name in seen:
            raise AnnotationError(
                f"categories {seen[name]} and {cid} are both named {name!r}", where
            )
        seen[name] = cid
    return {cid: names[cid] for cid in seen.values()}, notes


def _image(
    key: str,
    image: Mapping[str, Any],
    anns: list[Mapping[str, Any]],
    categories: Mapping[Any, str],
    path: Path,
    where: str,
) -> ImageTruth:
    at = f"{where} image {key!r}"
    try:
        boxes = np.array([a["bbox"] for a in anns], dtype=np.float64).reshape(-1, 4)
        area = np.array(
            [a["area"] if a.get("area") is not None else a["bbox"][2] * a["bbox"][3] for a in anns],
            dtype=np.float64,
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise AnnotationError(
            f"each annotation needs a 'bbox' of 4 numbers ({error})", at
        ) from None
    return ImageTruth(
        key=key,
        width=_size(image.get("width"), "width", at),
        height=_size(image.get("height"), "height", at),
        boxes=boxes,
        class_names=tuple(categories[a["category_id"]] for a in anns),
        iscrowd=np.array([bool(a.get("iscrowd", 0)) for a in anns], dtype=bool),
        area=area,
        segments=tuple(_segment(a.get("segmentation")) for a in anns),
        path=path,
    )


def _size(value: Any, name: str, where: str) -> int | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AnnotationError(f"{name} must be a number, got {value!r}", where) from None
    if not number > 0 or number != number:
        raise AnnotationError(f"{name} must be a positive number, got {value!r}", where)
    return round(number)


def _segment(raw: Any) -> Segment | None:
    if isinstance(raw, dict) and "counts" in raw and "size" in raw:
        return dict(raw)
    if isinstance(raw, list) and raw:
        polygons = raw if isinstance(raw[0], list) else [raw]
        kept = [list(map(float, p)) for p in polygons if isinstance(p, list) and len(p) >= 2]
        return kept or None
    return None
