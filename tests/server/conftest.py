"""A real local server on 127.0.0.1 with toy ONNX models whose outputs are known exactly."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rf_notebook.server import RunningServer, serve_in_background
from tests.server_runtime.onnx_builders import write_model_folder

TOYS = {
    "toy-detect/1": {"task": "object-detection"},
    "toy-segment/1": {"task": "instance-segmentation"},
    "toy-classify/1": {"task": "classification"},
    "toy-multilabel/1": {"task": "classification", "multilabel": True},
    "toy-semantic/1": {"task": "semantic-segmentation"},
}


@pytest.fixture(scope="session")
def toy_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("models")
    for model_id, options in TOYS.items():
        write_model_folder(root, model_id, **options)  # type: ignore[arg-type]
    return root


@pytest.fixture(scope="session")
def server(toy_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_background(
        models_dirs=(toy_models,), datasets_dir=tmp_path_factory.mktemp("datasets")
    ) as running:
        yield running


@pytest.fixture(scope="session")
def keyed_server(
    toy_models: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    with serve_in_background(
        models_dirs=(toy_models,), datasets_dir=tmp_path_factory.mktemp("kd"), api_key="s3cret-key"
    ) as running:
        yield running


def image_bytes(width: int, height: int, fmt: str = "JPEG", value: int = 128) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((height, width, 3), value, np.uint8)).save(buffer, format=fmt)
    return buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
