from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rf_notebook.server.runtime import (
    MetadataError,
    ModelLoadError,
    ModelMetadata,
    ResizeMode,
    ScoreKind,
    TaskType,
    load_metadata,
    metadata_from_json,
    write_metadata,
)

VALID = {"task": "object-detection", "class_names": ["a", "b"], "input_size": [640, 480]}


def _write(folder: Path, content: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "model.json"
    file.write_text(content if isinstance(content, str) else json.dumps(content))
    return file


def test_load_metadata_when_minimal_file_then_defaults_filled(tmp_path: Path) -> None:
    # given
    _write(tmp_path, VALID)
    # when
    meta = load_metadata(tmp_path)
    # then
    assert meta == ModelMetadata(
        task=TaskType.OBJECT_DETECTION,
        class_names=("a", "b"),
        input_width=640,
        input_height=480,
        multilabel=False,
        scores=ScoreKind.PROBABILITIES,
        resize=ResizeMode.LETTERBOX,
        description="",
    )
    assert meta.num_classes == 2


@pytest.mark.parametrize(
    ("fields", "scores"),
    [
        ({"task": "classification"}, ScoreKind.PROBABILITIES),
        ({"task": "classification", "scores": "logits"}, ScoreKind.LOGITS),
        ({"task": "semantic-segmentation"}, ScoreKind.LOGITS),
        ({"task": "semantic-segmentation", "scores": "probabilities"}, ScoreKind.PROBABILITIES),
        ({"task": "instance-segmentation"}, ScoreKind.PROBABILITIES),
    ],
)
def test_metadata_scores_default_per_task(fields: dict[str, Any], scores: ScoreKind) -> None:
    assert metadata_from_json({**VALID, **fields}).scores is scores


def test_write_metadata_then_load_gives_equal_value(tmp_path: Path) -> None:
    meta = ModelMetadata(
        TaskType.CLASSIFICATION,
        ("x", "y", "z"),
        224,
        160,
        multilabel=True,
        scores=ScoreKind.LOGITS,
        resize=ResizeMode.CENTER_CROP,
        description="toy",
    )
    assert load_metadata(write_metadata(tmp_path / "p" / "1", meta)) == meta


@pytest.mark.parametrize(
    ("content", "field", "hint"),
    [
        ({k: v for k, v in VALID.items() if k != "task"}, '"task"', "missing"),
        ({**VALID, "task": "detection"}, '"task"', "object-detection"),
        ({k: v for k, v in VALID.items() if k != "class_names"}, '"class_names"', "missing"),
        ({**VALID, "class_names": []}, '"class_names"', "non-empty"),
        ({**VALID, "class_names": ["a", ""]}, '"class_names"', "non-empty strings"),
        ({**VALID, "class_names": "a,b"}, '"class_names"', "list"),
        ({**VALID, "class_names": ["a", "b", "a"]}, '"class_names"', "repeats ['a']"),
        ({k: v for k, v in VALID.items() if k != "input_size"}, '"input_size"', "missing"),
        ({**VALID, "input_size": 640}, '"input_size"', "[width, height]"),
        ({**VALID, "input_size": [640, 0]}, '"input_size"', "positive"),
        ({**VALID, "input_size": [640.0, 480]}, '"input_size"', "integers"),
        ({**VALID, "input_size": [True, 480]}, '"input_size"', "integers"),
        ({**VALID, "multilabel": "yes"}, '"multilabel"', "true or false"),
        ({**VALID, "multilabel": True}, '"multilabel"', "only valid"),
        ({**VALID, "scores": "logits"}, '"scores"', "probabilities"),
        ({**VALID, "scores": "raw"}, '"scores"', "logits"),
        ({**VALID, "resize": "pad"}, '"resize"', "letterbox"),
        ({**VALID, "description": 3}, '"description"', "string"),
        ({**VALID, "clases": ["a"]}, "unknown field(s) ['clases']", "allowed fields"),
        (["not", "an", "object"], "JSON object", "list"),
        ("{not json", "not readable", "JSON"),
    ],
)
def test_load_metadata_when_invalid_then_error_names_file_and_field(
    tmp_path: Path, content: Any, field: str, hint: str
) -> None:
    # given
    file = _write(tmp_path, content)
    # when
    with pytest.raises(MetadataError) as caught:
        load_metadata(file)
    # then
    message = str(caught.value)
    assert message.startswith(str(file))
    assert field in message
    assert hint in message
    assert isinstance(caught.value, ModelLoadError)
    assert isinstance(caught.value, ValueError)


def test_load_metadata_when_file_missing_then_says_what_is_needed(tmp_path: Path) -> None:
    with pytest.raises(MetadataError, match=r"metadata file not found.*model\.json"):
        load_metadata(tmp_path)
