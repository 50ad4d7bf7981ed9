"""Write a whole dataset: train/valid/test splits in every requested format.

Each format gets its own folder under the output directory, laid out the way
Roboflow downloads it and supervision loads it::

    coco/<split>/*.jpg, _annotations.coco.json   sv.DetectionDataset.from_coco
    yolo/data.yaml, <split>/images, <split>/labels       sv.DetectionDataset.from_yolo
    yolo-seg/ (same layout, polygon labels)            sv.DetectionDataset.from_yolo
    voc/<split>/*.jpg, *.xml                      sv.DetectionDataset.from_pascal_voc
    classification/<split>/<class>/*.jpg          sv.ClassificationDataset.from_folder_structure
    multilabel/<split>/*.jpg, _classes.csv
    labels.json, dataset.json                     per-image labels; how it was made

Image ``i`` of a split is ``generate_sample(seed, SPLIT_OFFSETS[split] + i)``, so
a split's images do not depend on the other splits' sizes and never repeat
across splits.

Example:
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = make_dataset(tmp, n_train=2, n_valid=1, n_test=1, formats=("voc",))
    ...     sorted(p.name for p in (out / "voc").iterdir())
    ['test', 'train', 'valid']
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from PIL import Image
from tqdm.auto import tqdm

from .classification import ClassificationSplitWriter, MultilabelSplitWriter, label_record
from .coco import CocoSplitWriter
from .core import Sample, SceneConfig, image_size_wh
from .scene import generate_sample
from .shapes import CLASS_NAMES
from .voc import VocSplitWriter
from .yolo import YoloSplitWriter, data_yaml

__all__ = [
    "FORMATS",
    "SPLITS",
    "SPLIT_OFFSETS",
    "encode_jpeg",
    "image_file_name",
    "make_dataset",
    "parse_formats",
]

#: Every export format, in the order they are written.
FORMATS: tuple[str, ...] = ("coco", "yolo", "yolo-seg", "voc", "classification", "multilabel")
#: Split names, as Roboflow names them.
SPLITS: tuple[str, ...] = ("train", "valid", "test")
#: Where each split's sample indices start; a split holds at most 10 million images.
SPLIT_OFFSETS: dict[str, int] = {"train": 0, "valid": 10_000_000, "test": 20_000_000}
_ULTRALYTICS_SPLIT = {"train": "train", "valid": "val", "test": "test"}


class SplitWriter(Protocol):
    """What every format's per-split writer provides."""

    def add(self, file_name: str, sample: Sample, jpeg: bytes) -> None:
        """Write one image and its annotations."""

    def close(self) -> Path:
        """Flush what is buffered and return the main output path."""


