"""Ground truth: the annotated objects (or labels) of each image, joined to predictions by name.

A :class:`GroundTruth` is a read-only mapping from an image's key (its file name as the
dataset names it, like ``"img_001.jpg"`` or ``"sub/img_001.jpg"``) to an
:class:`ImageTruth`. Loaders keep only annotations — never pixels — and build each
image's arrays when it is asked for. :meth:`GroundTruth.key_for` finds the image of a
prediction from ``result.source``: the exact key, then a path ending in the key, then the
file name, then the file name without extension (Roboflow export names like
``cat_jpg.rf.3f2a.jpg`` also answer to ``cat.jpg``).

Example:
    >>> gt = GroundTruth.from_images([ImageTruth.from_boxes(
    ...     "a.jpg", [[0, 0, 10, 10]], ["cat"], width=64, height=48)])
    >>> gt.key_for("/data/valid/a.jpg"), gt.classes
    ('a.jpg', ('cat',))
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ..errors import ConfigError, RfNotebookError
from .masks import Segment

__all__ = ["AnnotationError", "GroundTruth", "ImageTruth"]

_ROBOFLOW_NAME = re.compile(
    r"^(?P<stem>.+)_(?P<ext>jpe?g|png|bmp|webp|tiff?)\.rf\.[0-9a-zA-Z]+\.\w+$", re.IGNORECASE
)


class AnnotationError(RfNotebookError, ValueError):
    """An annotation file or value that cannot be read: the message says where.

    Attributes:
        where: The file (and object) at fault, like ``"labels/a.txt line 3"``.
    """

    def __init__(self, message: str, where: str = "") -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True, eq=False)
class ImageTruth:
    """The annotations of one image.

    Attributes:
        key: The image's name in the dataset, like ``"img_001.jpg"``.
        width: Image width in pixels, or ``None`` when unknown.
        height: Image height in pixels, or ``None`` when unknown.
        boxes: ``(n, 4)`` float64 boxes as COCO ``[x, y, width, height]`` (top-left corner).
        class_names: The class of each box.
        iscrowd: ``(n,)`` bool: crowd regions, which absorb predictions without counting.
        area: ``(n,)`` object areas, used for COCO's small/medium/large ranges.
        segments: Per box, its polygons (flat ``[x, y, ...]`` lists) or RLE, or ``None``.
        labels: Image-level labels, for classification ground truth.
        path: The image file, when known.
    """

    key: str
    width: int | None = None
    height: int | None = None
    boxes: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    class_names: tuple[str, ...] = ()
    iscrowd: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    area: np.ndarray = field(default_factory=lambda: np.zeros(0))
    segments: tuple[Segment | None, ...] = ()
    labels: tuple[str, ...] = ()
    path: Path | None = None

    def __post_init__(self) -> None:
        n = len(self.class_names)
        where = f"image {self.key!r}"
        for name, value in (("width", self.width), ("height", self.height)):
            if value is not None and (not _finite(value) or value <= 0):
                raise AnnotationError(f"{name} must be a positive number, got {value!r}", where)
        boxes = np.asarray(self.boxes, dtype=np.float64).reshape(-1, 4)
        if len(boxes) != n:
            raise AnnotationError(f"{len(boxes)} boxes but {n} class names", where)
        bad = ~np.isfinite(boxes).all(axis=1) | (boxes[:, 2] < 0) | (boxes[:, 3] < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise AnnotationError(
                f"box {i} {boxes[i].tolist()} has a negative or NaN size or position "
                "(boxes are [x, y, width, height])",
                where,
            )
        crowd = np.zeros(n, bool) if len(self.iscrowd) == 0 and n else self.iscrowd
        area = boxes[:, 2] * boxes[:, 3] if len(self.area) == 0 and n else self.area
        area = np.asarray(area, dtype=np.float64).reshape(-1)
        if len(area) != n or not np.isfinite(area).all() or (area < 0).any():
            raise AnnotationError("areas must be one finite number >= 0 per box", where)
        segments = self.segments or (None,) * n
        if len(segments) != n or len(np.asarray(crowd)) != n:
            raise AnnotationError("iscrowd and segments need one entry per box", where)
        object.__setattr__(self, "boxes", boxes)
        object.__setattr__(self, "iscrowd", np.asarray(crowd, dtype=bool).reshape(-1))
        object.__setattr__(self, "area", area)
        object.__setattr__(self, "segments", tuple(segments))
        object.__setattr__(self, "class_names", tuple(str(c) for c in self.class_names))

    @classmethod
    def from_boxes(
        cls,
        key: str,
        xyxy: Sequence[Sequence[float]] | np.ndarray,
        class_names: Sequence[str],
        *,
        width: int | None = None,
        height: int | None = None,
        iscrowd: Sequence[bool] | None = None,
        path: str | Path | None = None,
    ) -> ImageTruth:
        """An image's truth from corner boxes ``(x1, y1, x2, y2)``.

        Example:
            >>> ImageTruth.from_boxes("a.jpg", [[10, 10, 30, 20]], ["cat"]).boxes.tolist()
            [[10.0, 10.0, 20.0, 10.0]]
        """
        corners = np.asarray(xyxy, dtype=np.float64).reshape(-1, 4)
        boxes = np.column_stack([corners[:, :2], corners[:, 2:] - corners[:, :2]])
        return cls(
            key=key,
            width=width,
            height=height,
            boxes=boxes,
            class_names=tuple(class_names),
            iscrowd=np.zeros(0, bool) if iscrowd is None else np.asarray(iscrowd, bool),
            path=None if path is None else Path(path),
        )

    @property
    def xyxy(self) -> np.ndarray:
        """Boxes as ``(n, 4)`` corners ``(x1, y1, x2, y2)``."""
        corners: np.ndarray = np.column_stack(
            [self.boxes[:, :2], self.boxes[:, :2] + self.boxes[:, 2:]]
        )
        return corners

    def __len__(self) -> int:
        return len(self.class_names)

    def __repr__(self) -> str:
        size = f"{self.width}×{self.height}" if self.width else "size unknown"
        what = f"labels={list(self.labels)}" if self.labels else f"{len(self)} objects"
        return f"ImageTruth({self.key!r}, {size}, {what})"


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and math.isfinite(float(value))


class GroundTruth(Mapping[str, ImageTruth]):
    """Annotations of a dataset, image by image, read on first use and then kept.

    Attributes:
        classes: Class names in the dataset's order.
        source: Where it was loaded from, for messages.
        notes: What the loader changed or skipped, like a dropped super-category.

    Example:
        >>> gt = load_ground_truth("dataset/valid")  # doctest: +SKIP
        >>> len(gt), gt.classes  # doctest: +SKIP
        (48, ('circle', 'square', 'star', 'triangle'))
    """

    def __init__(
        self,
        keys: Iterable[str],
        load: Callable[[str], ImageTruth],
        classes: Sequence[str],
        *,
        source: str = "",
        notes: Sequence[str] = (),
    ) -> None:
        self._keys = tuple(keys)
        if len(set(self._keys)) != len(self._keys):
            raise AnnotationError("image names must be unique", source)
        self._load = load
        self.classes: tuple[str, ...] = tuple(classes)
        self.source = source
        self.notes: tuple[str, ...] = tuple(notes)
        self._key_set = frozenset(self._keys)
        self._cache: dict[str, ImageTruth] = {}  # annotations read so far (never pixels)
        self._index: dict[str, dict[str, list[str]]] | None = None

    @classmethod
    def from_images(
        cls, images: Iterable[ImageTruth], classes: Sequence[str] | None = None
    ) -> GroundTruth:
        """Ground truth from images already in memory; classes default to those seen.

        Example:
            >>> gt = GroundTruth.from_images([ImageTruth("a.jpg", labels=("cat",))])
            >>> gt["a.jpg"].labels
            ('cat',)
        """
        listed = list(images)
        table = {image.key: image for image in listed}
        if len(table) != len(listed):
            raise AnnotationError("image keys must be unique", "in memory")
        if classes is None:
            seen = (n for image in table.values() for n in (*image.class_names, *image.labels))
            classes = list(dict.fromkeys(seen))
        return cls(table, table.__getitem__, classes, source="in memory")

    @classmethod
    def from_labels(cls, labels: Mapping[str, str | Sequence[str]]) -> GroundTruth:
        """Classification ground truth from ``{image name: label or labels}``.

        Example:
            >>> GroundTruth.from_labels({"a.jpg": "cat", "b.jpg": ["cat", "dog"]}).classes
            ('cat', 'dog')
        """
        return cls.from_images(
            ImageTruth(key, labels=(value,) if isinstance(value, str) else tuple(value))
            for key, value in labels.items()
        )

    def __getitem__(self, key: str) -> ImageTruth:
        found = self._cache.get(key)
        if found is None:
            if key not in self._key_set:
                raise KeyError(key)
            found = self._cache[key] = self._load(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        where = f", from {self.source!r}" if self.source else ""
        return f"GroundTruth({len(self)} images, {len(self.classes)} classes{where})"

    def key_for(self, source: str) -> str | None:
        """The key of the image that ``source`` (a path, URL or name) refers to, if any.

        Raises:
            ConfigError: When the name matches several images (same file name in two
                folders); use the dataset's relative path as the source then.

        Example:
            >>> gt.key_for("/tmp/valid/img_001.jpg")  # doctest: +SKIP
            'img_001.jpg'
        """
        if source in self._key_set:
            return source
        path = PurePosixPath(source.replace("\\", "/").split("?")[0])
        index = self._build_index()
        for kind, name in (
            ("suffix", path.as_posix()),
            ("name", path.name),
            ("name", _original_name(path.name)),
            ("stem", path.stem),
            ("stem", PurePosixPath(_original_name(path.name)).stem),
        ):
            found = self._lookup(index, kind, name, source)
            if found is not None:
                return found
        return None

    def _lookup(
        self, index: dict[str, dict[str, list[str]]], kind: str, name: str, source: str
    ) -> str | None:
        if kind == "suffix":
            hits = [
                k
                for k in index["multi"].get(PurePosixPath(name).name, [])
                if name.endswith("/" + k)
            ]
        else:
            hits = index[kind].get(name, [])
        if len(hits) > 1:
            raise ConfigError(
                f"{source!r} could be any of {sorted(hits)[:4]}; name the image by its "
                "path inside the dataset, or pass predictions as a dict {image key: result}"
            )
        return hits[0] if hits else None

    def _build_index(self) -> dict[str, dict[str, list[str]]]:
        if self._index is None:
            index: dict[str, dict[str, list[str]]] = {"name": {}, "stem": {}, "multi": {}}
            for key in self._keys:
                path = PurePosixPath(key)
                index["multi"].setdefault(path.name, []).append(key)
                names = {path.name, _original_name(path.name)}
                for name in names:
                    index["name"].setdefault(name, []).append(key)
                for stem in {PurePosixPath(n).stem for n in names}:
                    index["stem"].setdefault(stem, []).append(key)
            self._index = index
        return self._index


def _original_name(name: str) -> str:
    """``cat_jpg.rf.3f2a9.jpg`` (a Roboflow export name) → ``cat.jpg``; others unchanged."""
    match = _ROBOFLOW_NAME.match(name)
    return f"{match['stem']}.{match['ext']}" if match else name
