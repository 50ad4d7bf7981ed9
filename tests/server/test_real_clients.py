"""The clients people already use work against the local server unchanged.

``roboflow`` and ``inference-sdk`` run in a virtual environment of their own
(``.venv-clients``, built on first use), because inference-sdk pins supervision<0.31 and
numpy<2.4; the main environment keeps current versions. Every answer is also parsed with
``supervision.Detections.from_inference`` in the main environment.
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import supervision as sv

from rf_notebook.server import RunningServer, serve_in_background
from tests.server.conftest import image_bytes

ROOT = Path(__file__).resolve().parents[2]
CLIENTS_VENV = ROOT / ".venv-clients"
SCRIPT = Path(__file__).with_name("real_clients.py")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def clients_python() -> Path:
    python = CLIENTS_VENV / "bin" / "python"
    probe = [str(python), "-c", "import roboflow, inference_sdk"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    subprocess.run([sys.executable, "-m", "venv", str(CLIENTS_VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "roboflow", "inference-sdk"], check=True
    )
    return python


@pytest.fixture(scope="session")
def open_server(
    toy_models: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    with serve_in_background(
        models_dirs=(toy_models,),
        datasets_dir=tmp_path_factory.mktemp("ds"),
        allow_private_urls=True,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "wide.jpg"
    path.write_bytes(image_bytes(256, 128))
    return path


@pytest.fixture(scope="session")
def picture_url(picture: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(picture.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/{picture.name}"
    httpd.shutdown()


def run_clients(python: Path, server: RunningServer, image: str, *names: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(python), str(SCRIPT), server.url, image, json.dumps(names)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    for name, answer in out.items():
        assert "error" not in answer, f"{name} failed:\n{answer['error']}"
    return {name: answer["ok"] for name, answer in out.items()}


def classes(doc: dict[str, Any]) -> list[str]:
    return [p["class"] for p in doc["predictions"]]


def test_roboflow_package_models(
    clients_python: Path, open_server: RunningServer, picture: Path, picture_url: str
) -> None:
    got = run_clients(
        clients_python,
        open_server,
        str(picture),
        "roboflow_detect",
        "roboflow_classify",
        "roboflow_segment",
    )
    assert classes(got["roboflow_detect"]) == ["circle", "square", "star"]
    assert got["roboflow_detect"]["image"] == {"width": "256", "height": "128"}
    wrapped = got["roboflow_classify"]["predictions"][0]
    assert wrapped["top"] == "square"
    assert classes(got["roboflow_segment"])[0] == "circle"
    assert got["roboflow_segment"]["predictions"][0]["points"]
    hosted = run_clients(clients_python, open_server, picture_url, "roboflow_detect_hosted_url")
    assert classes(hosted["roboflow_detect_hosted_url"]) == ["circle", "square", "star"]
    for doc in (got["roboflow_detect"], got["roboflow_segment"]):
        dets = sv.Detections.from_inference(doc)
        assert len(dets) == len(doc["predictions"])


def test_inference_sdk_both_modes(
    clients_python: Path, server: RunningServer, picture: Path
) -> None:
    got = run_clients(clients_python, server, str(picture), "sdk_v1", "sdk_v0", "sdk_header_key")
    v1 = got["sdk_v1"]
    assert classes(v1["one"]) == ["circle", "square", "star"]
    assert isinstance(v1["many"], list) and len(v1["many"]) == 3
    assert all(classes(doc) == classes(v1["one"]) for doc in v1["many"])
    assert v1["classify"]["top"] == "square"
    assert "toy-detect/1" in v1["models"]
    v0 = got["sdk_v0"]
    assert classes(v0["one"]) == ["circle", "square", "star", "triangle"]  # confidence 0.3
    assert len(v0["many"]) == 2
    assert classes(got["sdk_header_key"]) == ["circle", "square", "star"]
    for doc in (v1["one"], v1["segment"], v0["one"]):
        dets = sv.Detections.from_inference(doc)
        assert len(dets) == len(doc["predictions"])
        assert dets.data["class_name"].tolist() == classes(doc)
