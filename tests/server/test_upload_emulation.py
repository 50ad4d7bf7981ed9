"""Upload emulation: images and annotations land in the datasets folder, safely."""

from __future__ import annotations

import json

import requests

from rf_notebook.server import RunningServer
from tests.server.conftest import image_bytes


def upload(
    server: RunningServer, data: bytes, name: str, split: str = "valid"
) -> requests.Response:
    return requests.post(
        f"{server.url}/dataset/shapes/upload",
        params={"api_key": "k", "batch": "picks"},
        files={"file": (name, data, "image/jpeg")},
        data={"name": name, "split": split, "metadata": json.dumps({"reason": "low confidence"})},
        timeout=10,
    )


def test_upload_then_annotate_stores_files_and_index(server: RunningServer) -> None:
    root = server.app.state.settings.datasets_dir / "shapes"
    data = image_bytes(20, 10, value=11)
    first = upload(server, data, "a.jpg").json()
    assert first["success"] is True
    stored = root / "valid" / "images" / "a.jpg"
    assert stored.read_bytes() == data
    again = upload(server, data, "other-name.jpg").json()
    assert again == {"duplicate": True, "id": first["id"]}
    annotation = {"annotationFile": '{"boxes": []}', "labelmap": None}
    r = requests.post(
        f"{server.url}/dataset/shapes/annotate/{first['id']}",
        params={"api_key": "k", "name": "a.json"},
        json=annotation,
        timeout=10,
    )
    assert r.json() == {"success": True}
    assert (root / "valid" / "labels" / "a.json").read_text() == '{"boxes": []}'
    twice = requests.post(
        f"{server.url}/dataset/shapes/annotate/{first['id']}",
        params={"name": "a.json"},
        json=annotation,
        timeout=10,
    )
    assert twice.status_code == 409 and "already annotated" in twice.json()["error"]["message"]
    plain = requests.post(
        f"{server.url}/dataset/shapes/annotate/{first['id']}",
        params={"name": "a.txt", "overwrite": "true"},
        data="0 0.5 0.5 0.1 0.1",
        headers={"Content-Type": "text/plain"},
        timeout=10,
    )
    assert plain.json() == {"success": True}
    index = [json.loads(line) for line in (root / "index.jsonl").read_text().splitlines()]
    entry = next(e for e in index if e["id"] == first["id"])
    assert entry["batch"] == "picks" and entry["metadata"] == {"reason": "low confidence"}


def test_names_are_sanitised_and_never_overwrite(server: RunningServer) -> None:
    root = server.app.state.settings.datasets_dir
    evil = upload(server, image_bytes(20, 10, value=50), "../../../escape.jpg")
    assert evil.json()["success"]
    assert not (root.parent / "escape.jpg").exists()
    assert (root / "shapes" / "valid" / "images" / "escape.jpg").exists()
    other = upload(server, image_bytes(20, 10, value=60), "escape.jpg").json()
    files = sorted(p.name for p in (root / "shapes" / "valid" / "images").glob("escape*"))
    assert len(files) == 2 and other["success"]


def test_bad_uploads(server: RunningServer) -> None:
    url = f"{server.url}/dataset/shapes/upload"
    assert requests.post(url, data="x", timeout=10).status_code == 400
    bad_split = upload(server, image_bytes(4, 4, value=3), "s.jpg", split="nope")
    assert bad_split.status_code == 400 and "split" in bad_split.json()["message"]
    unknown = requests.post(
        f"{server.url}/dataset/shapes/annotate/doesnotexist", json={}, timeout=10
    )
    assert unknown.status_code == 404
    traversal = requests.post(
        f"{server.url}/dataset/..%2Fx/upload",
        files={"file": ("a.jpg", image_bytes(4, 4))},
        timeout=10,
    )
    assert traversal.status_code in (400, 404)
