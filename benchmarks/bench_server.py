"""Issue 4 benchmarks against the local server with the default detection model.

P1: 200 images — rf-notebook ``predict_many`` against the ``roboflow`` package's
    ``predict`` loop, inference-sdk's ``infer(list)`` with its defaults, and the same model
    in-process. Goals: ≥ 3× both clients, ≥ 0.7× in-process.
P2: median latency of one 640 px request against in-process preprocess + run + postprocess
    on the same image. Goal: ≤ 1.25×.
Load: 32 concurrent clients on 127.0.0.1 for 60 s (bounded): 0 errors; p50/p99 and peak RSS.
The roboflow / inference-sdk timings run in .venv-clients (built by the real-client tests).
"""

from __future__ import annotations

import base64
import json
import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import requests
from PIL import Image

from rf_notebook import Client
from rf_notebook.datasets import generate_sample
from rf_notebook.images import load_image
from rf_notebook.server import serve_in_background
from rf_notebook.server.runtime import InferenceParams, ModelRegistry
from rf_notebook.server.settings import default_models_dir

MODEL = "shapes-detect/1"
ROOT = Path(__file__).resolve().parents[1]
CLIENTS_PYTHON = ROOT / ".venv-clients" / "bin" / "python"
LOAD_SECONDS = float(os.environ.get("RF_BENCH_LOAD_SECONDS", "60"))


def _images(folder: Path, count: int, size: int) -> list[Path]:
    paths = []
    for i in range(count):
        sample = generate_sample(99, i, image_size=size)
        path = folder / f"bench_{i:04d}.jpg"
        Image.fromarray(sample.image).save(path, quality=90)
        paths.append(path)
    return paths


def p1(url: str, paths: list[Path]) -> None:
    registry = ModelRegistry([default_models_dir()], spinning=False)
    model = registry.get(MODEL)
    arrays = [np.asarray(load_image(p)) for p in paths[:5]]
    for a in arrays:
        model.infer(a)  # warm up
    started = time.perf_counter()
    for p in paths:
        model.infer(np.asarray(load_image(p)), InferenceParams())
    in_process = time.perf_counter() - started

    client = Client(api_url=url, cache=False, batch_size=4, concurrency=4)
    client.predict_many(paths[:8], MODEL, progress=False)
    started = time.perf_counter()
    batch = client.predict_many(paths, MODEL, progress=False)
    ours = time.perf_counter() - started
    assert not batch.errors
    print(f"P1 {len(paths)} images:")
    registry.clear()
    print(f"  in-process (decode + infer)       {in_process:7.2f} s")
    ratio = in_process / ours
    print(
        f"  rf-notebook predict_many          {ours:7.2f} s   {ratio:5.2f}× in-process (goal ≥0.7×)"
    )
    if not CLIENTS_PYTHON.exists():
        print("  (roboflow / inference-sdk: run the real-client tests once to build .venv-clients)")
        return
    done = subprocess.run(
        [
            str(CLIENTS_PYTHON),
            str(ROOT / "benchmarks" / "clients_loop.py"),
            url,
            MODEL,
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    times = json.loads(done.stdout.strip().splitlines()[-1])
    for name, label in (
        ("roboflow", "roboflow predict loop"),
        ("sdk", "inference-sdk infer(list)"),
    ):
        seconds = times[name]
        print(
            f"  {label:33s} {seconds:7.2f} s   rf-notebook {seconds / ours:5.2f}× faster (goal ≥3×)"
        )


def p2(url: str, path: Path) -> None:
    """Measured in two phases: interleaving them lets one onnxruntime pool's spinning
    threads slow the other's run."""
    registry = ModelRegistry([default_models_dir()], spinning=False)
    model = registry.get(MODEL)
    data = path.read_bytes()
    body = base64.b64encode(data).decode()
    session = requests.Session()
    headers = {"Content-Type": "text/plain"}
    for _ in range(5):
        model.infer(np.asarray(load_image(data)), InferenceParams())
    in_process = []
    for _ in range(40):
        started = time.perf_counter()
        model.infer(np.asarray(load_image(data)), InferenceParams())
        in_process.append(time.perf_counter() - started)
    registry.clear()
    for _ in range(5):
        session.post(f"{url}/{MODEL}", data=body, headers=headers, timeout=30)
    served = []
    for _ in range(40):
        started = time.perf_counter()
        r = session.post(f"{url}/{MODEL}", data=body, headers=headers, timeout=30)
        served.append(time.perf_counter() - started)
        assert r.status_code == 200
    a, b = statistics.median(in_process) * 1e3, statistics.median(served) * 1e3
    print(
        f"P2 one 640 px image: in-process {a:.1f} ms, through the server {b:.1f} ms: "
        f"{b / a:.2f}× (goal ≤ 1.25×)"
    )


def load(url: str, path: Path) -> None:
    body = base64.b64encode(path.read_bytes()).decode()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def worker() -> None:
        session = requests.Session()
        for _ in range(100_000):  # bounded loop; the deadline ends it first
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            try:
                r = session.post(
                    f"{url}/{MODEL}", data=body, headers={"Content-Type": "text/plain"}, timeout=60
                )
                ok = r.status_code == 200
            except requests.RequestException as exc:
                ok, r = False, exc  # type: ignore[assignment]
            with lock:
                latencies.append(time.perf_counter() - started)
                if not ok:
                    errors.append(str(getattr(r, "status_code", r)))

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q = np.percentile(np.array(latencies) * 1e3, [50, 99])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Load 32 clients × {LOAD_SECONDS:.0f} s: {len(latencies)} requests, {len(errors)} errors, "
        f"p50 {q[0]:.0f} ms, p99 {q[1]:.0f} ms, peak RSS (server + clients) {rss:.0f} MB"
    )


def main() -> None:
    if not (default_models_dir() / MODEL / "model.onnx").exists():
        print("no default models yet: run `make models`")
        return
    with tempfile.TemporaryDirectory() as tmp, serve_in_background(datasets_dir=tmp) as server:
        paths = _images(Path(tmp), 200, 320)
        sample640 = Path(tmp) / "one_640.jpg"
        Image.fromarray(generate_sample(98, 0, image_size=640).image).save(sample640, quality=90)
        p1(server.url, paths)
        p2(server.url, sample640)
        load(server.url, sample640)


if __name__ == "__main__":
    main()
