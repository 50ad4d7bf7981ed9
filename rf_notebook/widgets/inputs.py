"""What widgets accept: results in any container, images and ground truth found by name.

Example:
    >>> names, results = named_results({"a.jpg": result})  # doctest: +SKIP
    >>> find_by_name({"a.jpg": "/data/a.jpg"}, "x/a.jpg")
    '/data/a.jpg'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ConfigError
from ..evaluate.truth import GroundTruth, ImageTruth
from ..results import AnyResult, DetectionResult, ImageInfo, Result

__all__ = [
    "find_by_name",
    "image_for",
    "named_results",
    "short_name",
    "truth_drawable",
    "truth_for",
    "with_size",
]


def named_results(results: Any) -> tuple[list[str], list[AnyResult]]:
    """Names and results from one result, a ``Batch``, a list, or ``{name: result}``.

    A result's name is its ``source`` (a path or URL), else ``"image N"``.

    Raises:
        ConfigError: Something other than results, or nothing at all.

    Example:
        >>> named_results([result])[0]  # doctest: +SKIP
        ['images/dog.jpg']
    """
    if isinstance(results, Result):
        pairs: list[tuple[Any, Any]] = [(results.source, results)]
    elif isinstance(results, Mapping):
        pairs = [(str(k), v) for k, v in results.items()]
    elif isinstance(results, Iterable) and not isinstance(results, (str, bytes)):
        pairs = [(getattr(r, "source", None), r) for r in results]
    else:
        raise ConfigError(f"expected results, got {type(results).__name__}")
    names: list[str] = []
    found: list[AnyResult] = []
    for i, (name, result) in enumerate(pairs):
        if not isinstance(result, Result):
            raise ConfigError(
                f"item {i} is a {type(result).__name__}, not a result; parse responses "
                "with Result.from_json first"
            )
        names.append(str(name) if name else f"image {i}")
        found.append(result)  # type: ignore[arg-type]
    if not found:
        raise ConfigError("no results to show")
    return names, found


def short_name(name: str) -> str:
    """A file name for menus: the last part of a path or URL.

    Example:
        >>> short_name("/data/valid/cat.jpg"), short_name("image 3")
        ('cat.jpg', 'image 3')
    """
    tail = PurePosixPath(name.replace("\\", "/").split("?")[0]).name
    return tail or name


def find_by_name(table: Mapping[str, Any], name: str) -> Any:
    """A value of ``table`` by exact name, then file name, then stem; ``None`` if absent.

    Example:
        >>> find_by_name({"cat": 1}, "/x/cat.jpg")
        1
    """
    if name in table:
        return table[name]
    path = PurePosixPath(name.replace("\\", "/").split("?")[0])
    for key in (path.name, path.stem):
        if key in table:
            return table[key]
    return None


def _is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def image_for(images: Any, name: str, index: int, result: Result) -> Any:
    """The image input of result ``index``: from ``images`` (a list or a mapping by name),
    else the result's own ``source`` when it is a file or URL; ``None`` when unknown.

    Example:
        >>> image_for(None, "a.jpg", 0, result)  # doctest: +SKIP
        'a.jpg'
    """
    if _is_sequence(images):
        return images[index]
    if isinstance(images, Mapping):
        found = find_by_name(images, name)
        if found is not None:
            return found
    source = result.source
    if source and not source.startswith("<") and (Path(source).is_file() or "://" in source):
        return source
    return None


def truth_drawable(truth: ImageTruth, size: tuple[int, int] | None = None) -> dict[str, Any]:
    """An image's ground truth as a response dict the drawing functions read (crowd left out).

    Example:
        >>> t = ImageTruth.from_boxes("a.jpg", [[10, 10, 30, 20]], ["cat"], width=64, height=48)
        >>> truth_drawable(t)["predictions"]
        [{'x': 20.0, 'y': 15.0, 'width': 20.0, 'height': 10.0, 'class': 'cat'}]
    """
    boxes = [
        {"x": x + w / 2, "y": y + h / 2, "width": w, "height": h, "class": name}
        for (x, y, w, h), name, crowd in zip(
            truth.boxes.tolist(), truth.class_names, truth.iscrowd.tolist(), strict=True
        )
        if not crowd
    ]
    width, height = (truth.width, truth.height) if truth.width and truth.height else size or (0, 0)
    doc: dict[str, Any] = {"predictions": boxes}
    if width and height:
        doc["image"] = {"width": width, "height": height}
    return doc


def truth_for(ground_truth: Any, name: str, index: int, size: tuple[int, int]) -> Any:
    """The ground truth of one image, ready to draw, or ``None`` when there is none.

    Args:
        ground_truth: A :class:`~rf_notebook.evaluate.GroundTruth`, a list aligned with
            the results, or ``{name: boxes}``; values may be ``ImageTruth`` or anything
            :func:`~rf_notebook.draw.draw_boxes` reads.
        name: The image's name (its source).
        index: Its position among the results.
        size: The original image size, for ground truth that does not say.

    Example:
        >>> truth_for(gt, "valid/a.jpg", 0, (640, 480))  # doctest: +SKIP
    """
    if ground_truth is None:
        return None
    if isinstance(ground_truth, GroundTruth):
        key = ground_truth.key_for(name)
        value: Any = None if key is None else ground_truth[key]
    elif _is_sequence(ground_truth):
        value = ground_truth[index] if index < len(ground_truth) else None
    elif isinstance(ground_truth, Mapping):
        value = find_by_name(ground_truth, name)
    else:
        raise ConfigError(
            f"ground_truth must be a GroundTruth, a list or a dict, got {type(ground_truth)}"
        )
    return truth_drawable(value, size) if isinstance(value, ImageTruth) else value


def with_size(result: AnyResult, size: tuple[int, int]) -> AnyResult:
    """The result, with its image size filled in when the response did not say.

    Drawing on a resized copy scales coordinates by the result's image size.

    Example:
        >>> with_size(result, (1280, 720)).image  # doctest: +SKIP
        ImageInfo(width=1280, height=720)
    """
    if result.image is not None:
        return result
    return replace(result, image=ImageInfo(*size))


def is_boxes(result: AnyResult) -> bool:
    """Whether a result has boxes (detection, instance segmentation, keypoints).

    Example:
        >>> is_boxes(result)  # doctest: +SKIP
        True
    """
    return isinstance(result, DetectionResult)
