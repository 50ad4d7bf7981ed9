"""Ground-truth loaders, and :func:`load_ground_truth`, which recognises the layout.

Recognised, in a dataset folder or one of its splits (``train/ valid/ test/``): COCO
(a ``*.json`` with ``images`` and ``categories``, like Roboflow's
``_annotations.coco.json``), YOLO (``data.yaml``, ``images/`` + ``labels/``), Pascal VOC
(``*.xml``), Roboflow's multi-label ``_classes.csv``, and a folder per class. These are
also the layouts of the local server's datasets.

Example:
    >>> gt = load_ground_truth("dataset", split="valid")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import ConfigError
from ..truth import AnnotationError, GroundTruth
from .coco import load_coco
from .files import image_files
from .labels import load_class_folders, load_multilabel_csv
from .supervision import from_supervision
from .voc import load_voc
from .yolo import SPLITS, load_yolo

__all__ = [
    "from_supervision",
    "load_class_folders",
    "load_coco",
    "load_ground_truth",
    "load_multilabel_csv",
    "load_voc",
    "load_yolo",
]


def load_ground_truth(path: str | Path, *, split: str | None = None) -> GroundTruth:
    """Load ground truth from a file or folder, recognising its format.

    Args:
        path: A COCO ``.json``, a YOLO ``data.yaml``, a ``.csv`` of labels, or a folder:
            a dataset root (choose ``split`` if it has several) or one split's folder.
        split: ``"train"``, ``"valid"``/``"val"`` or ``"test"``.

    Returns:
        A :class:`GroundTruth`.

    Raises:
        ConfigError: The path does not exist, or several splits and none chosen.
        AnnotationError: No known layout, or a malformed annotation.

    Example:
        >>> load_ground_truth("dataset/valid/_annotations.coco.json")  # doctest: +SKIP
        GroundTruth(48 images, 4 classes, from '...')
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path} does not exist")
    if path.is_file():
        suffix = path.suffix.lower()
        if suffix == ".json":
            return load_coco(path)
        if suffix in (".yaml", ".yml"):
            return load_yolo(path, split=split)
        if suffix == ".csv":
            return load_multilabel_csv(path)
        if suffix == ".xml":
            return load_voc(path.parent)
        raise AnnotationError("not a COCO .json, YOLO .yaml, label .csv or VOC .xml", str(path))
    if (path / "data.yaml").is_file() or (path / "labels").is_dir():
        return load_yolo(path, split=split)
    if split is not None and (path / split).is_dir():
        return load_ground_truth(path / split)
    found = _in_folder(path)
    if found is not None:
        return found
    present = [s for s in SPLITS if (path / s).is_dir()]
    if len(present) == 1:
        return load_ground_truth(path / present[0])
    if present:
        raise ConfigError(f"{path} has splits {present}; choose one with split=")
    raise AnnotationError(
        "no COCO JSON, YOLO data.yaml, VOC XML, _classes.csv or class folders found", str(path)
    )


def _in_folder(path: Path) -> GroundTruth | None:
    coco = [
        p
        for p in sorted(path.glob("*.json")) + sorted(path.glob("annotations/*.json"))
        if _is_coco(p)
    ]
    if len(coco) > 1:
        raise ConfigError(f"{path} has several COCO files {[p.name for p in coco]}; pass one")
    if coco:
        images = path if coco[0].parent == path else None
        return load_coco(coco[0], images_dir=images)
    if (path / "_classes.csv").is_file():
        return load_multilabel_csv(path / "_classes.csv")
    if any(path.glob("*.xml")) or (path / "Annotations").is_dir():
        return load_voc(path)
    subfolders = [p for p in path.iterdir() if p.is_dir() and p.name not in SPLITS]
    if subfolders and all(image_files(p) for p in subfolders) and not image_files(path):
        return load_class_folders(path)
    return None


def _is_coco(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return False
    if '"images"' not in head and '"categories"' not in head:
        return False
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return isinstance(doc, dict) and isinstance(doc.get("images"), list)
