"""Shared fixtures: one folder of toy models for the whole session, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from rf_notebook.server.runtime import ModelRegistry, OnnxModel

from .onnx_builders import write_model_folder

TOY_MODELS = (
    ("toy-detect/1", "object-detection", False),
    ("toy-segment/1", "instance-segmentation", False),
    ("toy-classify/1", "classification", False),
    ("toy-multilabel/1", "classification", True),
    ("toy-semantic/1", "semantic-segmentation", False),
)


@pytest.fixture(scope="session")
def toy_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("models")
    for model_id, task, multilabel in TOY_MODELS:
        write_model_folder(root, model_id, task=task, multilabel=multilabel)
    return root


@pytest.fixture(scope="session")
def toy_registry(toy_models_dir: Path) -> ModelRegistry:
    return ModelRegistry([toy_models_dir], threads=1)


@pytest.fixture(scope="session")
def detect_model(toy_registry: ModelRegistry) -> OnnxModel:
    return toy_registry.get("toy-detect/1")


@pytest.fixture(scope="session")
def segment_model(toy_registry: ModelRegistry) -> OnnxModel:
    return toy_registry.get("toy-segment/1")


@pytest.fixture(scope="session")
def classify_model(toy_registry: ModelRegistry) -> OnnxModel:
    return toy_registry.get("toy-classify/1")


@pytest.fixture(scope="session")
def multilabel_model(toy_registry: ModelRegistry) -> OnnxModel:
    return toy_registry.get("toy-multilabel/1")


@pytest.fixture(scope="session")
def semantic_model(toy_registry: ModelRegistry) -> OnnxModel:
    return toy_registry.get("toy-semantic/1")
