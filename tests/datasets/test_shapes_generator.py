"""The shapes generator: determinism, exact annotations, hard cases."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from itertools import count
from pathlib import Path

import cv2
import numpy as np
import pytest

from rf_notebook.datasets import (
    CLASS_NAMES,
    HARD_CASES,
    LOOKALIKE_NAMES,
    Sample,
    SceneConfig,
    generate_sample,
)
from rf_notebook.datasets import scene as scene_module
from rf_notebook.datasets.polygons import mask_box, mask_iou, mask_polygons, polygons_to_mask
from rf_notebook.datasets.shapes import Raster

REPO = Path(__file__).resolve().parents[2]
_FINGERPRINT_CODE = """
import hashlib, sys
from rf_notebook.datasets import generate_sample
s = generate_sample(int(sys.argv[1]), int(sys.argv[2]), image_size=(400, 336))
h = hashlib.sha256(s.image.tobytes())
for o in s.objects:
    h.update(repr((o.class_id, o.bbox, o.area)).encode())
    h.update(o.mask.tobytes())
    for p in o.polygons:
        h.update(p.tobytes())
print(h.hexdigest())
"""


def fingerprint(sample: Sample) -> str:
    digest = hashlib.sha256(sample.image.tobytes())
    for obj in sample.objects:
        digest.update(repr((obj.class_id, obj.bbox, obj.area)).encode())
        digest.update(obj.mask.tobytes())
        for polygon in obj.polygons:
            digest.update(polygon.tobytes())
    return digest.hexdigest()


def test_same_seed_and_index_give_identical_samples() -> None:
    # given / when
    first = generate_sample(11, 4, image_size=(400, 336))
    second = generate_sample(11, 4, image_size=(400, 336))

    # then
    assert fingerprint(first) == fingerprint(second)
    assert first.hard_cases == second.hard_cases
    assert first.lookalikes == second.lookalikes


def test_other_index_or_seed_gives_a_different_sample() -> None:
    base = fingerprint(generate_sample(11, 4))

    assert fingerprint(generate_sample(11, 5)) != base
    assert fingerprint(generate_sample(12, 4)) != base


def test_sample_is_identical_in_a_fresh_process() -> None:
    # given
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    # when
    result = subprocess.run(
        [sys.executable, "-c", _FINGERPRINT_CODE, "11", "4"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
    )

    # then
    assert result.stdout.strip() == fingerprint(generate_sample(11, 4, image_size=(400, 336)))


@pytest.mark.parametrize("index", range(12))
def test_annotations_are_consistent_with_their_masks(index: int) -> None:
    sample = generate_sample(2, index, image_size=(384, 320))
    union = np.zeros((sample.height, sample.width), dtype=bool)

    assert sample.image.shape == (320, 384, 3)
    assert sample.image.dtype == np.uint8
    assert sample.objects, "every image has at least one labelled object"
    for obj in sample.objects:
        assert obj.mask.shape == (320, 384)
        assert obj.area == int(obj.mask.sum()) >= 40
        assert obj.bbox == mask_box(obj.mask)
        assert obj.visible_fraction >= 0.25
        assert not (union & obj.mask).any(), "visible masks of two objects overlap"
        union |= obj.mask
        redrawn = polygons_to_mask(obj.polygons, sample.width, sample.height)
        assert mask_iou(redrawn, obj.mask) > 0.9
        assert obj.class_name == CLASS_NAMES[obj.class_id]
    areas = [o.area for o in sample.objects]
    assert sample.dominant_class_id == sample.objects[int(np.argmax(areas))].class_id
    assert sample.present_class_ids == tuple(sorted({o.class_id for o in sample.objects}))


@pytest.fixture(scope="module")
def samples() -> list[Sample]:
    return [generate_sample(5, i) for i in range(36)]


def test_dominant_object_is_clearly_largest_of_its_rivals(samples: list[Sample]) -> None:
    margins = []
    for sample in samples:
        best = max(o.area for o in sample.objects if o.class_id == sample.dominant_class_id)
        rivals = [o.area for o in sample.objects if o.class_id != sample.dominant_class_id]
        margins.append(best / max(rivals) if rivals else np.inf)

    # the redraw limit may rarely give up
    assert sum(m >= 1.25 for m in margins) >= len(samples) - 2


def _flat_paint(colors: dict[tuple[float, float, float], int]):  # type: ignore[no-untyped-def]
    counter = count(1)

    def contrasting_color(rng, reference, *, low_contrast):  # type: ignore[no-untyped-def]
        i = next(counter)
        color = (float(i * 37 % 256), float(i * 91 % 256), float(i * 11 % 256))
        colors[color] = i
        return color

    def paint_shape(image, raster: Raster, color, rng) -> None:  # type: ignore[no-untyped-def]
        height, width = image.shape[:2]
        x0, y0 = max(raster.x0, 0), max(raster.y0, 0)
        x1, y1 = min(raster.x1, width), min(raster.y1, height)
        crop = raster.mask[y0 - raster.y0 : y1 - raster.y0, x0 - raster.x0 : x1 - raster.x0]
        image[y0:y1, x0:x1][crop] = color

    return contrasting_color, paint_shape


@pytest.mark.parametrize("index", [0, 1, 2, 5, 8, 13])
def test_visible_masks_are_exactly_the_pixels_each_shape_shows(
    monkeypatch: pytest.MonkeyPatch, index: int
) -> None:
    # given: flat, unique colours, a black background and no noise or blur
    colors: dict[tuple[float, float, float], int] = {}
    contrasting_color, paint_shape = _flat_paint(colors)
    monkeypatch.setattr(scene_module, "contrasting_color", contrasting_color)
    monkeypatch.setattr(scene_module, "paint_shape", paint_shape)
    monkeypatch.setattr(
        scene_module,
        "render_background",
        lambda rng, w, h, clutter: np.zeros((h, w, 3), np.float32),
    )
    monkeypatch.setattr(
        scene_module, "degrade", lambda image, rng, strength: image.astype(np.uint8)
    )
    config = SceneConfig(hard_fraction=0.5)

    # when
    sample = generate_sample(4, index, config=config)

    # then: each object's mask is the set of pixels showing one painted colour
    shown = {color: np.all(sample.image == np.array(color, np.uint8), axis=2) for color in colors}
    for obj in sample.objects:
        matches = [c for c, pixels in shown.items() if (pixels & obj.mask).any()]
        assert len(matches) == 1, "a visible mask covers pixels of another shape"
        pixels = shown[matches[0]]
        assert not (obj.mask & ~pixels).any()
        leftover = (pixels & ~obj.mask).astype(np.uint8)
        _, _, stats, _ = cv2.connectedComponentsWithStats(leftover, connectivity=8)
        assert all(stats[1:, cv2.CC_STAT_AREA] < 12), "only sub-12-pixel specks are unlabelled"


def test_a_hole_in_a_visible_mask_becomes_a_spliced_polygon() -> None:
    mask = np.zeros((40, 40), dtype=bool)
    mask[5:35, 5:35] = True
    mask[15:22, 15:25] = False

    polygons = mask_polygons(mask, tolerance=0.0)

    assert len(polygons) == 1
    assert mask_iou(polygons_to_mask(polygons, 40, 40), mask) > 0.98


def test_hard_cases_show_up_in_about_the_configured_fraction(samples: list[Sample]) -> None:
    fraction = sum(bool(s.hard_cases) for s in samples) / len(samples)

    assert 0.1 <= fraction <= 0.55
    assert all(set(s.hard_cases) <= set(HARD_CASES) for s in samples)
    assert all(set(s.lookalikes) <= set(LOOKALIKE_NAMES) for s in samples)


def test_hard_cases_are_what_they_claim() -> None:
    config = SceneConfig(hard_fraction=1.0)
    samples = [generate_sample(6, i, config=config) for i in range(16)]

    assert all(1 <= len(s.hard_cases) <= 2 for s in samples)
    tiny = [s for s in samples if "tiny" in s.hard_cases]
    lookalike = [s for s in samples if "lookalikes" in s.hard_cases]
    assert tiny and lookalike
    for sample in tiny:
        sides = [max(o.bbox[2] - o.bbox[0], o.bbox[3] - o.bbox[1]) for o in sample.objects]
        assert sum(side <= 21 for side in sides) >= 3
    assert all(len(s.lookalikes) >= 3 for s in lookalike)


def test_sizes_span_tiny_to_large_and_all_classes_appear(samples: list[Sample]) -> None:
    sides = [max(o.bbox[2] - o.bbox[0], o.bbox[3] - o.bbox[1]) for s in samples for o in s.objects]
    classes = {o.class_id for s in samples for o in s.objects}

    assert min(sides) <= 20  # ~10 px ones come with the "tiny" hard case
    assert max(sides) >= 0.3 * 320
    assert classes == set(range(len(CLASS_NAMES)))


def test_no_hard_cases_when_fraction_is_zero() -> None:
    config = SceneConfig(hard_fraction=0.0)

    assert not any(generate_sample(8, i, config=config).hard_cases for i in range(8))


def test_to_detections_carries_boxes_masks_and_ids() -> None:
    sample = generate_sample(9, 1)

    detections = sample.to_detections()

    assert len(detections) == len(sample.objects)
    assert detections.mask is not None and detections.mask.shape[1:] == (320, 320)
    assert detections.class_id is not None
    assert detections.class_id.tolist() == [o.class_id for o in sample.objects]
    np.testing.assert_array_equal(detections.xyxy, np.array([o.bbox for o in sample.objects]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": -1, "index": 0}, "non-negative"),
        ({"seed": 0, "index": -3}, "non-negative"),
        ({"seed": 0, "index": 0, "image_size": 32}, "64-4096"),
        ({"seed": 0, "index": 0, "image_size": (320, 5000)}, "64-4096"),
    ],
)
def test_bad_arguments_are_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_sample(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [{"hard_fraction": 1.5}, {"min_visible_fraction": 0.0}, {"max_objects": 0}],
)
def test_bad_config_is_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        SceneConfig(**kwargs)  # type: ignore[arg-type]
