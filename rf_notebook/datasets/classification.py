"""Classification exports: single-label folders, a multi-label CSV, and label records.

- Single-label (the dominant shape): ``<split>/<class name>/<image>.jpg``, with a
  folder for every class even when empty, as ``sv.ClassificationDataset
  .from_folder_structure`` expects. Note that it numbers classes in *alphabetical*
  folder order (circle, square, star, triangle), not :data:`CLASS_NAMES` order.
- Multi-label (the shapes present): ``<split>/<image>.jpg`` plus ``_classes.csv``
  with a ``filename`` column and one 0/1 column per class, as in Roboflow's
  multi-label CSV downloads.
- :func:`label_record`: one JSON-ready dict per image with both labels.

Example:
    >>> from rf_notebook.datasets.scene import generate_sample
    >>> label_record(generate_sample(0, 0), "a.jpg")["dominant"] in CLASS_NAMES
    True
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from .core import Sample
from .shapes import CLASS_NAMES

__all__ = [
    "MULTILABEL_CSV_NAME",
    "ClassificationSplitWriter",
    "MultilabelSplitWriter",
    "label_record",
]

#: File name of a split's multi-label table, as in Roboflow's CSV downloads.
MULTILABEL_CSV_NAME = "_classes.csv"


def label_record(sample: Sample, file_name: str) -> dict[str, Any]:
    """Return the classification labels and summary of one image.

    Args:
        sample: The generated sample.
        file_name: The image file name.

    Returns:
        ``filename``, ``width``, ``height``, ``dominant`` (class name), ``present``
        (class names, in class-id order), ``n_objects`` and ``hard_cases``.

    Example:
        >>> from rf_notebook.datasets.scene import generate_sample
        >>> sorted(label_record(generate_sample(0, 0), "a.jpg"))[:3]
        ['dominant', 'filename', 'hard_cases']
    """
    return {
        "filename": file_name,
        "width": sample.width,
        "height": sample.height,
        "dominant": sample.dominant_class_name,
        "present": list(sample.present_class_names),
        "n_objects": len(sample.objects),
        "hard_cases": list(sample.hard_cases),
    }


class ClassificationSplitWriter:
    """Write one split as ``<directory>/<dominant class>/<image>``.

    Args:
        directory: The split folder; a sub-folder per class is created.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     sorted(p.name for p in ClassificationSplitWriter(Path(tmp)).close().iterdir())
        ['circle', 'square', 'star', 'triangle']
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        for name in CLASS_NAMES:
            (directory / name).mkdir(parents=True, exist_ok=True)

    def add(self, file_name: str, sample: Sample, jpeg: bytes) -> None:
        """Write the image into its dominant class's folder.

        Args:
            file_name: Image file name.
            sample: The generated sample.
            jpeg: Encoded image bytes.
        """
        (self.directory / sample.dominant_class_name / file_name).write_bytes(jpeg)

    def close(self) -> Path:
        """Finish the split (nothing is buffered).

        Returns:
            The split folder.
        """
        return self.directory


class MultilabelSplitWriter:
    """Write one split as images plus a one-hot ``_classes.csv``.

    Args:
        directory: The split folder, created if missing.

    Example:
        >>> import tempfile
        >>> from rf_notebook.datasets.scene import generate_sample
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     writer = MultilabelSplitWriter(Path(tmp))
        ...     writer.add("a.jpg", generate_sample(0, 0), b"")
        ...     writer.close().read_text().splitlines()[0]
        'filename,circle,square,triangle,star'
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._rows: list[list[str]] = []
        directory.mkdir(parents=True, exist_ok=True)

    def add(self, file_name: str, sample: Sample, jpeg: bytes) -> None:
        """Write the image and remember its row.

        Args:
            file_name: Image file name.
            sample: The generated sample.
            jpeg: Encoded image bytes.
        """
        (self.directory / file_name).write_bytes(jpeg)
        present = set(sample.present_class_ids)
        self._rows.append(
            [file_name, *("1" if i in present else "0" for i in range(len(CLASS_NAMES)))]
        )

    def close(self) -> Path:
        """Write ``_classes.csv``.

        Returns:
            Its path.
        """
        path = self.directory / MULTILABEL_CSV_NAME
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["filename", *CLASS_NAMES])
            writer.writerows(self._rows)
        return path
