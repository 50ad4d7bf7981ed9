"""Every export loads with supervision (and COCO with pycocotools) and matches the generator."""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import supervision as sv
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from rf_notebook.datasets import CLASS_NAMES, SPLIT_OFFSETS, Sample, generate_sample, make_dataset
from rf_notebook.datasets.cli import add_parser, run
from rf_notebook.datasets.polygons import mask_iou

SEED = 21
SIZE = (352, 288)
COUNTS = {"train": 5, "valid": 3, "test": 2}


@cache
def truth(split: str, file_name: str) -> Sample:
    position = int(Path(file_name).stem.split("-")[1])
    return generate_sample(SEED, SPLIT_OFFSETS[split] + position, image_size=SIZE)


def boxes(sample: Sample) -> np.ndarray:
    return np.array([o.bbox for o in sample.objects], dtype=np.float64)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shapes")
    return make_dataset(
        out,
        n_train=COUNTS["train"],
        n_valid=COUNTS["valid"],
        n_test=COUNTS["test"],
        seed=SEED,
        image_size=SIZE,
    )


def test_every_format_writes_every_split(dataset: Path) -> None:
    info = json.loads((dataset / "dataset.json").read_text())

    assert info["splits"] == COUNTS
    assert info["classes"] == list(CLASS_NAMES)
    for split, n in COUNTS.items():
        assert len(list((dataset / "coco" / split).glob("*.jpg"))) == n
        assert len(list((dataset / "yolo" / split / "labels").glob("*.txt"))) == n
        assert len(list((dataset / "yolo-seg" / split / "images").glob("*.jpg"))) == n
        assert len(list((dataset / "voc" / split).glob("*.xml"))) == n
        assert len(list((dataset / "classification" / split).glob("*/*.jpg"))) == n
        assert len(list((dataset / "multilabel" / split).glob("*.jpg"))) == n


@pytest.mark.parametrize("split", list(COUNTS))
def test_coco_loads_with_supervision_and_matches(dataset: Path, split: str) -> None:
    folder = dataset / "coco" / split
    loaded = sv.DetectionDataset.from_coco(str(folder), str(folder / "_annotations.coco.json"))

    assert loaded.classes == list(CLASS_NAMES)
    assert len(loaded) == COUNTS[split]
    for path, detections in loaded.annotations.items():
        sample = truth(split, Path(path).name)
        np.testing.assert_array_equal(detections.xyxy, boxes(sample))
        assert detections.class_id is not None and detections.mask is not None
        assert detections.class_id.tolist() == [o.class_id for o in sample.objects]
        for mask, obj in zip(detections.mask, sample.objects, strict=True):
            assert mask_iou(mask, obj.mask) > 0.9


@pytest.mark.filterwarnings("ignore::DeprecationWarning:pycocotools")
def test_coco_loads_with_pycocotools_and_matches(dataset: Path) -> None:
    coco = COCO(str(dataset / "coco" / "train" / "_annotations.coco.json"))

    assert sorted(coco.getCatIds()) == [1, 2, 3, 4]
    assert [c["name"] for c in coco.loadCats([1, 2, 3, 4])] == list(CLASS_NAMES)
    for image in coco.dataset["images"]:
        sample = truth("train", image["file_name"])
        assert (image["width"], image["height"]) == SIZE
        annotations = coco.loadAnns(coco.getAnnIds(imgIds=image["id"]))
        assert len(annotations) == len(sample.objects)
        for annotation, obj in zip(annotations, sample.objects, strict=True):
            x1, y1, x2, y2 = obj.bbox
            assert annotation["bbox"] == [x1, y1, x2 - x1, y2 - y1]
            assert annotation["area"] == obj.area
            assert annotation["category_id"] == obj.class_id + 1
            assert annotation["iscrowd"] == 0
            # pycocotools reads vertices as pixel corners, not centres: it drops
            # the last row and column, which matters only for small objects.
            iou = mask_iou(coco.annToMask(annotation).astype(bool), obj.mask)
            assert iou > (0.85 if obj.area >= 500 else 0.55)


