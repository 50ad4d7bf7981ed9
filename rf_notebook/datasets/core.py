"""The generator's result types and settings.

Example:
    >>> SceneConfig().min_visible_fraction
    0.25
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .shapes import CLASS_NAMES

if TYPE_CHECKING:
    import supervision as sv

__all__ = ["HARD_CASES", "Sample", "SceneConfig", "ShapeObject", "image_size_wh"]

#: Kinds of deliberately hard scenes; a hard scene has one or two of them.
HARD_CASES: tuple[str, ...] = ("tiny", "occlusion", "low_contrast", "lookalikes", "clutter")

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class SceneConfig:
    """Knobs of the generator; the defaults are what the shipped models train on.

    Attributes:
        hard_fraction: Fraction of scenes that get one or two :data:`HARD_CASES`.
        min_visible_fraction: Labelled shapes less visible than this are removed.
        min_visible_area: Labelled shapes with fewer visible pixels are removed.
        max_objects: Most labelled shapes in a scene that is not a "tiny" case.
        dominant_margin: How much larger the dominant object must be than the
            largest object of any other class.
    """

    hard_fraction: float = 0.3
    min_visible_fraction: float = 0.25
    min_visible_area: int = 40
    max_objects: int = 7
    dominant_margin: float = 1.25

    def __post_init__(self) -> None:
        if not 0.0 <= self.hard_fraction <= 1.0:
            raise ValueError(f"hard_fraction must be in [0, 1], got {self.hard_fraction}")
        if not 0.0 < self.min_visible_fraction <= 1.0:
            raise ValueError("min_visible_fraction must be in (0, 1]")
        if self.max_objects < 1 or self.min_visible_area < 1 or self.dominant_margin < 1.0:
            raise ValueError("max_objects and min_visible_area must be >= 1, margin >= 1")


@dataclass(frozen=True, eq=False)
class ShapeObject:
    """One labelled, visible shape.

    Attributes:
        class_id: Index into :data:`CLASS_NAMES`.
        bbox: ``(x1, y1, x2, y2)``, the exact extent of ``mask`` (``x2``/``y2`` one
            past the last covered pixel).
        polygons: One ``(N, 2)`` int32 polygon per visible part, holes spliced in.
        mask: Boolean ``(H, W)`` visible mask.
        area: Visible pixel count.
        visible_fraction: ``area`` over the pixel count of the whole shape.
        truncated: Whether the shape is cut by the image border.
    """

    class_id: int
    bbox: tuple[float, float, float, float]
    polygons: tuple[IntArray, ...]
    mask: BoolArray
    area: int
    visible_fraction: float
    truncated: bool

    @property
    def class_name(self) -> str:
        """The class name, ``CLASS_NAMES[class_id]``."""
        return CLASS_NAMES[self.class_id]


@dataclass(frozen=True, eq=False)
class Sample:
    """A generated image with its annotations.

    Attributes:
        image: ``uint8`` RGB array of shape ``(H, W, 3)``.
        objects: Labelled shapes, bottom of the stack first.
        dominant_class_id: Class of the object with the largest visible area.
        present_class_ids: Sorted ids of the classes with at least one object.
        hard_cases: The :data:`HARD_CASES` this scene was built with (often none).
        lookalikes: Kinds of the unlabelled look-alike shapes drawn.
        seed: The seed it was generated from.
        index: The index it was generated from.
    """

    image: npt.NDArray[np.uint8]
    objects: tuple[ShapeObject, ...]
    dominant_class_id: int
    present_class_ids: tuple[int, ...]
    hard_cases: tuple[str, ...]
    lookalikes: tuple[str, ...]
    seed: int
    index: int

    @property
    def width(self) -> int:
        """Image width in pixels."""
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        """Image height in pixels."""
        return int(self.image.shape[0])

    @property
    def dominant_class_name(self) -> str:
        """Name of :attr:`dominant_class_id`."""
        return CLASS_NAMES[self.dominant_class_id]

    @property
    def present_class_names(self) -> tuple[str, ...]:
        """Names of :attr:`present_class_ids`."""
        return tuple(CLASS_NAMES[i] for i in self.present_class_ids)

    def to_detections(self) -> sv.Detections:
        """Return the objects as ``supervision.Detections`` with boxes, masks and ids.

        Returns:
            Detections with ``xyxy``, ``mask``, ``class_id`` and
            ``data["class_name"]``.

        Example:
            >>> from rf_notebook.datasets.scene import generate_sample
            >>> len(generate_sample(0, 0).to_detections()) > 0
            True
        """
        import supervision as sv

        if not self.objects:
            return sv.Detections.empty()
        return sv.Detections(
            xyxy=np.array([o.bbox for o in self.objects], dtype=np.float32),
            mask=np.stack([o.mask for o in self.objects]),
            class_id=np.array([o.class_id for o in self.objects], dtype=int),
            data={"class_name": np.array([o.class_name for o in self.objects])},
        )


def image_size_wh(image_size: int | tuple[int, int]) -> tuple[int, int]:
    """Normalise an image size to ``(width, height)`` and check it.

    Args:
        image_size: A side length for square images, or ``(width, height)``.

    Returns:
        ``(width, height)``.

    Raises:
        ValueError: If a side is outside 64–4096 pixels.

    Example:
        >>> image_size_wh(320), image_size_wh((416, 320))
        ((320, 320), (416, 320))
    """
    width, height = (image_size, image_size) if isinstance(image_size, int) else image_size
    if not (64 <= int(width) <= 4096 and 64 <= int(height) <= 4096):
        raise ValueError(f"image sides must be 64-4096 pixels, got {image_size!r}")
    return int(width), int(height)
