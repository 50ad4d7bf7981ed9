"""Classification ground truth: a folder per class, or Roboflow's multi-label CSV.

Example:
    >>> load_class_folders("dataset/valid").classes  # doctest: +SKIP
    ('ripe', 'unripe')
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..truth import AnnotationError, GroundTruth, ImageTruth
from .files import image_files

__all__ = ["load_class_folders", "load_multilabel_csv"]


def load_class_folders(path: str | Path) -> GroundTruth:
    """Single-label ground truth from ``path/<class name>/<image>`` folders.

    Keys are ``"<class>/<file name>"``; predictions still join on the file name alone.

    Example:
        >>> gt = load_class_folders("dataset/valid")  # doctest: +SKIP
    """
    root = Path(path)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    images: list[ImageTruth] = []
    for folder in folders:
        for image in image_files(folder):
            key = f"{folder.name}/{image.name}"
            images.append(ImageTruth(key, labels=(folder.name,), path=image))
    if not images:
        raise AnnotationError("no class folders with images found", str(root))
    table = {i.key: i for i in images}
    return GroundTruth(table, table.__getitem__, [f.name for f in folders], source=str(root))


def load_multilabel_csv(path: str | Path, *, images_dir: str | Path | None = None) -> GroundTruth:
    """Multi-label ground truth from a CSV: ``filename`` then one 0/1 column per class.

    This is Roboflow's ``_classes.csv`` export (its class headers start with a space,
    which is ignored).

    Example:
        >>> gt = load_multilabel_csv("dataset/valid/_classes.csv")  # doctest: +SKIP
    """
    path = Path(path)
    folder = Path(images_dir) if images_dir is not None else path.parent
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise AnnotationError(f"cannot read: {error}", str(path)) from None
    if not rows or len(rows[0]) < 2:
        raise AnnotationError("expected a header 'filename, class, class, ...'", str(path))
    classes = [c.strip() for c in rows[0][1:]]
    images: list[ImageTruth] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(classes) + 1 or any(v.strip() not in ("0", "1") for v in row[1:]):
            raise AnnotationError(
                f"expected a file name then {len(classes)} 0/1 values", f"{path} line {number}"
            )
        labels = tuple(c for c, v in zip(classes, row[1:], strict=True) if v.strip() == "1")
        name = row[0].strip()
        images.append(ImageTruth(name, labels=labels, path=folder / name))
    table = {i.key: i for i in images}
    if len(table) != len(images):
        raise AnnotationError("an image is listed twice", str(path))
    return GroundTruth(table, table.__getitem__, classes, source=str(path))
