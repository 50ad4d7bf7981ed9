from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from rf_notebook.server.runtime import (
    InvalidModelIdError,
    ModelLoadError,
    ModelNotFoundError,
    ModelRegistry,
    OnnxModel,
)
from rf_notebook.server.runtime import registry as registry_module

from .onnx_builders import write_model_folder


@pytest.fixture
def models(tmp_path: Path) -> Path:
    root = tmp_path / "models"
    write_model_folder(root, "toy-detect/1")
    write_model_folder(root, "toy-detect/2", task="classification")
    write_model_folder(root, "toy-segment/1", task="instance-segmentation")
    (root / "empty-project" / "1").mkdir(parents=True)  # no model.onnx: not listed
    (root / "stray.txt").write_text("not a model")
    for bad in (".hidden/1", "bad name/1"):  # not valid ids: never listed
        (root / bad).mkdir(parents=True)
        (root / bad / "model.onnx").write_bytes(b"")
    return root


def test_available_lists_model_folders_sorted(models: Path) -> None:
    registry = ModelRegistry([models, models.parent / "missing"])
    assert registry.available() == ["toy-detect/1", "toy-detect/2", "toy-segment/1"]
    assert registry.loaded() == []


def test_get_loads_lazily_once_and_lists_it(models: Path) -> None:
    # given
    registry = ModelRegistry([models], threads=1)
    # when
    model = registry.get("toy-detect/2")
    # then
    assert registry.get("toy-detect/2") is model
    assert registry.is_loaded("toy-detect/2")
    assert [d.to_json() for d in registry.loaded()] == [
        {
            "model_id": "toy-detect/2",
            "task_type": "classification",
            "batch_size": None,
            "input_height": 128,
            "input_width": 128,
        }
    ]


def test_add_remove_clear(models: Path) -> None:
    registry = ModelRegistry([models], threads=1)
    registry.add("toy-detect/1")
    registry.add("toy-segment/1")
    registry.add("toy-segment/1")  # no-op
    assert [d.model_id for d in registry.loaded()] == ["toy-detect/1", "toy-segment/1"]
    assert registry.remove("toy-detect/1") is True
    assert registry.remove("toy-detect/1") is False
    assert [d.model_id for d in registry.loaded()] == ["toy-segment/1"]
    registry.clear()
    assert registry.loaded() == []
    assert registry.get("toy-detect/1").task_type == "object-detection"  # reloads from disk


def test_first_folder_wins(tmp_path: Path) -> None:
    write_model_folder(tmp_path / "user", "shapes/1", task="classification")
    write_model_folder(tmp_path / "defaults", "shapes/1", task="object-detection")
    write_model_folder(tmp_path / "defaults", "other/1", task="object-detection")
    registry = ModelRegistry([tmp_path / "user", tmp_path / "defaults"], threads=1)
    assert registry.available() == ["other/1", "shapes/1"]
    assert registry.get("shapes/1").task_type == "classification"


def test_register_serves_a_model_under_a_given_id(models: Path) -> None:
    registry = ModelRegistry([], threads=1)
    model = OnnxModel.from_folder(models / "toy-detect" / "1", threads=1)
    registry.register(model, "custom/7")
    assert registry.get("custom/7") is model
    assert [d.model_id for d in registry.loaded()] == ["custom/7"]


def test_get_when_unknown_then_model_not_found_listing_available(models: Path) -> None:
    registry = ModelRegistry([models])
    with pytest.raises(ModelNotFoundError) as caught:
        registry.get("toy-detect/9")
    message = str(caught.value)
    assert message.startswith("model 'toy-detect/9' not found")
    assert "'toy-detect/1'" in message
    assert isinstance(caught.value, KeyError)


@pytest.mark.parametrize(
    "model_id", ["", "a", "a/b/c", "../etc/1", "a/..", ".hidden/1", "a/-1", "a b/1", "a/1\x00"]
)
def test_get_when_id_malformed_then_invalid_model_id(models: Path, model_id: str) -> None:
    with pytest.raises(InvalidModelIdError, match="project/version"):
        ModelRegistry([models]).get(model_id)


def test_concurrent_first_requests_load_the_model_once(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a slow loader that counts its calls
    calls = []
    original = OnnxModel.from_folder
    gate = threading.Event()

    def counting(folder: Path, **kwargs: Any) -> OnnxModel:
        calls.append(folder)
        gate.wait(1.0)
        return original(folder, **kwargs)

    monkeypatch.setattr(registry_module.OnnxModel, "from_folder", counting)
    registry = ModelRegistry([models], threads=1)
    # when 8 threads ask at once
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(registry.get, "toy-detect/1") for _ in range(8)]
        gate.set()
        loaded = {id(f.result()) for f in futures}
    # then
    assert len(calls) == 1
    assert len(loaded) == 1


def test_load_all_strict_and_lenient(models: Path) -> None:
    (models / "toy-detect" / "2" / "model.onnx").write_bytes(b"not onnx")
    with pytest.raises(ModelLoadError, match="onnxruntime cannot load"):
        ModelRegistry([models], threads=1).load_all()
    registry = ModelRegistry([models], threads=1)
    failures = registry.load_all(strict=False)
    assert list(failures) == ["toy-detect/2"]
    assert [d.model_id for d in registry.loaded()] == ["toy-detect/1", "toy-segment/1"]
