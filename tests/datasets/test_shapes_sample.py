"""The sample set shipped in the package: present, small, and what the generator makes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rf_notebook.datasets import (
    CLASS_NAMES,
    load_sample_dataset,
    sample_classification_labels,
    sample_coco_path,
    sample_data_yaml_path,
    sample_dir,
    sample_images,
    sample_voc_dir,
    sample_yolo_labels_dir,
)
from rf_notebook.datasets.make_sample import SAMPLE_COUNT, write_sample

ANNOTATION_FILES = ("annotations.coco.json", "classification.json", "data.yaml", "README.md")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("sample"))


def test_sample_files_are_present() -> None:
    images = sample_images()

    assert len(images) == SAMPLE_COUNT == 48
    assert sample_coco_path().is_file()
    assert sample_data_yaml_path().is_file()
    for image in images:
        assert (sample_yolo_labels_dir("detect") / f"{image.stem}.txt").is_file()
        assert (sample_yolo_labels_dir("segment") / f"{image.stem}.txt").is_file()
        assert (sample_voc_dir() / f"{image.stem}.xml").is_file()


def test_sample_is_small_and_sized_as_documented() -> None:
    total = sum(f.stat().st_size for f in sample_dir().rglob("*") if f.is_file())

    assert total < 1_400_000
    for path in sample_images():
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert image.mode == "RGB"
            assert all(320 <= side <= 480 for side in image.size)


def test_regenerating_the_sample_gives_the_same_annotations(regenerated: Path) -> None:
    shipped = sample_dir()
    for name in ANNOTATION_FILES:
        assert (regenerated / name).read_bytes() == (shipped / name).read_bytes(), name
    for folder in ("labels", "labels-seg", "voc"):
        names = sorted(p.name for p in (shipped / folder).iterdir())
        assert names == sorted(p.name for p in (regenerated / folder).iterdir())
        for name in names:
            assert (regenerated / folder / name).read_bytes() == (
                shipped / folder / name
            ).read_bytes(), f"{folder}/{name}"


def test_regenerating_the_sample_gives_the_same_images(regenerated: Path) -> None:
    for path in sample_images():
        shipped = np.asarray(Image.open(path), dtype=np.int16)
        fresh = np.asarray(Image.open(regenerated / "images" / path.name), dtype=np.int16)
        assert shipped.shape == fresh.shape
        # Byte-equal with the same libjpeg; allow another JPEG encoder's rounding.
        assert np.abs(shipped - fresh).mean() < 1.0, path.name


def test_sample_loads_with_supervision_in_every_format() -> None:
    coco = load_sample_dataset("coco")
    yolo = load_sample_dataset("yolo")
    yolo_seg = load_sample_dataset("yolo-seg")
    voc = load_sample_dataset("voc")

    assert coco.classes == yolo.classes == list(CLASS_NAMES)
    assert len(coco) == len(yolo) == len(yolo_seg) == len(voc) == 48
    by_name = {Path(p).name: d for p, d in coco.annotations.items()}
    for path, detections in yolo.annotations.items():
        np.testing.assert_allclose(detections.xyxy, by_name[Path(path).name].xyxy, atol=0.01)
    for path, detections in voc.annotations.items():
        np.testing.assert_array_equal(detections.xyxy, by_name[Path(path).name].xyxy)
    assert all(d.mask is not None for _, _, d in yolo_seg)


def test_sample_classification_labels_agree_with_the_boxes() -> None:
    records = sample_classification_labels()
    coco = load_sample_dataset("coco")
    by_name = {Path(p).name: d for p, d in coco.annotations.items()}

    assert [r["filename"] for r in records] == [p.name for p in sample_images()]
    for record in records:
        detections = by_name[record["filename"]]
        assert detections.class_id is not None
        areas = detections.data["area"]
        assert record["dominant"] == CLASS_NAMES[int(detections.class_id[np.argmax(areas)])]
        assert record["present"] == [CLASS_NAMES[i] for i in sorted(set(detections.class_id))]
    assert {r["dominant"] for r in records} == set(CLASS_NAMES)
    assert sum(bool(r["hard_cases"]) for r in records) >= 6


def test_unknown_sample_format_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown sample format"):
        load_sample_dataset("labelme")  # type: ignore[arg-type]
