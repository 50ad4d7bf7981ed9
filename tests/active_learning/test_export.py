"""Export: copies or links, a CSV, COCO that pycocotools loads, YOLO that supervision loads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import supervision as sv
from pycocotools.coco import COCO

from rf_notebook import ConfigError
from rf_notebook.active_learning import Picks, export_picks, pick
from rf_notebook.active_learning.export import file_names
from tests.active_learning.conftest import det, detections, save, scene


@pytest.fixture
def picks(tmp_path: Path) -> Picks:
    folder = tmp_path / "src"
    a = save(scene(1, (100, 80)), folder / "one" / "same.jpg")
    b = save(scene(2, (100, 80)), folder / "two" / "same.png")
    c = save(scene(3, (100, 80)), folder / "empty.jpg")
    results = [
        detections(
            str(a),
            [
                det(0.9, "cat", (10, 20, 50, 60)),
                det(0.45, "dog", (60, 10, 90, 30)),
                det(0.2, "bird", (0, 0, 5, 5)),  # below the threshold: not a pre-annotation
            ],
        ),
        detections(
            str(b),
            [det(0.8, "dog", (20, 20, 60, 50), points=[(20, 20), (60, 20), (60, 50), (20, 50)])],
            task="instance-segmentation",
        ),
        detections(str(c), []),
    ]
    return pick(results, 3, "least_confidence", confidence=0.4, dedup=False)


@pytest.mark.filterwarnings("ignore::DeprecationWarning:pycocotools.*")
def test_export_writes_images_csv_coco_and_yolo(picks: Picks, tmp_path: Path) -> None:
    out = tmp_path / "to-label"
    exported = picks.export(out)
    assert exported.failures == ()
    names = sorted(p.name for p in (out / "images").iterdir())
    assert names == ["empty.jpg", "same-2.png", "same.jpg"]
    table = pd.read_csv(exported.csv)
    assert list(table["image"]) == list(picks.table["image"])
    assert all((out / f).is_file() for f in table["file"])
    # COCO: loadable, boxes as [x, y, w, h], polygons kept
    coco = COCO(str(exported.coco))
    categories = {c["name"]: c["id"] for c in coco.loadCats(coco.getCatIds())}
    assert set(categories) == {"bird", "cat", "dog"}
    by_file = {img["file_name"]: img["id"] for img in coco.loadImgs(coco.getImgIds())}
    cat_dog = coco.loadAnns(coco.getAnnIds(imgIds=[by_file["same.jpg"]]))
    assert sorted(a["bbox"] for a in cat_dog) == [[10, 20, 40, 40], [60, 10, 30, 20]]
    polygon = coco.loadAnns(coco.getAnnIds(imgIds=[by_file["same-2.png"]]))[0]
    assert polygon["segmentation"] == [[20, 20, 60, 20, 60, 50, 20, 50]]
    assert coco.annToMask(polygon).sum() > 1000
    assert coco.getAnnIds(imgIds=[by_file["empty.jpg"]]) == []
    # YOLO: loadable by supervision, boxes back in pixels
    dataset = sv.DetectionDataset.from_yolo(
        images_directory_path=str(out / "images"),
        annotations_directory_path=str(out / "labels"),
        data_yaml_path=str(exported.yolo),
    )
    assert dataset.classes == ["bird", "cat", "dog"]
    loaded = {Path(path).name: dets for path, _, dets in dataset}
    boxes = loaded["same.jpg"]
    order = np.argsort(boxes.xyxy[:, 0])
    np.testing.assert_allclose(boxes.xyxy[order], [[10, 20, 50, 60], [60, 10, 90, 30]], atol=0.01)
    assert boxes.class_id is not None
    assert [dataset.classes[i] for i in boxes.class_id[order]] == ["cat", "dog"]
    assert loaded["same-2.png"].mask is not None
    assert len(loaded["empty.jpg"]) == 0


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_links_point_at_the_originals(picks: Picks, tmp_path: Path, link: str) -> None:
    exported = export_picks(picks, tmp_path / link, link=link, formats=["yolo"])  # type: ignore[arg-type]
    first = exported.images[0]
    assert first is not None and exported.coco is None and exported.yolo is not None
    original = Path(str(picks.results[0].source))
    if link == "symlink":
        assert first.is_symlink() and first.resolve() == original.resolve()
    else:
        assert os.stat(first).st_ino == os.stat(original).st_ino or exported.notes


def test_in_memory_images_are_written_and_missing_ones_recorded(tmp_path: Path) -> None:
    results = [detections(None, [det(0.5, "cat")]), detections("nowhere.jpg", [det(0.6, "cat")])]
    picks = pick(results, 2, "least_confidence", images={"#0": scene(7)}, dedup=False)
    exported = export_picks(picks, tmp_path / "out")
    assert [f[0] for f in exported.failures] == ["nowhere.jpg"]
    written = [p for p in exported.images if p is not None]
    assert [p.suffix for p in written] == [".png"]
    doc = json.loads(exported.coco.read_text())  # type: ignore[union-attr]
    assert len(doc["images"]) == 1 and len(doc["annotations"]) == 1


def test_an_earlier_export_is_not_overwritten_by_accident(picks: Picks, tmp_path: Path) -> None:
    export_picks(picks, tmp_path / "out")
    with pytest.raises(ConfigError, match="overwrite=True"):
        export_picks(picks, tmp_path / "out")
    again = export_picks(picks, tmp_path / "out", overwrite=True)
    assert len(list((tmp_path / "out" / "images").iterdir())) == 3 and not again.failures


def test_file_names_are_safe_and_unique() -> None:
    assert file_names(["../../etc/passwd.jpg", "a b.JPG", "x/a b.png", "#4"]) == [
        "passwd.jpg",
        "a_b.jpg",
        "a_b-2.png",
        "image-4.jpg",
    ]
