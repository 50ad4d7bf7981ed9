"""Regenerate the sample set shipped in ``rf_notebook/datasets/sample/``.

Run ``python -m rf_notebook.datasets.make_sample [OUT_DIR]``. The sample is one
split of :data:`SAMPLE_COUNT` images from seed :data:`SAMPLE_SEED`, in sizes that
cycle through :data:`SAMPLE_SIZES`. The images are stored once and every
annotation format points at the same ``images/`` folder (see ``README.md`` there).

Example:
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_sample(tmp, count=2)
    ...     sorted(p.name for p in out.iterdir())[:3]
    ['README.md', 'annotations.coco.json', 'classification.json']
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from .classification import label_record
from .coco import coco_annotations, coco_document, coco_image
from .make import encode_jpeg
from .scene import generate_sample
from .voc import voc_xml
from .yolo import YoloTask, data_yaml, yolo_lines

__all__ = [
    "SAMPLE_COUNT",
    "SAMPLE_SEED",
    "SAMPLE_SIZES",
    "main",
    "sample_file_name",
    "write_sample",
]

#: Seed of the sample set; train models on other seeds so the sample stays unseen.
SAMPLE_SEED = 1000
#: Number of images in the sample set.
SAMPLE_COUNT = 48
#: ``(width, height)`` of image ``i`` is ``SAMPLE_SIZES[i % len(SAMPLE_SIZES)]``.
SAMPLE_SIZES: tuple[tuple[int, int], ...] = ((320, 320), (384, 320), (320, 384), (320, 320))
SAMPLE_JPEG_QUALITY = 90
_YOLO_FOLDERS: tuple[tuple[str, YoloTask], ...] = (("labels", "detect"), ("labels-seg", "segment"))

_README = """\
# Shapes sample set

{count} synthetic images made by `python -m rf_notebook.datasets.make_sample`
(seed {seed}); do not edit by hand. Classes, with YOLO/COCO ids:
circle (0/1), square (1/2), triangle (2/3), star (3/4).

| Path | Format | Load with |
|---|---|---|
| `images/*.jpg` | RGB JPEG, quality {quality} | |
| `annotations.coco.json` | COCO boxes + polygons, category ids 1-4 | \
`sv.DetectionDataset.from_coco("images", "annotations.coco.json")` |
| `labels/*.txt` + `data.yaml` | YOLO detection | \
`sv.DetectionDataset.from_yolo("images", "labels", "data.yaml")` |
| `labels-seg/*.txt` + `data.yaml` | YOLO segmentation | \
`sv.DetectionDataset.from_yolo("images", "labels-seg", "data.yaml")` |
| `voc/*.xml` | Pascal VOC boxes | `sv.DetectionDataset.from_pascal_voc("images", "voc")` |
| `classification.json` | dominant shape and shapes present, per image | `json.load` |

Masks are the visible part of each shape; shapes less than 25% visible are not
drawn. Polygon vertices are boundary-pixel centres (OpenCV convention).
"""


def sample_file_name(index: int) -> str:
    """Return the file name of sample image ``index``.

    Args:
        index: Image index.

    Returns:
        A name like ``"sample-007.jpg"``.

    Example:
        >>> sample_file_name(7)
        'sample-007.jpg'
    """
    return f"sample-{index:03d}.jpg"


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_sample(out_dir: str | Path, *, count: int = SAMPLE_COUNT) -> Path:
    """Write the sample set into ``out_dir``, replacing what it generated before.

    Args:
        out_dir: Target folder.
        count: Number of images (the shipped set uses :data:`SAMPLE_COUNT`).

    Returns:
        The target folder.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     len(list((write_sample(tmp, count=3) / "images").iterdir()))
        3
    """
    out = Path(out_dir)
    for folder in ("images", "labels", "labels-seg", "voc"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
        (out / folder).mkdir(parents=True)
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    for index in range(count):
        size = SAMPLE_SIZES[index % len(SAMPLE_SIZES)]
        sample = generate_sample(SAMPLE_SEED, index, image_size=size)
        name = sample_file_name(index)
        stem = Path(name).stem
        (out / "images" / name).write_bytes(encode_jpeg(sample.image, SAMPLE_JPEG_QUALITY))
        images.append(coco_image(sample, index + 1, name))
        annotations += coco_annotations(sample, index + 1, len(annotations) + 1)
        for folder, task in _YOLO_FOLDERS:
            lines = yolo_lines(sample, task=task)
            _write_text(out / folder / f"{stem}.txt", "".join(f"{line}\n" for line in lines))
        _write_text(out / "voc" / f"{stem}.xml", voc_xml(sample, name, folder="images"))
        records.append({"index": index, **label_record(sample, name)})
    coco = coco_document(images, annotations)
    _write_text(out / "annotations.coco.json", json.dumps(coco, separators=(",", ":")))
    _write_text(out / "classification.json", json.dumps(records, indent=1) + "\n")
    _write_text(out / "data.yaml", data_yaml({"train": "images", "val": "images"}))
    readme = _README.format(count=count, seed=SAMPLE_SEED, quality=SAMPLE_JPEG_QUALITY)
    _write_text(out / "README.md", readme)
    return out


def main(argv: list[str] | None = None) -> int:
    """Regenerate the sample set (into the package, or into ``argv[0]`` if given).

    Args:
        argv: Command-line arguments without the program name.

    Returns:
        The exit status.

    Example:
        >>> main(["--help"])  # doctest: +SKIP
    """
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        sys.stdout.write("usage: python -m rf_notebook.datasets.make_sample [OUT_DIR]\n")
        return 0
    target = Path(args[0]) if args else Path(__file__).with_name("sample")
    sys.stdout.write(f"wrote {write_sample(target)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
