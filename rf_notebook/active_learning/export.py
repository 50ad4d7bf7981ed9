"""Export picks as a labeling package: images, a CSV, and COCO + YOLO pre-annotations.

Layout of ``folder``::

    images/<name>             the picked images (copies, symlinks or hard links)
    labels/<stem>.txt         YOLO pre-annotations, one file per image
    data.yaml                 YOLO classes; train and val are images/
    annotations.coco.json     COCO pre-annotations; file_name is relative to images/
    picks.csv                 the ranked table, with each image's file

Example:
    >>> exported = export_picks(picks, "to-label", link="symlink")  # doctest: +SKIP
    >>> exported.coco  # doctest: +SKIP
    PosixPath('to-label/annotations.coco.json')
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Literal

from PIL import Image

from ..errors import ConfigError, ImageError, redact
from ..images import load_image
from ..results import DetectionResult
from .labels import LabelImage, coco_document, data_yaml, kept_predictions, yolo_text

if TYPE_CHECKING:
    from .picks import Picks

__all__ = ["Exported", "LinkMode", "export_picks", "file_names", "received_classes"]

LinkMode = Literal["copy", "symlink", "hardlink"]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Exported:
    """What :func:`export_picks` wrote.

    Attributes:
        folder: The package folder.
        images: Each pick's image file (``None`` where it failed), in rank order.
        csv: The ranked table with a ``file`` column.
        coco: The COCO file, or ``None`` when no pick is a detection result.
        yolo: The YOLO ``data.yaml``, or ``None`` likewise.
        failures: ``(image, message)`` for picks whose image could not be written.
        notes: Other things worth knowing (like hard links that fell back to copies).
    """

    folder: Path
    images: tuple[Path | None, ...]
    csv: Path
    coco: Path | None
    yolo: Path | None
    failures: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        done = sum(p is not None for p in self.images)
        return f"Exported({str(self.folder)!r}: {done} images, {len(self.failures)} failed)"


def file_names(keys: Sequence[str], suffixes: Sequence[str] | None = None) -> list[str]:
    """Safe, unique file names for image keys; stems are unique too (YOLO needs that).

    Example:
        >>> file_names(["a/x.jpg", "b/x.jpg", "#2"])
        ['x.jpg', 'x-2.jpg', 'image-2.jpg']
    """
    out: list[str] = []
    stems: set[str] = set()
    for i, key in enumerate(keys):
        path = PurePath(key.replace("\\", "/"))
        suffix = (suffixes[i] if suffixes else path.suffix) or ".jpg"
        unnamed = key.startswith("#") and key[1:].isdigit()  # a result without a source
        stem = f"image-{key[1:]}" if unnamed else _UNSAFE.sub("_", path.stem).strip("._")
        stem = stem or f"image-{i}"
        candidate, n = stem, 1
        while candidate.lower() in stems:
            n += 1
            candidate = f"{stem}-{n}"
        stems.add(candidate.lower())
        out.append(candidate + suffix.lower())
    return out


def _place(source: Any, target: Path, link: LinkMode, notes: list[str]) -> Path:
    """Put one image at ``target`` (or beside it, as PNG, when it is not a file)."""
    if isinstance(source, (str, Path)) and Path(source).is_file():
        source = Path(source).resolve()
        if link == "symlink":
            target.symlink_to(source)
        elif link == "hardlink":
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
                notes.append(f"{target.name}: hard link not possible, copied instead")
        else:
            shutil.copy2(source, target)
        return target
    if source is None:
        raise ImageError("no image: the result has no source file and images= has none")
    target = target.with_suffix(".png")
    load_image(source).save(target, format="PNG")
    return target


def _size(result: Any, path: Path | None) -> tuple[int, int] | None:
    if result.image is not None:
        return result.image.width, result.image.height
    if path is None:
        return None
    with Image.open(path) as image:
        width, height = image.size
    return int(width), int(height)


def export_picks(
    picks: Picks,
    folder: str | Path,
    *,
    link: LinkMode = "copy",
    formats: Sequence[str] = ("coco", "yolo"),
    classes: Sequence[str] | None = None,
    overwrite: bool = False,
) -> Exported:
    """Write the picked images, the ranked CSV, and the predictions as pre-annotations.

    Predictions at or above the picks' threshold become annotations (polygons for
    instance segmentation), so labelers correct instead of drawing from nothing.
    A pick whose image cannot be written is recorded in ``failures``; the rest go on.

    Args:
        picks: From :func:`pick`.
        folder: Where to write; created if missing.
        link: ``"copy"`` (default), ``"symlink"`` or ``"hardlink"`` (copies where a hard
            link is impossible, such as across disks).
        formats: Any of ``"coco"`` and ``"yolo"``.
        classes: Class names in label order (default: every class the picks received, sorted).
        overwrite: Replace an earlier export in the same folder.

    Returns:
        :class:`Exported`, with the paths written.

    Example:
        >>> export_picks(picks, "to-label", formats=["yolo"])  # doctest: +SKIP
    """
    if link not in ("copy", "symlink", "hardlink"):
        raise ConfigError(f"link must be 'copy', 'symlink' or 'hardlink', got {link!r}")
    wanted = {str(f).lower() for f in formats}
    if wanted - {"coco", "yolo"}:
        raise ConfigError(f"formats may be 'coco' and 'yolo', got {sorted(wanted)}")
    root = Path(folder)
    csv_path = root / "picks.csv"
    if csv_path.exists() and not overwrite:
        raise ConfigError(f"{root} already holds an export; pass overwrite=True to replace it")
    images_dir, labels_dir = root / "images", root / "labels"
    if overwrite:
        for stale in (images_dir, labels_dir):
            shutil.rmtree(stale, ignore_errors=True)
    images_dir.mkdir(parents=True, exist_ok=True)
    t = picks.params.confidence
    boxes = [kept_predictions(r, t) for r in picks.results]
    names = list(classes) if classes is not None else received_classes(picks)
    missing = {p.class_name for b in boxes for p in b} - set(names)
    if missing:
        raise ConfigError(f"classes= lacks predicted classes: {sorted(missing)}")
    written: list[Path | None] = []
    failures: list[tuple[str, str]] = []
    notes: list[str] = []
    entries: list[tuple[int, LabelImage]] = []
    keys = [str(k) for k in picks.table["image"]]
    for i, name in enumerate(file_names(keys)):
        try:
            path = _place(picks.image_of(i), images_dir / name, link, notes)
            size = _size(picks.results[i], path)
        except (OSError, ImageError, ValueError) as exc:
            failures.append((keys[i], redact(str(exc))))
            written.append(None)
            continue
        written.append(path)
        if size is not None and isinstance(picks.results[i], DetectionResult):
            entries.append((i, LabelImage(path.name, size[0], size[1], boxes[i])))
    table = picks.table.copy()
    table["file"] = [str(p.relative_to(root)) if p else "" for p in written]
    table.to_csv(csv_path, index=False)
    coco = yolo = None
    if entries and "coco" in wanted:
        coco = root / "annotations.coco.json"
        coco.write_text(json.dumps(coco_document([e for _, e in entries], names), indent=1))
    if entries and "yolo" in wanted:
        labels_dir.mkdir(exist_ok=True)
        for _, entry in entries:
            text = yolo_text(entry.detections, entry.width, entry.height, names)
            (labels_dir / f"{Path(entry.file_name).stem}.txt").write_text(text)
        yolo = root / "data.yaml"
        yolo.write_text(data_yaml(names))
    return Exported(root, tuple(written), csv_path, coco, yolo, tuple(failures), tuple(notes))


def received_classes(picks: Picks) -> list[str]:
    """Every class name the picked detection results received, sorted (the label order).

    Example:
        >>> received_classes(picks)  # doctest: +SKIP
        ['car', 'person']
    """
    results = [r for r in picks.results if isinstance(r, DetectionResult)]
    return sorted({p.class_name for r in results for p in r.received})
