"""Training data straight from the generator: images, boxes, classes, masks, labels."""

from __future__ import annotations

import io
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image

from ..datasets import SceneConfig, generate_sample
from ..datasets.core import ShapeObject

if TYPE_CHECKING:
    import torch

PROTO_STRIDE = 4
#: Share of training images sent through a JPEG round trip, and its quality range. The
#: generator's images are lossless, but every image the server sees is a file, JPEG more
#: often than not: without this, JPEG's ringing costs 1.4 points of box mAP50 (0.947 on the
#: lossless report set, 0.933 on its quality-90 files).
JPEG_SHARE, JPEG_QUALITY = 0.8, (60, 96)


@dataclass
class Example:
    """One training image: ``(3, S, S)`` uint8, boxes ``(n, 4)``, classes, stride-4 masks.

    ``sized_masks`` holds the masks for other network input sizes, made from the full-
    resolution masks (resampling the stride-4 grid would blur small shapes' outlines).
    """

    image: np.ndarray
    boxes: np.ndarray
    classes: np.ndarray
    masks: np.ndarray
    dominant: int
    present: np.ndarray
    sized_masks: dict[int, np.ndarray] = field(default_factory=dict)


def _grid_masks(objects: Sequence[ShapeObject], side: int, size: int) -> np.ndarray:
    """Masks on the stride-4 grid of a ``size`` px input: resized as the image, area-averaged."""
    grid = size // PROTO_STRIDE
    masks = np.zeros((len(objects), grid, grid), np.uint8)
    for i, obj in enumerate(objects):
        mask = np.asarray(obj.mask, np.float32)
        if size != side:
            mask = np.asarray(cv2.resize(mask, (size, size), interpolation=cv2.INTER_LINEAR))
        masks[i] = mask.reshape(grid, PROTO_STRIDE, grid, PROTO_STRIDE).mean((1, 3)) >= 0.5
    return masks


def _example(args: tuple[int, int, int, SceneConfig, tuple[int, ...]]) -> Example:
    seed, index, size, config, sizes = args
    sample = generate_sample(seed, index, image_size=size, config=config)
    present = np.zeros(4, np.float32)
    present[list(sample.present_class_ids)] = 1
    return Example(
        image=np.ascontiguousarray(sample.image.transpose(2, 0, 1)),
        boxes=np.array([o.bbox for o in sample.objects], np.float32).reshape(-1, 4),
        classes=np.array([o.class_id for o in sample.objects], np.int64),
        masks=_grid_masks(sample.objects, size, size),
        dominant=sample.dominant_class_id,
        present=present,
        sized_masks={s: _grid_masks(sample.objects, size, s) for s in sizes if s != size},
    )


def make_examples(
    seed: int,
    count: int,
    size: int = 320,
    workers: int = 2,
    hard_fraction: float = 0.3,
    sizes: tuple[int, ...] = (),
) -> list[Example]:
    """Generate ``count`` examples (deterministic in ``seed``), in parallel.

    ``hard_fraction`` above the generator's default shows the network more of the hard
    scenes (tiny, occluded, low-contrast shapes) it has the most to learn from. ``sizes``
    are the network input sizes training will rescale to (see :func:`rescale`).
    """
    config = SceneConfig(hard_fraction=hard_fraction)
    jobs = [(seed, i, size, config, sizes) for i in range(count)]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_example, jobs, chunksize=32))


def jpeg_round_trip(image: np.ndarray, quality: int) -> np.ndarray:
    """``(3, S, S)`` uint8 RGB through PIL's JPEG encoder (the dataset's) and back."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image.transpose(1, 2, 0))).save(
        buffer, format="JPEG", quality=quality
    )
    decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    return np.ascontiguousarray(decoded.transpose(2, 0, 1))


def rescale(example: Example, size: int) -> Example:
    """The example as the server's letterbox would feed it to a ``size`` px network.

    Bilinear like :func:`rf_notebook.server.runtime.letterbox.preprocess`, so training at the
    served size sees the same pixels. Masks come from ``sized_masks`` when it has this size
    (exact), else from resampling the stride-4 grid (approximate).
    """
    side = example.image.shape[1]
    if size == side:
        return example
    linear = cv2.INTER_LINEAR
    image = cv2.resize(example.image.transpose(1, 2, 0), (size, size), interpolation=linear)
    masks = example.sized_masks.get(size)
    if masks is None:
        grid = size // PROTO_STRIDE
        masks = np.zeros((len(example.masks), grid, grid), np.uint8)
        for i, mask in enumerate(example.masks):
            masks[i] = (
                cv2.resize(mask.astype(np.float32), (grid, grid), interpolation=linear) >= 0.5
            )
    return replace(
        example,
        image=np.ascontiguousarray(image.transpose(2, 0, 1)),
        boxes=example.boxes * np.float32(size / side),
        masks=masks,
        sized_masks={},
    )


def augment(example: Example, rng: np.random.Generator, size: int | None = None) -> Example:
    """What the network trains on: JPEG artefacts, then ``size`` px, then flips and turns.

    JPEG comes first because the server gets files and resizes after decoding; every shape
    class is closed under the flips and 90° turns.
    """
    if rng.random() < JPEG_SHARE:
        example = replace(
            example, image=jpeg_round_trip(example.image, int(rng.integers(*JPEG_QUALITY)))
        )
    if size is not None:
        example = rescale(example, size)
    image, boxes, masks = example.image, example.boxes.copy(), example.masks
    side = image.shape[1]
    if rng.random() < 0.5:  # horizontal flip
        image, masks = image[:, :, ::-1], masks[:, :, ::-1]
        boxes[:, [0, 2]] = side - boxes[:, [2, 0]]
    if rng.random() < 0.5:  # vertical flip
        image, masks = image[:, ::-1, :], masks[:, ::-1, :]
        boxes[:, [1, 3]] = side - boxes[:, [3, 1]]
    if rng.random() < 0.5:  # transpose (with the flips, all eight symmetries)
        image, masks = image.transpose(0, 2, 1), masks.transpose(0, 2, 1)
        boxes = boxes[:, [1, 0, 3, 2]]
    return replace(
        example,
        image=np.ascontiguousarray(image),
        boxes=boxes,
        masks=np.ascontiguousarray(masks),
        sized_masks={},
    )


def batches(
    examples: list[Example],
    batch_size: int,
    rng: np.random.Generator,
    train: bool = True,
    sizes: tuple[int, ...] = (),
) -> list[list[Example]]:
    """Shuffled (when training) batches of augmented examples.

    With ``sizes``, each batch is trained at one of them, drawn at random (multi-scale
    training: the network learns shapes at the scales the served input size shows them).
    """
    order = rng.permutation(len(examples)) if train else np.arange(len(examples))
    chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    out = []
    for chunk in chunks:
        if not train:
            out.append([examples[i] for i in chunk])
            continue
        size = int(rng.choice(sizes)) if sizes else None
        out.append([augment(examples[i], rng, size) for i in chunk])
    return out


def stack_images(batch: list[Example]) -> torch.Tensor:
    """``(B, 3, S, S)`` float in 0–1."""
    import torch  # here, so the rest of this module (and its tests) need no torch

    return torch.from_numpy(np.stack([e.image for e in batch])).float().div_(255.0)
