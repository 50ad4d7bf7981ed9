"""Dedup by dHash: resized and re-encoded copies are dropped, different images are kept."""

from __future__ import annotations

import io
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image

from rf_notebook.active_learning import DEFAULT_DISTANCE, dhash, hamming, image_hash, pick
from tests.active_learning.conftest import det, detections, save, scene


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dhash_is_bit_for_bit_imagehash_dhash(seed: int) -> None:
    image = scene(seed)
    assert dhash(image) == int(str(imagehash.dhash(image)), 16)


def test_copies_are_close_and_different_images_are_far(tmp_path: Path) -> None:
    originals = [save(scene(s, (320, 240)), tmp_path / f"o{s}.png") for s in range(8)]
    hashes = [image_hash(p) for p in originals]
    assert all(h is not None for h in hashes)
    far = [hamming(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1 :]]  # type: ignore[arg-type]
    assert min(far) > DEFAULT_DISTANCE
    for path, original in zip(originals, hashes, strict=True):
        image = Image.open(path).convert("RGB")
        for size, quality in [((160, 120), 40), ((480, 360), 95), ((200, 150), 60)]:
            copy = save(image.resize(size, Image.Resampling.BILINEAR), tmp_path / "c.jpg", quality)
            near = image_hash(copy)
            assert near is not None and hamming(near, original) <= DEFAULT_DISTANCE  # type: ignore[arg-type]


def test_pick_drops_copies_and_keeps_the_best_scoring_original(tmp_path: Path) -> None:
    # given: three different scenes, a half-size JPEG copy of the first and a q=30 copy of
    # the second; the copies score higher than their originals
    a = save(scene(10, (320, 240)), tmp_path / "a.png")
    b = save(scene(11, (320, 240)), tmp_path / "b.jpg", quality=95)
    c = save(scene(12, (320, 240)), tmp_path / "c.png")
    a_small = save(Image.open(a).resize((160, 120)), tmp_path / "a_small.jpg", quality=70)
    b_worse = save(Image.open(b), tmp_path / "b_q30.jpg", quality=30)
    results = [
        detections(str(a), [det(0.9)]),
        detections(str(b), [det(0.8)]),
        detections(str(c), [det(0.7)]),
        detections(str(a_small), [det(0.45)]),
        detections(str(b_worse), [det(0.5)]),
    ]
    # when
    picks = pick(results, 5, "least_confidence")
    # then
    assert list(picks.table["image"]) == [str(a_small), str(b_worse), str(c)]
    why = dict(zip(picks.dropped["image"], picks.dropped["why"], strict=True))
    assert why[str(b)].startswith(f"near-duplicate of {b_worse}")
    assert why[str(a)].startswith(f"near-duplicate of {a_small}")
    kept_all = pick(results, 5, "least_confidence", dedup=False)
    assert len(kept_all) == 5 and kept_all.dropped.empty


def test_images_mapping_gives_pixels_to_results_without_files() -> None:
    pixels = np.asarray(scene(3))
    results = [detections(None, [det(0.5)]), detections(None, [det(0.6)])]
    same = {"#0": pixels, "#1": pixels.copy()}
    assert len(pick(results, 2, "least_confidence", images=same)) == 1
    different = {"#0": pixels, "#1": np.asarray(scene(4))}
    assert len(pick(results, 2, "least_confidence", images=different)) == 2


def test_unreadable_images_are_kept_and_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    results = [
        detections(str(broken), [det(0.5)]),
        detections(str(tmp_path / "missing.jpg"), [det(0.6)]),
        detections("https://example.com/x.jpg", [det(0.7)]),
    ]
    picks = pick(results, 3, "least_confidence")
    assert len(picks) == 3
    assert picks.warnings[0].startswith("3 images could not be read")


def test_exif_rotation_is_applied_before_hashing(tmp_path: Path) -> None:
    image = scene(5, (200, 100))
    upright = save(image, tmp_path / "upright.jpg")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: viewers turn it 90° clockwise
    buffer = io.BytesIO()
    image.transpose(Image.Transpose.ROTATE_90).save(buffer, format="JPEG", quality=90, exif=exif)
    rotated = tmp_path / "rotated.jpg"
    rotated.write_bytes(buffer.getvalue())
    assert hamming(image_hash(upright), image_hash(rotated)) <= DEFAULT_DISTANCE  # type: ignore[arg-type]
