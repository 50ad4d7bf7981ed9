"""Loading models, bad models, bad inputs, and concurrent use of one loaded model."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rf_notebook.server.runtime import (
    InferenceFailedError,
    InferenceParams,
    InvalidImageError,
    InvalidParamsError,
    MetadataError,
    ModelLoadError,
    OnnxModel,
)

from .onnx_builders import detect_output, write_model_folder

IMAGE = np.zeros((32, 64, 3), np.uint8)


def _strip_ids(body: dict[str, Any]) -> dict[str, Any]:
    return {
        **body,
        "predictions": [
            {k: v for k, v in p.items() if k != "detection_id"} for p in body["predictions"]
        ],
    }


def test_from_folder_sets_id_task_and_description(tmp_path: Path) -> None:
    folder = write_model_folder(tmp_path, "toy-detect/3")
    model = OnnxModel.from_folder(folder, threads=1)
    assert model.model_id == "toy-detect/3"
    assert model.describe().to_json() == {
        "model_id": "toy-detect/3",
        "task_type": "object-detection",
        "batch_size": None,
        "input_height": 128,
        "input_width": 128,
    }


def test_model_with_dynamic_input_size_loads_and_infers(tmp_path: Path) -> None:
    folder = write_model_folder(tmp_path, "dyn/1", dynamic_input=True)
    body = OnnxModel.from_folder(folder, threads=1).infer(np.zeros((128, 256, 3), np.uint8))
    assert [p["class"] for p in body["predictions"]] == ["circle", "square", "star"]


def test_infer_from_many_threads_gives_the_same_results_as_one_thread(tmp_path: Path) -> None:
    # given a model whose scores scale with the image's mean brightness
    folder = write_model_folder(tmp_path, "gain/1", input_gain=True)
    model = OnnxModel.from_folder(folder, threads=1)
    images = [np.full((128, 128, 3), level, np.uint8) for level in (255, 230, 200, 170, 140)]
    params = InferenceParams(confidence=0.3)
    expected = [_strip_ids(model.infer(image, params)) for image in images]
    assert len({len(e["predictions"]) for e in expected}) > 1  # the images really differ
    # when 8 threads run 100 calls interleaved
    jobs = [i % len(images) for i in range(100)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: (i, model.infer(images[i], params)), jobs))
    # then
    for index, body in results:
        assert _strip_ids(body) == expected[index]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the ONNX file is empty"),
        (b"\x08\x07garbage" * 50, "onnxruntime cannot load this file"),
    ],
)
def test_from_folder_when_onnx_is_corrupt_then_model_load_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    # given
    folder = write_model_folder(tmp_path, "broken/1")
    (folder / "model.onnx").write_bytes(content)
    # when
    with pytest.raises(ModelLoadError, match=message) as caught:
        OnnxModel.from_folder(folder)
    # then: our error, naming the file, with no onnxruntime exception chained to it
    assert str(folder / "model.onnx") in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_from_folder_when_onnx_is_truncated_then_model_load_error(tmp_path: Path) -> None:
    folder = write_model_folder(tmp_path, "truncated/1")
    data = (folder / "model.onnx").read_bytes()
    (folder / "model.onnx").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="onnxruntime cannot load this file"):
        OnnxModel.from_folder(folder)


def test_from_folder_when_files_missing_then_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="model folder not found"):
        OnnxModel.from_folder(tmp_path / "nope" / "1")
    folder = write_model_folder(tmp_path, "no-onnx/1")
    (folder / "model.onnx").unlink()
    with pytest.raises(ModelLoadError, match="ONNX file not found"):
        OnnxModel.from_folder(folder)
    folder = write_model_folder(tmp_path, "no-json/1")
    (folder / "model.json").unlink()
    with pytest.raises(MetadataError, match="metadata file not found"):
        OnnxModel.from_folder(folder)


def _rewrite_metadata(folder: Path, **changes: Any) -> None:
    file = folder / "model.json"
    file.write_text(json.dumps({**json.loads(file.read_text()), **changes}))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"class_names": ["a", "b", "c"]}, r"\[1, 7, N\].*class_names"),
        ({"input_size": [128, 96]}, r"input_size .* \[128, 96\]"),
        ({"task": "instance-segmentation"}, "needs two outputs"),
        ({"task": "classification"}, r"does not match \[1, 4\]"),
        ({"task": "semantic-segmentation"}, r"expected \[1, 4, h, w\]"),
    ],
)
def test_from_folder_when_model_does_not_fit_metadata_then_model_load_error(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    folder = write_model_folder(tmp_path, "mismatch/1")  # a 4-class 128x128 detector
    _rewrite_metadata(folder, **changes)
    with pytest.raises(ModelLoadError, match=message):
        OnnxModel.from_folder(folder)


def test_infer_when_warmup_skipped_and_outputs_mismatch_then_inference_failed(
    tmp_path: Path,
) -> None:
    folder = write_model_folder(
        tmp_path, "late/1", outputs={"output0": detect_output([], num_classes=5)}
    )
    model = OnnxModel.from_folder(folder, warmup=False, threads=1)
    with pytest.raises(InferenceFailedError, match="class_names"):
        model.infer(IMAGE)


@pytest.mark.parametrize(
    "image",
    [np.zeros((32, 32), np.uint8), np.zeros((32, 32, 4), np.uint8), np.zeros((8, 8, 3))],
)
def test_infer_when_image_is_not_rgb_uint8_then_invalid_image(
    detect_model: OnnxModel, image: np.ndarray
) -> None:
    with pytest.raises(InvalidImageError, match=r"\(H, W, 3\) uint8"):
        detect_model.infer(image)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"confidence": 1.5},
        {"confidence": -0.1},
        {"confidence": float("nan")},
        {"confidence": "0.5"},
        {"iou_threshold": 2},
        {"max_detections": 0},
        {"max_detections": 2.5},
        {"max_candidates": True},
        {"class_filter": "circle"},
        {"class_filter": [1]},
    ],
)
def test_inference_params_when_out_of_range_then_invalid_params(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidParamsError):
        InferenceParams(**kwargs)


def test_model_threads_must_be_positive(tmp_path: Path) -> None:
    folder = write_model_folder(tmp_path, "threads/1")
    with pytest.raises(InvalidParamsError, match="threads"):
        OnnxModel.from_folder(folder, threads=0)