def encode_jpeg(image: npt.NDArray[np.uint8], quality: int = 90) -> bytes:
    """Encode an RGB image as baseline JPEG (4:2:0, optimised Huffman tables).

    Args:
        image: ``uint8`` RGB array.
        quality: JPEG quality, 1–95.

    Returns:
        The JPEG file bytes.

    Example:
        >>> encode_jpeg(np.zeros((8, 8, 3), np.uint8))[:3]
        b'\\xff\\xd8\\xff'
    """
    buffer = io.BytesIO()
    Image.fromarray(image, mode="RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def image_file_name(split: str, position: int) -> str:
    """Return the file name of a split's ``position``-th image.

    Args:
        split: Split name.
        position: Index within the split.

    Returns:
        A name unique across splits, like ``"valid-00003.jpg"``.

    Example:
        >>> image_file_name("train", 7)
        'train-00007.jpg'
    """
    return f"{split}-{position:05d}.jpg"


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """Check export format names; a comma-separated string is accepted.

    Args:
        formats: Names from :data:`FORMATS`, or ``"all"``.

    Returns:
        The names, in :data:`FORMATS` order, without repeats.

    Raises:
        ValueError: On an unknown or empty selection.

    Example:
        >>> parse_formats("voc, coco")
        ('coco', 'voc')
    """
    names = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = {name.strip().lower() for name in names if name.strip()}
    if "all" in chosen:
        chosen = set(FORMATS)
    unknown = sorted(chosen - set(FORMATS))
    if unknown or not chosen:
        raise ValueError(f"unknown or no formats {unknown}; choose from {', '.join(FORMATS)}")
    return tuple(name for name in FORMATS if name in chosen)


def _writer(out: Path, fmt: str, split: str, roboflow_coco: bool) -> SplitWriter:
    if fmt == "coco":
        return CocoSplitWriter(out / fmt / split, roboflow_supercategory=roboflow_coco)
    if fmt in ("yolo", "yolo-seg"):
        return YoloSplitWriter(out / fmt, split, task="detect" if fmt == "yolo" else "segment")
    if fmt == "voc":
        return VocSplitWriter(out / fmt / split)
    if fmt == "classification":
        return ClassificationSplitWriter(out / fmt / split)
    return MultilabelSplitWriter(out / fmt / split)


def _prepare(out: Path, formats: Sequence[str], overwrite: bool) -> None:
    for name in (*formats, "labels.json", "dataset.json"):
        target = out / name
        if not target.exists():
            continue
        if not overwrite:
            raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    out.mkdir(parents=True, exist_ok=True)


def make_dataset(
    out_dir: str | Path,
    *,
    n_train: int = 200,
    n_valid: int = 50,
    n_test: int = 50,
    seed: int = 0,
    image_size: int | tuple[int, int] = 320,
    formats: str | Iterable[str] = FORMATS,
    roboflow_coco: bool = False,
    jpeg_quality: int = 90,
    config: SceneConfig | None = None,
    overwrite: bool = False,
    show_progress: bool = False,
) -> Path:
    """Generate the shapes dataset and write it in the requested formats.

    Args:
        out_dir: Output folder; created if missing.
        n_train: Images in the train split.
        n_valid: Images in the valid split.
        n_test: Images in the test split.
        seed: Dataset seed; the same seed gives the same files.
        image_size: Side length, or ``(width, height)``, in pixels.
        formats: Names from :data:`FORMATS` (or a comma-separated string).
        roboflow_coco: Add Roboflow's super-category at COCO category id 0.
        jpeg_quality: JPEG quality of the images.
        config: Generator settings; ``None`` uses the defaults.
        overwrite: Replace format folders left by an earlier run; only the
            folders and files this function writes are removed.
        show_progress: Show a progress bar.

    Returns:
        The output folder.

    Raises:
        ValueError: On a bad count, seed, size or format.
        FileExistsError: If an output folder exists and ``overwrite`` is false.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     out = make_dataset(tmp, n_train=1, n_valid=1, n_test=1, formats="coco")
        ...     (out / "coco" / "train" / "_annotations.coco.json").is_file()
        True
    """
    counts = {"train": n_train, "valid": n_valid, "test": n_test}
    if any(not 0 <= n < 10_000_000 for n in counts.values()) or seed < 0:
        raise ValueError(f"counts must be 0-9999999 and seed >= 0, got {counts}, seed={seed}")
    if not 1 <= jpeg_quality <= 95:
        raise ValueError(f"jpeg_quality must be 1-95, got {jpeg_quality}")
    chosen = parse_formats(formats)
    size = image_size_wh(image_size)
    out = Path(out_dir)
    _prepare(out, chosen, overwrite)
    records: list[dict[str, Any]] = []
    progress = tqdm(total=sum(counts.values()), disable=not show_progress, desc="shapes")
    for split in SPLITS:
        if not counts[split]:
            continue
        writers = [_writer(out, fmt, split, roboflow_coco) for fmt in chosen]
        for position in range(counts[split]):
            index = SPLIT_OFFSETS[split] + position
            sample = generate_sample(seed, index, image_size=size, config=config)
            file_name = image_file_name(split, position)
            jpeg = encode_jpeg(sample.image, jpeg_quality)
            for writer in writers:
                writer.add(file_name, sample, jpeg)
            records.append({"split": split, "index": index, **label_record(sample, file_name)})
            progress.update()
        for writer in writers:
            writer.close()
    progress.close()
    settings: dict[str, Any] = {"roboflow_coco": roboflow_coco, "jpeg_quality": jpeg_quality}
    settings["config"] = asdict(config or SceneConfig())
    _write_summary(out, chosen, counts, seed, size, settings, records)
    return out


def _write_summary(
    out: Path,
    formats: Sequence[str],
    counts: dict[str, int],
    seed: int,
    size: tuple[int, int],
    settings: dict[str, Any],
    records: list[dict[str, Any]],
) -> None:
    splits = {s: f"{s}/images" for s in SPLITS if counts[s]}
    for fmt in ("yolo", "yolo-seg"):
        if fmt in formats:
            yaml_splits = {_ULTRALYTICS_SPLIT[s]: folder for s, folder in splits.items()}
            (out / fmt / "data.yaml").write_text(data_yaml(yaml_splits), encoding="utf-8")
    info = {
        "generator": "rf_notebook.datasets",
        "seed": seed,
        "image_size": list(size),
        "splits": counts,
        "split_offsets": SPLIT_OFFSETS,
        "classes": list(CLASS_NAMES),
        "formats": list(formats),
        **settings,
    }
    (out / "dataset.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    (out / "labels.json").write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
