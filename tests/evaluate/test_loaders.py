"""Loaders write small datasets to tmp dirs and read them back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_notebook.errors import ConfigError
from rf_notebook.evaluate import (
    AnnotationError,
    Evaluation,
    evaluate,
    load_ground_truth,
    load_voc,
    load_yolo,
)
from tests.evaluate.conftest import box, coco_ground_truth, response


def _image(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size).save(path)
    return path


ROBOFLOW_COCO: dict[str, Any] = {
    "info": {"description": "exported from roboflow.com"},
    "categories": [
        {"id": 0, "name": "shapes", "supercategory": "none"},
        {"id": 1, "name": "circle", "supercategory": "shapes"},
        {"id": 2, "name": "square", "supercategory": "shapes"},
    ],
    "images": [
        {"id": 0, "file_name": "a_jpg.rf.0123abcd.jpg", "width": 64, "height": 48},
        {"id": 1, "file_name": "b_png.rf.ffee.jpg", "width": 64, "height": 48},
    ],
    "annotations": [
        {
            "id": 0,
            "image_id": 0,
            "category_id": 1,
            "bbox": [1.5, 2, 10, 20],
            "area": 200,
            "segmentation": [[1.5, 2, 11.5, 2, 11.5, 22, 1.5, 22]],
            "iscrowd": 0,
        },
        {
            "id": 1,
            "image_id": 0,
            "category_id": 2,
            "bbox": [30, 5, 8, 8],
            "area": 64,
            "segmentation": [],
            "iscrowd": 0,
        },
        {
            "id": 2,
            "image_id": 1,
            "category_id": 2,
            "bbox": [0, 0, 64, 48],
            "area": 3072,
            "segmentation": {"counts": [0, 3072], "size": [48, 64]},
            "iscrowd": 1,
        },
    ],
}


def test_roboflow_coco_drops_the_super_category(tmp_path: Path) -> None:
    gt = coco_ground_truth(ROBOFLOW_COCO, tmp_path)
    assert gt.classes == ("circle", "square")
    assert any("shapes" in note for note in gt.notes)
    image = gt["a_jpg.rf.0123abcd.jpg"]
    assert image.class_names == ("circle", "square")
    assert image.boxes.tolist() == [[1.5, 2, 10, 20], [30, 5, 8, 8]]
    assert image.xyxy.tolist()[0] == [1.5, 2, 11.5, 22]
    assert image.area.tolist() == [200, 64] and image.segments[1] is None
    assert (image.width, image.height) == (64, 48)
    assert image.path == tmp_path / "a_jpg.rf.0123abcd.jpg"
    crowd = gt["b_png.rf.ffee.jpg"]
    assert crowd.iscrowd.tolist() == [True] and isinstance(crowd.segments[0], dict)


def test_roboflow_names_join_to_the_original_file_names(tmp_path: Path) -> None:
    gt = coco_ground_truth(ROBOFLOW_COCO, tmp_path)
    assert gt.key_for("/photos/a.jpg") == "a_jpg.rf.0123abcd.jpg"
    assert gt.key_for("b.png") == "b_png.rf.ffee.jpg"
    assert gt.key_for("/x/y/a_jpg.rf.0123abcd.jpg") == "a_jpg.rf.0123abcd.jpg"
    assert gt.key_for("c.jpg") is None


def test_a_used_category_zero_is_kept(tmp_path: Path) -> None:
    coco = json.loads(json.dumps(ROBOFLOW_COCO))
    coco["annotations"][0]["category_id"] = 0
    assert coco_ground_truth(coco, tmp_path).classes == ("shapes", "circle", "square")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["annotations"][0].update(category_id=7), "unknown category_id"),
        (lambda c: c["annotations"][0].update(image_id=9), "unknown image_id"),
        (lambda c: c["categories"][2].update(name="circle"), "both named"),
        (lambda c: c.pop("images"), "'images'"),
    ],
)
def test_bad_coco_files_fail_with_the_place(tmp_path: Path, change: Any, message: str) -> None:
    coco = json.loads(json.dumps(ROBOFLOW_COCO))
    change(coco)
    with pytest.raises(AnnotationError, match=message):
        coco_ground_truth(coco, tmp_path)


@pytest.mark.parametrize("bbox", [[0, 0, -3, 4], [0, 0, float("nan"), 4]])
def test_negative_or_nan_boxes_fail_when_read(tmp_path: Path, bbox: list[float]) -> None:
    coco = json.loads(json.dumps(ROBOFLOW_COCO))
    coco["annotations"][0]["bbox"] = bbox
    gt = coco_ground_truth(coco, tmp_path)
    with pytest.raises(AnnotationError, match="negative or NaN"):
        gt["a_jpg.rf.0123abcd.jpg"]


@pytest.mark.parametrize("size", [-64, 0, float("nan")])
def test_bad_image_sizes_fail(tmp_path: Path, size: float) -> None:
    coco = json.loads(json.dumps(ROBOFLOW_COCO).replace("NaN", "0"))
    coco["images"][0]["width"] = size
    gt = coco_ground_truth(coco, tmp_path)
    with pytest.raises(AnnotationError, match="width"):
        gt["a_jpg.rf.0123abcd.jpg"]


def _yolo(root: Path, names: Any, split: str = "valid") -> None:
    (root / "data.yaml").write_text(
        "train: ../train/images\nval: ../valid/images\n" + f"nc: 2\nnames: {json.dumps(names)}\n"
    )
    _image(root / split / "images" / "a.jpg", (200, 100))
    _image(root / split / "images" / "empty.png", (50, 50))
    labels = root / split / "labels"
    labels.mkdir(parents=True)
    (labels / "a.txt").write_text(
        "0 0.5 0.5 0.2 0.4\n"  # box: centre (100, 50), 40×40
        "1 0.1 0.1 0.3 0.1 0.3 0.5 0.1 0.5\n"  # polygon: (20,10) (60,10) (60,50) (20,50)
    )


def test_yolo_detect_and_seg_labels(tmp_path: Path) -> None:
    _yolo(tmp_path, {0: "circle", 1: "square"})
    gt = load_yolo(tmp_path, split="valid")
    assert gt.classes == ("circle", "square") and sorted(gt) == ["a.jpg", "empty.png"]
    a = gt["a.jpg"]
    assert (a.width, a.height) == (200, 100)
    np.testing.assert_allclose(a.boxes, [[80, 30, 40, 40], [20, 10, 40, 40]])
    assert a.class_names == ("circle", "square")
    assert a.segments[0] is None and a.segments[1] == [[20, 10, 60, 10, 60, 50, 20, 50]]
    np.testing.assert_allclose(a.area, [1600, 1600])
    assert len(gt["empty.png"]) == 0
    assert load_ground_truth(tmp_path, split="valid").classes == gt.classes
    assert load_ground_truth(tmp_path / "data.yaml", split="valid").classes == gt.classes


def test_yolo_seg_ground_truth_evaluates_masks(tmp_path: Path) -> None:
    _yolo(tmp_path, ["circle", "square"])
    square = [{"x": x, "y": y} for x, y in [(20, 10), (60, 10), (60, 50), (20, 50)]]
    preds = {"a.jpg": response(box(20, 10, 60, 50, "square", 0.9, points=square), size=(200, 100))}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = evaluate(preds, load_yolo(tmp_path))
    assert isinstance(ev, Evaluation) and ev.iou_type == "segm"
    assert ev.per_class().loc["square", "AP50"] == pytest.approx(1.0)


def test_yolo_problems(tmp_path: Path) -> None:
    _yolo(tmp_path, ["circle"])
    with pytest.raises(AnnotationError, match="class id 1"):
        load_yolo(tmp_path)["a.jpg"]
    _image(tmp_path / "test" / "images" / "t.jpg")
    with pytest.raises(ConfigError, match="choose one with split="):
        load_yolo(tmp_path)


VOC = """<annotation><filename>{name}</filename>
<size><width>64</width><height>48</height><depth>3</depth></size>
<object><name>circle</name><difficult>1</difficult>
<bndbox><xmin>11</xmin><ymin>21</ymin><xmax>20</xmax><ymax>30</ymax></bndbox></object>
<object><name>square</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>64</xmax><ymax>48</ymax></bndbox></object>
</annotation>"""


def test_pascal_voc(tmp_path: Path) -> None:
    for name in ("a.jpg", "b.jpg"):
        (tmp_path / name.replace(".jpg", ".xml")).write_text(VOC.format(name=name))
    gt = load_voc(tmp_path)
    assert gt.classes == ("circle", "square") and sorted(gt) == ["a.jpg", "b.jpg"]
    a = gt["a.jpg"]
    assert a.xyxy.tolist() == [[10, 20, 20, 30], [0, 0, 64, 48]]
    assert (a.width, a.height) == (64, 48)
    assert any("difficult" in n for n in gt.notes)
    assert load_ground_truth(tmp_path).classes == gt.classes
    (tmp_path / "c.xml").write_text(
        VOC.format(name="c.jpg").replace("<xmin>11</xmin>", "<xmin>x</xmin>")
    )
    with pytest.raises(AnnotationError, match="xmin"):
        load_voc(tmp_path)


def test_load_ground_truth_recognises_a_roboflow_coco_export(tmp_path: Path) -> None:
    for split in ("train", "valid"):
        (tmp_path / split).mkdir()
        (tmp_path / split / "_annotations.coco.json").write_text(json.dumps(ROBOFLOW_COCO))
    with pytest.raises(ConfigError, match="splits"):
        load_ground_truth(tmp_path)
    gt = load_ground_truth(tmp_path, split="valid")
    assert gt.classes == ("circle", "square") and len(gt) == 2
    assert load_ground_truth(tmp_path / "train").source.endswith("_annotations.coco.json")
    with pytest.raises(ConfigError, match="does not exist"):
        load_ground_truth(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(AnnotationError, match="no COCO JSON"):
        load_ground_truth(tmp_path / "empty")


def test_classification_folders_and_multilabel_csv(tmp_path: Path) -> None:
    for cls, name in [("ripe", "a.jpg"), ("ripe", "b.jpg"), ("unripe", "c.jpg")]:
        _image(tmp_path / "folders" / cls / name)
    gt = load_ground_truth(tmp_path / "folders")
    assert gt.classes == ("ripe", "unripe")
    assert gt[gt.key_for("c.jpg") or ""].labels == ("unripe",)
    csv = tmp_path / "multi" / "_classes.csv"
    csv.parent.mkdir()
    csv.write_text("filename, cat, dog\na.jpg,1,0\nb.jpg,1,1\nc.jpg,0,0\n")
    multi = load_ground_truth(tmp_path / "multi")
    assert multi.classes == ("cat", "dog")
    assert [multi[k].labels for k in multi] == [("cat",), ("cat", "dog"), ()]


def test_supervision_datasets_can_be_used_as_they_are(tmp_path: Path) -> None:
    sv = pytest.importorskip("supervision")
    from rf_notebook.evaluate import from_supervision

    _yolo(tmp_path, ["circle", "square"])
    folder = tmp_path / "valid"
    dataset = sv.DetectionDataset.from_yolo(
        str(folder / "images"), str(folder / "labels"), str(tmp_path / "data.yaml")
    )
    gt = from_supervision(dataset)
    ours = load_yolo(tmp_path)
    assert gt.classes == ours.classes and sorted(gt) == sorted(ours)
    a = gt["a.jpg"]
    assert a.class_names == ours["a.jpg"].class_names and (a.width, a.height) == (200, 100)
    np.testing.assert_allclose(a.boxes, ours["a.jpg"].boxes, atol=1e-3)
    assert a.segments[1] is not None  # supervision's mask, as an RLE