def test_coco_ground_truth_scores_perfectly_against_itself(dataset: Path) -> None:
    # given
    gt = COCO(str(dataset / "coco" / "valid" / "_annotations.coco.json"))
    keys = ("image_id", "category_id", "bbox")
    results = [{**{k: a[k] for k in keys}, "score": 1.0} for a in gt.dataset["annotations"]]
    detections = gt.loadRes(results)

    # when
    evaluator = COCOeval(gt, detections, iouType="bbox")
    evaluator.params.areaRng = [[0, 1e10]] * 4  # small objects count too
    evaluator.evaluate()
    evaluator.accumulate()

    # then
    precision = evaluator.eval["precision"][:, :, :, 0, -1]
    assert np.allclose(precision[precision > -1], 1.0)


@pytest.mark.parametrize("split", ["train", "test"])
def test_yolo_detect_loads_with_supervision_and_matches(dataset: Path, split: str) -> None:
    root = dataset / "yolo"
    loaded = sv.DetectionDataset.from_yolo(
        str(root / split / "images"), str(root / split / "labels"), str(root / "data.yaml")
    )

    assert loaded.classes == list(CLASS_NAMES)
    assert len(loaded) == COUNTS[split]
    for path, detections in loaded.annotations.items():
        sample = truth(split, Path(path).name)
        np.testing.assert_allclose(detections.xyxy, boxes(sample), atol=0.01)
        assert detections.class_id is not None
        assert detections.class_id.tolist() == [o.class_id for o in sample.objects]
        assert detections.mask is None


def test_yolo_segment_loads_with_supervision_and_matches(dataset: Path) -> None:
    root = dataset / "yolo-seg"
    loaded = sv.DetectionDataset.from_yolo(
        str(root / "train" / "images"), str(root / "train" / "labels"), str(root / "data.yaml")
    )

    for path, detections in loaded.annotations.items():
        sample = truth("train", Path(path).name)
        assert detections.mask is not None
        assert len(detections) == len(sample.objects)
        # A box from polygon vertices ends on the last pixel's centre: up to 1 px short.
        np.testing.assert_allclose(detections.xyxy, boxes(sample), atol=1.01)
        for mask, obj in zip(detections.mask, sample.objects, strict=True):
            assert mask_iou(mask, obj.mask) > 0.9


def test_yolo_data_yaml_names_the_classes_and_split_folders(dataset: Path) -> None:
    import yaml

    data = yaml.safe_load((dataset / "yolo" / "data.yaml").read_text())

    assert data["names"] == list(CLASS_NAMES)
    assert data["nc"] == 4
    assert (data["train"], data["val"], data["test"]) == (
        "train/images",
        "valid/images",
        "test/images",
    )


@pytest.mark.parametrize("split", list(COUNTS))
def test_pascal_voc_loads_with_supervision_and_matches(dataset: Path, split: str) -> None:
    folder = str(dataset / "voc" / split)
    loaded = sv.DetectionDataset.from_pascal_voc(folder, folder)

    assert set(loaded.classes) <= set(CLASS_NAMES)
    for path, detections in loaded.annotations.items():
        sample = truth(split, Path(path).name)
        np.testing.assert_array_equal(detections.xyxy, boxes(sample))
        assert detections.class_id is not None
        names = [loaded.classes[i] for i in detections.class_id]
        assert names == [o.class_name for o in sample.objects]


@pytest.mark.parametrize("split", list(COUNTS))
def test_classification_folders_load_with_supervision(dataset: Path, split: str) -> None:
    loaded = sv.ClassificationDataset.from_folder_structure(str(dataset / "classification" / split))

    assert loaded.classes == sorted(CLASS_NAMES)  # supervision sorts folder names
    assert len(loaded) == COUNTS[split]
    for path, classification in loaded.annotations.items():
        assert classification.class_id is not None
        label = loaded.classes[int(classification.class_id[0])]
        assert label == truth(split, Path(path).name).dominant_class_name


def test_multilabel_csv_lists_the_shapes_present(dataset: Path) -> None:
    with (dataset / "multilabel" / "valid" / "_classes.csv").open() as handle:
        rows = list(csv.DictReader(handle))

    assert len(rows) == COUNTS["valid"]
    for row in rows:
        assert (dataset / "multilabel" / "valid" / row["filename"]).is_file()
        present = {name for name in CLASS_NAMES if row[name] == "1"}
        assert present == set(truth("valid", row["filename"]).present_class_names)


