"""Training data straight from the generator: images, boxes, classes, masks, labels."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import torch

from ..datasets import SceneConfig, generate_sample

PROTO_STRIDE = 4


@dataclass
class Example:
    """One training image: ``(3, S, S)`` uint8, boxes ``(n, 4)``, classes, stride-4 masks."""

    image: np.ndarray
    boxes: np.ndarray
    classes: np.ndarray
    masks: np.ndarray
    dominant: int
    present: np.ndarray


def _example(args: tuple[int, int, int, SceneConfig]) -> Example:
    seed, index, size, config = args
    sample = generate_sample(seed, index, image_size=size, config=config)
    h, w = size // PROTO_STRIDE, size // PROTO_STRIDE
    masks = np.zeros((len(sample.objects), h, w), np.uint8)
    for i, obj in enumerate(sample.objects):  # area-average down to the prototype grid
        masks[i] = obj.mask.reshape(h, PROTO_STRIDE, w, PROTO_STRIDE).mean((1, 3)) >= 0.5
    present = np.zeros(4, np.float32)
    present[list(sample.present_class_ids)] = 1
    return Example(
        image=np.ascontiguousarray(sample.image.transpose(2, 0, 1)),
        boxes=np.array([o.bbox for o in sample.objects], np.float32).reshape(-1, 4),
        classes=np.array([o.class_id for o in sample.objects], np.int64),
        masks=masks,
        dominant=sample.dominant_class_id,
        present=present,
    )


def make_examples(
    seed: int, count: int, size: int = 320, workers: int = 2, hard_fraction: float = 0.3
) -> list[Example]:
    """Generate ``count`` examples (deterministic in ``seed``), in parallel.

    ``hard_fraction`` above the generator's default shows the network more of the hard
    scenes (tiny, occluded, low-contrast shapes) it has the most to learn from.
    """
    config = SceneConfig(hard_fraction=hard_fraction)
    jobs = [(seed, i, size, config) for i in range(count)]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_example, jobs, chunksize=32))


def augment(example: Example, rng: np.random.Generator) -> Example:
    """Flips and 90° turns: every shape class is closed under them."""
    image, boxes, masks = example.image, example.boxes.copy(), example.masks
    size = image.shape[1]
    if rng.random() < 0.5:  # horizontal flip
        image, masks = image[:, :, ::-1], masks[:, :, ::-1]
        boxes[:, [0, 2]] = size - boxes[:, [2, 0]]
    if rng.random() < 0.5:  # vertical flip
        image, masks = image[:, ::-1, :], masks[:, ::-1, :]
        boxes[:, [1, 3]] = size - boxes[:, [3, 1]]
    if rng.random() < 0.5:  # transpose (with the flips, all eight symmetries)
        image, masks = image.transpose(0, 2, 1), masks.transpose(0, 2, 1)
        boxes = boxes[:, [1, 0, 3, 2]]
    return Example(
        np.ascontiguousarray(image),
        boxes,
        example.classes,
        np.ascontiguousarray(masks),
        example.dominant,
        example.present,
    )


def batches(
    examples: list[Example], batch_size: int, rng: np.random.Generator, train: bool = True
) -> list[list[Example]]:
    """Shuffled (when training) batches of augmented examples."""
    order = rng.permutation(len(examples)) if train else np.arange(len(examples))
    picked = [augment(examples[i], rng) if train else examples[i] for i in order]
    return [picked[i : i + batch_size] for i in range(0, len(picked), batch_size)]


def stack_images(batch: list[Example]) -> torch.Tensor:
    """``(B, 3, S, S)`` float in 0–1."""
    return torch.from_numpy(np.stack([e.image for e in batch])).float().div_(255.0)
