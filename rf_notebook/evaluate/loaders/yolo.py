"""YOLO ground truth: ``images/`` and ``labels/`` folders, class names from ``data.yaml``.

Each label line is ``class cx cy w h`` (a box) or ``class x1 y1 x2 y2 ...`` (a polygon,
for segmentation; its box is the polygon's extent), all relative to the image size,
which is read from the image header when an image is first asked for. An image without
a label file has no objects. A polygon's area is its shoelace area.

Accepted layouts: Roboflow's (``data.yaml`` beside ``train/ valid/ test/``, each with
``images/`` and ``labels/``), Ultralytics' (``images/<split>`` beside ``labels/<split>``),
or a folder of images whose sibling ``labels`` folder holds the labels.

Example:
    >>> gt = load_yolo("dataset", split="valid")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ..masks import Segment
from ..truth import AnnotationError, GroundTruth, ImageTruth
from .files import image_files, image_size

__all__ = ["load_yolo", "yolo_names"]

SPLITS = ("train", "valid", "val", "test")


def load_yolo(
    path: str | Path, *, split: str | None = None, classes: Sequence[str] | None = None
) -> GroundTruth:
    """Load YOLO detection or segmentation labels.

    Args:
        path: The dataset folder, its ``data.yaml``, or a folder of images.
        split: Which split, when the dataset has several (``"valid"``, ``"test"``, …).
        classes: Class names by id, when there is no ``data.yaml``.

    Returns:
        A :class:`GroundTruth` keyed by image file name.

    Raises:
        AnnotationError: No class names, a class id out of range, or a malformed line.
        ConfigError: Several splits and none chosen.

    Example:
        >>> load_yolo("dataset/data.yaml", split="test").classes  # doctest: +SKIP
    """
    path = Path(path)
    root = path.parent if path.is_file() else path
    names = (
        list(classes) if classes is not None else yolo_names(path if path.is_file() else None, root)
    )
    images_dir = _images_dir(root, split)
    labels_dir = _labels_dir(images_dir)
    files = {p.name: p for p in image_files(images_dir)}

    def load(key: str) -> ImageTruth:
        image = files[key]
        return _read(key, image, labels_dir / f"{image.stem}.txt", names)

    return GroundTruth(files, load, names, source=str(images_dir))


def yolo_names(yaml_path: Path | None, root: Path) -> list[str]:
    """Class names from ``data.yaml`` (``names`` as a list or ``{id: name}``).

    Example:
        >>> yolo_names(None, Path("dataset"))  # doctest: +SKIP
        ['circle', 'square']
    """
    candidates = (
        [yaml_path]
        if yaml_path
        else [root / "data.yaml", root.parent / "data.yaml", root.parent.parent / "data.yaml"]
    )
    found = next((p for p in candidates if p is not None and p.is_file()), None)
    if found is None:
        raise AnnotationError("no data.yaml with class names found; pass classes=[...]", str(root))
    try:
        doc = yaml.safe_load(found.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AnnotationError(f"cannot read: {error}", str(found)) from None
    names: Any = doc.get("names") if isinstance(doc, dict) else None
    if isinstance(names, dict):
        try:
            return [str(names[k]) for k in sorted(names, key=int)]
        except (TypeError, ValueError):
            raise AnnotationError("'names' keys must be class ids", str(found)) from None
    if isinstance(names, list):
        return [str(n) for n in names]
    raise AnnotationError("'names' must be a list or {id: name}", str(found))


def _images_dir(root: Path, split: str | None) -> Path:
    from ...errors import ConfigError

    options = [root / split / "images", root / "images" / split] if split else []
    options += [root] if root.name == "images" or (root.parent / "labels").is_dir() else []
    options += [root / "images"]
    for option in options:
        if option.is_dir() and image_files(option):
            return option
    present = [
        s for s in SPLITS if (root / s / "images").is_dir() or (root / "images" / s).is_dir()
    ]
    if split is None and len(present) == 1:
        return _images_dir(root, present[0])
    if split is None and present:
        raise ConfigError(f"{root} has splits {present}; choose one with split=")
    raise AnnotationError(f"no folder of images found (split={split!r})", str(root))


def _labels_dir(images_dir: Path) -> Path:
    parts = list(images_dir.parts)
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] == "images":
            return Path(*parts[:i], "labels", *parts[i + 1 :])
    return images_dir.parent / "labels"


def _read(key: str, image: Path, label: Path, names: list[str]) -> ImageTruth:
    width, height = image_size(image)
    boxes: list[list[float]] = []
    classes: list[str] = []
    areas: list[float] = []
    segments: list[Segment | None] = []
    lines = label.read_text(encoding="utf-8").splitlines() if label.is_file() else []
    for number, line in enumerate(lines, start=1):
        tokens = line.split()
        if not tokens:
            continue
        where = f"{label} line {number}"
        try:
            cls, values = float(tokens[0]), np.array(tokens[1:], dtype=np.float64)
        except ValueError:
            raise AnnotationError(f"not numbers: {line!r}", where) from None
        if cls != int(cls) or not 0 <= cls < len(names):
            raise AnnotationError(f"class id {tokens[0]} is not one of 0..{len(names) - 1}", where)
        if not np.isfinite(values).all() or len(values) < 4:
            raise AnnotationError(f"expected 'class cx cy w h' or a polygon, got {line!r}", where)
        if len(values) in (4, 5):
            cx, cy, w, h = values[:4] * [width, height, width, height]
            if w < 0 or h < 0:
                raise AnnotationError(f"negative box size in {line!r}", where)
            boxes.append([float(cx - w / 2), float(cy - h / 2), float(w), float(h)])
            areas.append(float(w * h))
            segments.append(None)
        else:
            xy = values[: len(values) // 2 * 2].reshape(-1, 2) * [width, height]
            low, high = xy.min(axis=0), xy.max(axis=0)
            boxes.append([*low.tolist(), *(high - low).tolist()])
            x, y = xy[:, 0], xy[:, 1]
            areas.append(0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))))
            segments.append([xy.ravel().tolist()])
        classes.append(names[int(cls)])
    return ImageTruth(
        key=key,
        width=width,
        height=height,
        boxes=np.array(boxes, dtype=np.float64).reshape(-1, 4),
        class_names=tuple(classes),
        area=np.array(areas, dtype=np.float64),
        segments=tuple(segments),
        path=image,
    )