def test_labels_json_has_both_classification_labels(dataset: Path) -> None:
    records = json.loads((dataset / "labels.json").read_text())

    assert len(records) == sum(COUNTS.values())
    for record in records:
        sample = truth(record["split"], record["filename"])
        assert record["dominant"] == sample.dominant_class_name
        assert record["present"] == list(sample.present_class_names)
        assert record["n_objects"] == len(sample.objects)


def test_splits_do_not_overlap(dataset: Path) -> None:
    digests: dict[str, set[str]] = {}
    for split in COUNTS:
        files = sorted((dataset / "coco" / split).glob("*.jpg"))
        digests[split] = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
        assert len(digests[split]) == COUNTS[split]

    assert not digests["train"] & digests["valid"]
    assert not digests["train"] & digests["test"]
    assert not digests["valid"] & digests["test"]


def test_held_out_splits_do_not_depend_on_the_train_size(dataset: Path, tmp_path: Path) -> None:
    other = make_dataset(tmp_path, n_train=1, n_valid=2, n_test=0, seed=SEED, image_size=SIZE,
                         formats="voc")  # fmt: skip

    for name in ("valid-00000.jpg", "valid-00001.jpg"):
        assert (other / "voc" / "valid" / name).read_bytes() == (
            dataset / "voc" / "valid" / name
        ).read_bytes()


def test_roboflow_supercategory_mimics_roboflow_exports(tmp_path: Path) -> None:
    out = make_dataset(
        tmp_path, n_train=2, n_valid=0, n_test=0, seed=SEED, formats="coco", roboflow_coco=True
    )
    path = out / "coco" / "train" / "_annotations.coco.json"
    categories = json.loads(path.read_text())["categories"]

    assert categories[0] == {"id": 0, "name": "shapes", "supercategory": "none"}
    loaded = sv.DetectionDataset.from_coco(str(path.parent), str(path))
    assert loaded.classes == ["shapes", *CLASS_NAMES]
    for image_path, detections in loaded.annotations.items():
        sample = generate_sample(SEED, int(Path(image_path).stem[-5:]))
        assert detections.class_id is not None
        assert detections.class_id.tolist() == [o.class_id + 1 for o in sample.objects]


def test_existing_output_needs_overwrite(tmp_path: Path) -> None:
    make_dataset(tmp_path, n_train=1, n_valid=0, n_test=0, formats="yolo")

    with pytest.raises(FileExistsError):
        make_dataset(tmp_path, n_train=1, n_valid=0, n_test=0, formats="yolo")
    (tmp_path / "keep.txt").write_text("mine")
    make_dataset(tmp_path, n_train=2, n_valid=0, n_test=0, formats="yolo", overwrite=True)
    assert len(list((tmp_path / "yolo" / "train" / "images").iterdir())) == 2
    assert (tmp_path / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize(
    "kwargs",
    [{"formats": "coco,png"}, {"formats": ()}, {"n_train": -1}, {"jpeg_quality": 0}],
)
def test_bad_arguments_are_rejected(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        make_dataset(tmp_path, **kwargs)  # type: ignore[arg-type]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rf-notebook")
    add_parser(parser.add_subparsers(dest="command"))
    return parser


def test_cli_makes_a_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["make-dataset", str(tmp_path), "--train", "2", "--valid", "1", "--test", "1"]
    args = _parser().parse_args([*argv, "--size", "320x256", "--formats", "voc,coco", "--quiet"])

    assert args.func(args) == 0
    assert "wrote 4 images" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "coco",
        "dataset.json",
        "labels.json",
        "voc",
    ]
    assert json.loads((tmp_path / "dataset.json").read_text())["image_size"] == [320, 256]
    assert run(args) == 2  # the output exists now and --overwrite was not given


@pytest.mark.parametrize("bad", [["--formats", "tiff"], ["--size", "big"]])
def test_cli_rejects_bad_options(tmp_path: Path, bad: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _parser().parse_args(["make-dataset", str(tmp_path), *bad])

    assert exit_info.value.code == 2
