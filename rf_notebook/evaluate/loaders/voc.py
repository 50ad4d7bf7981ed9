"""Pascal VOC XML ground truth: one ``.xml`` per image.

``<bndbox>`` holds 1-based, inclusive pixel indices (the VOC devkit convention, which
supervision also reads), so ``x1 = xmin - 1`` and ``x2 = xmax``. ``<size>`` gives the
image size; without it the image header is read. Objects marked ``<difficult>`` are
evaluated like any other, and :attr:`GroundTruth.notes` counts them. Class names are
those found, in first-seen order, unless ``classes`` is given.

Example:
    >>> gt = load_voc("VOC2012/Annotations", images_dir="VOC2012/JPEGImages")  # doctest: +SKIP
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..truth import AnnotationError, GroundTruth, ImageTruth
from .files import IMAGE_SUFFIXES, image_size

__all__ = ["load_voc"]


def load_voc(
    path: str | Path,
    *,
    images_dir: str | Path | None = None,
    classes: Sequence[str] | None = None,
) -> GroundTruth:
    """Load a folder of Pascal VOC ``.xml`` files (or a VOC root with ``Annotations/``).

    Args:
        path: The folder of XML files, or a root holding ``Annotations/``.
        images_dir: Where the images are; default ``JPEGImages/`` beside the
            annotations if it exists, else the annotations' folder.
        classes: Class names in order; default the names found.

    Returns:
        A :class:`GroundTruth` keyed by ``<filename>`` (else the XML's stem plus the
        image's suffix found on disk).

    Raises:
        AnnotationError: Unreadable XML, a missing or non-numeric box, a negative size.

    Example:
        >>> load_voc("valid").classes  # doctest: +SKIP
    """
    folder = Path(path)
    if (folder / "Annotations").is_dir():
        folder = folder / "Annotations"
    images = Path(images_dir) if images_dir is not None else folder.parent / "JPEGImages"
    if images_dir is None and not images.is_dir():
        images = folder
    files = sorted(folder.glob("*.xml"))
    if not files:
        raise AnnotationError("no .xml files found", str(folder))
    truths = [_read(f, images) for f in files]
    found = list(dict.fromkeys(n for t in truths for n in t.class_names))
    names = list(classes) if classes is not None else found
    unknown = sorted(set(found) - set(names))
    if unknown:
        raise AnnotationError(f"classes {unknown} are not in classes=", str(folder))
    difficult = sum(t.difficult for t in truths)
    notes = [f"{difficult} object(s) marked difficult are evaluated as usual"] if difficult else []
    table = {t.image.key: t.image for t in truths}
    if len(table) != len(truths):
        raise AnnotationError("two XML files name the same image", str(folder))
    return GroundTruth(table, table.__getitem__, names, source=str(folder), notes=notes)


class _Read:
    def __init__(self, image: ImageTruth, difficult: int) -> None:
        self.image = image
        self.difficult = difficult
        self.class_names = image.class_names


def _read(xml: Path, images: Path) -> _Read:
    where = str(xml)
    try:
        root = ET.parse(xml).getroot()
    except (ET.ParseError, OSError) as error:
        raise AnnotationError(f"cannot read XML: {error}", where) from None
    name = (root.findtext("filename") or "").strip() or _find_image(xml.stem, images)
    image_path = images / name
    width, height = _number(root, "size/width", where), _number(root, "size/height", where)
    if (width is None or height is None or width <= 0 or height <= 0) and image_path.is_file():
        width, height = image_size(image_path)
    boxes, classes, difficult = [], [], 0
    for i, obj in enumerate(root.findall("object")):
        at = f"{where} object {i}"
        cls = (obj.findtext("name") or "").strip()
        if not cls:
            raise AnnotationError("an object without <name>", at)
        corners = [_number(obj, f"bndbox/{tag}", at) for tag in ("xmin", "ymin", "xmax", "ymax")]
        if any(c is None for c in corners):
            raise AnnotationError("an object needs <bndbox> with xmin, ymin, xmax, ymax", at)
        x1, y1, x2, y2 = (float(c) for c in corners if c is not None)
        boxes.append([x1 - 1, y1 - 1, x2 - x1 + 1, y2 - y1 + 1])
        classes.append(cls)
        difficult += (obj.findtext("difficult") or "0").strip() == "1"
    truth = ImageTruth(
        key=name,
        width=None if width is None else round(width),
        height=None if height is None else round(height),
        boxes=np.array(boxes, dtype=np.float64).reshape(-1, 4),
        class_names=tuple(classes),
        path=image_path,
    )
    return _Read(truth, difficult)


def _number(node: ET.Element, tag: str, where: str) -> float | None:
    text = node.findtext(tag)
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise AnnotationError(f"<{tag}> is not a number: {text!r}", where) from None


def _find_image(stem: str, images: Path) -> str:
    for suffix in sorted(IMAGE_SUFFIXES):
        if (images / f"{stem}{suffix}").is_file():
            return f"{stem}{suffix}"
    return f"{stem}.jpg"
