"""Find the sample set that ships inside the package.

Example:
    >>> len(sample_images())
    48
    >>> sample_coco_path().name
    'annotations.coco.json'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import supervision as sv

__all__ = [
    "load_sample_dataset",
    "sample_classification_labels",
    "sample_coco_path",
    "sample_data_yaml_path",
    "sample_dir",
    "sample_images",
    "sample_voc_dir",
    "sample_yolo_labels_dir",
]

SampleFormat = Literal["coco", "yolo", "yolo-seg", "voc"]


def sample_dir() -> Path:
    """Return the folder of the shipped sample set.

    Returns:
        The ``sample`` folder inside the installed package.

    Example:
        >>> (sample_dir() / "README.md").is_file()
        True
    """
    return Path(__file__).resolve().with_name("sample")


def sample_images() -> list[Path]:
    """Return the sample images, sorted by name.

    Returns:
        Paths of the JPEG files.

    Example:
        >>> sample_images()[0].name
        'sample-000.jpg'
    """
    return sorted((sample_dir() / "images").glob("*.jpg"))


def sample_coco_path() -> Path:
    """Return the sample's COCO annotations (boxes and polygons, category ids 1–4).

    Returns:
        Path of ``annotations.coco.json``; its images are in ``images/``.

    Example:
        >>> sample_coco_path().is_file()
        True
    """
    return sample_dir() / "annotations.coco.json"


def sample_yolo_labels_dir(task: Literal["detect", "segment"] = "detect") -> Path:
    """Return the folder of the sample's YOLO label files.

    Args:
        task: ``"detect"`` for boxes, ``"segment"`` for polygons.

    Returns:
        ``labels/`` or ``labels-seg/``.

    Example:
        >>> sample_yolo_labels_dir("segment").name
        'labels-seg'
    """
    return sample_dir() / ("labels" if task == "detect" else "labels-seg")


def sample_data_yaml_path() -> Path:
    """Return the sample's YOLO ``data.yaml`` (class names).

    Returns:
        Path of ``data.yaml``.

    Example:
        >>> sample_data_yaml_path().name
        'data.yaml'
    """
    return sample_dir() / "data.yaml"


def sample_voc_dir() -> Path:
    """Return the folder of the sample's Pascal VOC XML files.

    Returns:
        ``voc/``.

    Example:
        >>> len(list(sample_voc_dir().glob("*.xml")))
        48
    """
    return sample_dir() / "voc"


def sample_classification_labels() -> list[dict[str, Any]]:
    """Return each sample image's classification labels.

    Returns:
        One dict per image with ``filename``, ``dominant`` (single-label class),
        ``present`` (multi-label classes), ``n_objects``, ``hard_cases`` and size.

    Example:
        >>> sample_classification_labels()[0]["filename"]
        'sample-000.jpg'
    """
    path = sample_dir() / "classification.json"
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return records


def load_sample_dataset(fmt: SampleFormat = "coco") -> sv.DetectionDataset:
    """Load the sample set with supervision from one of its annotation formats.

    Args:
        fmt: ``"coco"`` (boxes and masks), ``"yolo"``, ``"yolo-seg"`` or ``"voc"``.

    Returns:
        The dataset; class ids follow ``CLASS_NAMES`` for every format but
        ``"voc"``, whose classes supervision orders by first appearance.

    Raises:
        ValueError: On an unknown format.

    Example:
        >>> load_sample_dataset("yolo").classes
        ['circle', 'square', 'triangle', 'star']
    """
    import supervision as sv

    images = str(sample_dir() / "images")
    if fmt == "coco":
        return sv.DetectionDataset.from_coco(images, str(sample_coco_path()))
    if fmt in ("yolo", "yolo-seg"):
        labels = sample_yolo_labels_dir("detect" if fmt == "yolo" else "segment")
        return sv.DetectionDataset.from_yolo(images, str(labels), str(sample_data_yaml_path()))
    if fmt == "voc":
        return sv.DetectionDataset.from_pascal_voc(images, str(sample_voc_dir()))
    raise ValueError(f"unknown sample format {fmt!r}; use coco, yolo, yolo-seg or voc")


def copy_sample(destination: str | Path = "shapes-sample") -> Path:
    """Copy the sample set (images and every annotation format) to a folder of your own.

    Notebooks work on the copy, so paths in their outputs stay short and relative.

    Args:
        destination: Where to put it; an existing copy is left as it is.

    Returns:
        The folder, with ``images/``, ``annotations.coco.json``, ``labels/``, ``voc/`` …

    Example:
        >>> folder = copy_sample("shapes-sample")  # doctest: +SKIP
        >>> len(list((folder / "images").glob("*.jpg")))  # doctest: +SKIP
        48
    """
    import shutil

    target = Path(destination)
    if not (target / "images").is_dir():
        shutil.copytree(sample_dir(), target, dirs_exist_ok=True)
    return target
