"""Upload to a REAL local server: files and annotations land in its datasets folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rf_notebook import Client, ConfigError
from rf_notebook.active_learning import Picks, pick, upload_picks
from rf_notebook.results import DetectionResult
from rf_notebook.server import RunningServer, serve_in_background
from tests.active_learning.conftest import det, detections, save, scene
from tests.server_runtime.onnx_builders import write_model_folder

KEY = "s3cret-upload-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    models = tmp_path_factory.mktemp("models")
    write_model_folder(models, "toy-detect/1")
    with serve_in_background(
        models_dirs=(models,), datasets_dir=tmp_path_factory.mktemp("datasets")
    ) as running:
        yield running


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_background(
        models_dirs=(), datasets_dir=tmp_path_factory.mktemp("keyed"), api_key=KEY
    ) as running:
        yield running


def root_of(server: RunningServer, project: str) -> Path:
    return Path(server.app.state.settings.datasets_dir) / project


def index(server: RunningServer, project: str) -> list[dict[str, Any]]:
    lines = (root_of(server, project) / "index.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def make_picks(folder: Path, n: int = 3) -> Picks:
    paths = [save(scene(20 + i, (96, 64)), folder / f"img{i}.jpg") for i in range(n)]
    results = [
        detections(str(p), [det(0.9 - 0.1 * i, "cat", (10, 10, 40, 30))], size=(96, 64))
        for i, p in enumerate(paths)
    ]
    return pick(results, n, "least_confidence", dedup=False)


def test_predict_pick_upload_end_to_end(server: RunningServer, tmp_path: Path) -> None:
    # given: predictions from the server's toy detector on three pictures
    paths = [save(scene(40 + i, (256, 128)), tmp_path / f"p{i}.png") for i in range(3)]
    client = Client(api_url=server.url, cache=False)
    batch = client.predict_many(paths, "toy-detect/1", progress=False)
    assert len(batch) == 3 and not batch.errors
    picks = pick(batch, 2, "least_confidence")
    # when
    report = picks.upload(
        "shapes",
        api_url=server.url,
        batch="week-12",
        tags=["al", "picked"],
        split="valid",
        state_file=tmp_path / "state.json",
        progress=False,
    )
    # then: images and one COCO file per image are in the datasets folder
    assert report.uploaded == list(picks.table["image"]) and not report.failed
    root = root_of(server, "shapes")
    for name in report.table["name"]:
        assert (root / "valid" / "images" / name).is_file()
        coco = json.loads((root / "valid" / "labels" / f"{Path(name).stem}.json").read_text())
        assert coco["images"][0]["file_name"] == name
        first = picks.results[0]
        assert isinstance(first, DetectionResult)
        kept = [p for p in first.received if p.confidence >= picks.params.confidence]
        assert len(coco["annotations"]) == len(kept) > 0
    entries = {e["file"]: e for e in index(server, "shapes")}
    entry = entries[f"valid/images/{report.table['name'].iloc[0]}"]
    assert entry["batch"] == "week-12" and entry["tags"] == ["al", "picked"]
    assert entry["metadata"]["rank"] == 1 and entry["metadata"]["reason"]


def test_duplicates_are_reported_and_not_annotated(server: RunningServer, tmp_path: Path) -> None:
    picks = make_picks(tmp_path)
    first = upload_picks(picks, "dups", api_url=server.url, state_file=None, progress=False)
    assert len(first.uploaded) == 3 and (first.table["annotation"] == "uploaded").all()
    again = upload_picks(picks, "dups", api_url=server.url, state_file=None, progress=False)
    assert again.duplicates == list(picks.table["image"])
    assert (again.table["annotation"] == "none").all()
    assert list(again.table["id"]) == list(first.table["id"])
    assert "3 duplicate" in repr(again)


def test_resume_skips_what_was_done_and_retries_failures(
    server: RunningServer, tmp_path: Path
) -> None:
    # given: the second image is missing when the first run happens
    picks = make_picks(tmp_path)
    missing = Path(str(picks.results[1].source))
    data = missing.read_bytes()
    missing.unlink()
    state = tmp_path / "state.json"
    # when
    first = upload_picks(picks, "resume", api_url=server.url, state_file=state, progress=False)
    # then: it failed alone, the rest uploaded
    assert first.failed == [str(missing)] and len(first.uploaded) == 2
    assert "ImageError" in str(first.table.loc[1, "error"])
    # when: the file is back and the upload runs again
    missing.write_bytes(data)
    second = upload_picks(picks, "resume", api_url=server.url, state_file=state, progress=False)
    # then: only the failed image was sent
    assert second.uploaded == [str(missing)] and len(second.skipped) == 2
    third = upload_picks(picks, "resume", api_url=server.url, state_file=state, progress=False)
    assert len(third.skipped) == 3 and not third.uploaded and not third.duplicates
    assert (third.table["annotation"] == "skipped").all()  # nothing was sent again
    assert len(index(server, "resume")) == 3


def test_annotation_failure_is_retried_with_the_same_id(
    server: RunningServer, tmp_path: Path
) -> None:
    picks = make_picks(tmp_path, n=1)
    state = tmp_path / "state.json"
    first = upload_picks(picks, "annot", api_url=server.url, state_file=state, progress=False)
    # forget only the annotation outcome, as if the run had stopped right after the upload
    doc = json.loads(state.read_text())
    (entries,) = doc["targets"].values()
    (entry,) = entries.values()
    entry["annotation"] = "pending"
    state.write_text(json.dumps(doc))
    second = upload_picks(picks, "annot", api_url=server.url, state_file=state, progress=False)
    assert second.table.loc[0, "status"] == "skipped"
    assert second.table.loc[0, "annotation"] == "already annotated"
    assert list(second.table["id"]) == list(first.table["id"])


def test_yolo_annotations_and_the_key_never_leaks(
    keyed: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picks = make_picks(tmp_path, n=2)
    state = tmp_path / "state.json"
    report = upload_picks(
        picks,
        "ws/keyed",
        api_key=KEY,
        api_url=keyed.url,
        annotations="yolo",
        state_file=state,
        progress=True,
    )
    assert len(report.uploaded) == 2 and (report.table["annotation"] == "uploaded").all()
    label = root_of(keyed, "keyed") / "train" / "labels" / "img0.txt"
    assert label.read_text().startswith("0 0.260417 0.312500 0.312500 0.312500")
    wrong = upload_picks(
        picks, "keyed", api_key="wrong-key-123", api_url=keyed.url, state_file=None
    )
    assert len(wrong.failed) == 2 and "HTTP 401" in str(wrong.table.loc[0, "error"])
    shown = capsys.readouterr()
    for text in (
        shown.out,
        shown.err,
        repr(report),
        report.table.to_string(),
        wrong.table.to_string(),
        state.read_text(),
    ):
        assert KEY not in text and "wrong-key-123" not in text


def test_hosted_api_needs_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="API key"):
        upload_picks(make_picks(tmp_path, n=1), "my-project")
    with pytest.raises(ConfigError, match="project slug"):
        upload_picks(make_picks(tmp_path, n=1), "bad project!", api_key="k")
