"""YOLO export (Ultralytics layout): detection boxes or segmentation polygons.

Layout of a dataset root::

    data.yaml                  names, nc, and train/val/test image folders
    train/images/*.jpg         one folder pair per split
    train/labels/*.txt         one line per object, coordinates divided by W and H

A detection line is ``class cx cy w h``; a segmentation line is
``class x1 y1 x2 y2 ...``, one polygon per object (an object seen in several parts
has them joined along zero-width seams, as Ultralytics' COCO converter does).

Example:
    >>> from rf_notebook.datasets.scene import generate_sample
    >>> line = yolo_lines(generate_sample(0, 0), task="detect")[0]
    >>> len(line.split())
    5
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import yaml

from .core import Sample
from .polygons import merge_polygons
from .shapes import CLASS_NAMES

__all__ = ["YoloSplitWriter", "YoloTask", "data_yaml", "yolo_lines"]

YoloTask = Literal["detect", "segment"]


def yolo_lines(sample: Sample, *, task: YoloTask) -> list[str]:
    """Return the label lines of one sample.

    Args:
        sample: The generated sample.
        task: ``"detect"`` for boxes, ``"segment"`` for polygons.

    Returns:
        One line per object, coordinates normalised to ``[0, 1]`` with 6 decimals.

    Raises:
        ValueError: If ``task`` is not ``"detect"`` or ``"segment"``.

    Example:
        >>> from rf_notebook.datasets.scene import generate_sample
        >>> sample = generate_sample(0, 0)
        >>> len(yolo_lines(sample, task="segment")) == len(sample.objects)
        True
    """
    if task not in ("detect", "segment"):
        raise ValueError(f"task must be 'detect' or 'segment', got {task!r}")
    width, height = sample.width, sample.height
    lines = []
    for obj in sample.objects:
        if task == "detect":
            x1, y1, x2, y2 = obj.bbox
            values = [(x1 + x2) / 2 / width, (y1 + y2) / 2 / height]
            values += [(x2 - x1) / width, (y2 - y1) / height]
        else:
            polygon = merge_polygons(obj.polygons).astype(np.float64)
            values = (polygon / np.array([width, height])).reshape(-1).tolist()
        lines.append(" ".join([str(obj.class_id), *(f"{v:.6f}" for v in values)]))
    return lines


def data_yaml(splits: Mapping[str, str] | None = None) -> str:
    """Return the text of a ``data.yaml``.

    Args:
        splits: Image folder of each Ultralytics split key (``train``, ``val``,
            ``test``), relative to the file. ``None`` writes only the class names.

    Returns:
        YAML with the split folders, ``nc`` and ``names``.

    Example:
        >>> print(data_yaml({"train": "train/images"}))
        train: train/images
        nc: 4
        names:
        - circle
        - square
        - triangle
        - star
        <BLANKLINE>
    """
    document: dict[str, object] = dict(splits or {})
    document["nc"] = len(CLASS_NAMES)
    document["names"] = list(CLASS_NAMES)
    return str(yaml.safe_dump(document, sort_keys=False))


class YoloSplitWriter:
    """Write one split into ``<root>/<split>/images`` and ``<root>/<split>/labels``.

    Args:
        root: The dataset root (where ``data.yaml`` lives).
        split: The split folder name.
        task: ``"detect"`` or ``"segment"``.

    Example:
        >>> import tempfile
        >>> from rf_notebook.datasets.scene import generate_sample
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     writer = YoloSplitWriter(Path(tmp), "train", task="detect")
        ...     writer.add("a.jpg", generate_sample(0, 0), b"")
        ...     writer.close().name
        'labels'
    """

    def __init__(self, root: Path, split: str, *, task: YoloTask) -> None:
        self.images = root / split / "images"
        self.labels = root / split / "labels"
        self.task: YoloTask = task
        self.images.mkdir(parents=True, exist_ok=True)
        self.labels.mkdir(parents=True, exist_ok=True)

    def add(self, file_name: str, sample: Sample, jpeg: bytes) -> None:
        """Write the image and its label file.

        Args:
            file_name: Image file name.
            sample: The generated sample.
            jpeg: Encoded image bytes.
        """
        (self.images / file_name).write_bytes(jpeg)
        text = "".join(f"{line}\n" for line in yolo_lines(sample, task=self.task))
        (self.labels / f"{Path(file_name).stem}.txt").write_text(text, encoding="utf-8")

    def close(self) -> Path:
        """Finish the split (nothing is buffered).

        Returns:
            The labels folder.
        """
        return self.labels
