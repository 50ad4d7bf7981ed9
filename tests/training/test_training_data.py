"""The training data path (no torch needed): JPEG artefacts, multi-scale, flips.

The models are only as good as the match between what they train on and what the server
feeds them, so these tests compare training pixels with the dataset's files and the
server's own preprocessing, pixel for pixel.
"""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from rf_notebook.datasets.make import encode_jpeg
from rf_notebook.server.runtime.letterbox import preprocess
from rf_notebook.training.data import (
    PROTO_STRIDE,
    Example,
    augment,
    batches,
    jpeg_round_trip,
    make_examples,
    rescale,
)


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return make_examples(seed=11, count=6, workers=1, hard_fraction=0.5, sizes=(320, 384))


def _mask_box(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    return np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float32)


def test_jpeg_round_trip_gives_the_pixels_of_the_datasets_files(examples: list[Example]) -> None:
    image = examples[0].image
    file = np.asarray(Image.open(io.BytesIO(encode_jpeg(image.transpose(1, 2, 0), 90))))
    trip = jpeg_round_trip(image, 90)
    assert trip.shape == image.shape and trip.dtype == np.uint8
    assert np.array_equal(trip, file.transpose(2, 0, 1))
    assert not np.array_equal(trip, image)  # the artefacts are really there


def test_rescale_feeds_the_network_what_the_servers_letterbox_does(
    examples: list[Example],
) -> None:
    example = examples[1]
    scaled = rescale(example, 384)
    tensor, _ = preprocess(np.ascontiguousarray(example.image.transpose(1, 2, 0)), 384, 384)
    served = np.rint(tensor[0] * 255).astype(np.int16)
    assert scaled.image.shape == (3, 384, 384)
    assert np.abs(served - scaled.image.astype(np.int16)).max() <= 1
    np.testing.assert_allclose(scaled.boxes, example.boxes * 1.2, rtol=1e-6)
    assert scaled.masks is example.sized_masks[384]  # made from the full-resolution masks
    assert scaled.masks.shape == (len(example.masks), 384 // PROTO_STRIDE, 384 // PROTO_STRIDE)
    assert rescale(example, 320) is example


def test_rescaled_masks_fit_their_boxes(examples: list[Example]) -> None:
    for example in examples:
        exact = rescale(example, 384)
        approx = rescale(replace(example, sized_masks={}), 384)  # resampled stride-4 grid
        for box, mask, rough in zip(exact.boxes, exact.masks, approx.masks, strict=True):
            if mask.sum() < 4:
                continue
            np.testing.assert_allclose(_mask_box(mask) * PROTO_STRIDE, box, atol=6)
            if mask.sum() >= 20:  # resampling a coarse grid blurs only the smallest badly
                assert (mask & rough).sum() / (mask | rough).sum() > 0.6


def test_augmented_boxes_stay_on_their_masks(examples: list[Example]) -> None:
    rng = np.random.default_rng(0)
    changed = 0
    for _ in range(4):
        for example in examples:
            out = augment(example, rng)
            changed += not np.array_equal(out.image, example.image)
            for box, mask in zip(out.boxes, out.masks, strict=True):
                if mask.sum() < 4:
                    continue  # a tiny shape can vanish on the stride-4 grid
                np.testing.assert_allclose(_mask_box(mask) * PROTO_STRIDE, box, atol=6)
    assert changed >= 20  # flips and JPEG leave few images untouched


def test_multi_scale_batches_draw_one_size_per_batch(examples: list[Example]) -> None:
    rng = np.random.default_rng(3)
    seen = set()
    for _ in range(4):
        for batch in batches(examples, 2, rng, sizes=(320, 384)):
            sizes = {e.image.shape[1] for e in batch}
            assert len(sizes) == 1 and sizes <= {320, 384}
            for e in batch:
                assert e.masks.shape[1] * PROTO_STRIDE == e.image.shape[1]
                for box, mask in zip(e.boxes, e.masks, strict=True):  # flipped together
                    if mask.sum() >= 4:
                        np.testing.assert_allclose(_mask_box(mask) * PROTO_STRIDE, box, atol=6)
            seen |= sizes
    assert seen == {320, 384}
