"""Issue 2: a second ``predict_many`` over 1,000 cached images against the first.

The first run goes to the local server with the shipped detection model (real onnxruntime
work on this machine's 2 cores); the second is answered from the on-disk cache. Goal: 0
HTTP calls and at least 50× faster. Without the default models, the test stub stands in,
with 20 ms of work per image (the model's measured latency at 640 px).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from PIL import Image

from rf_notebook import Client
from rf_notebook.datasets import generate_sample
from rf_notebook.server import serve_in_background
from rf_notebook.server.settings import default_models_dir

N_IMAGES = 1000
MODEL = "shapes-detect/1"


def _images(folder: Path) -> list[Path]:
    paths = []
    for i in range(N_IMAGES):
        path = folder / f"img_{i:04d}.jpg"
        Image.fromarray(generate_sample(7, i).image).save(path, quality=85)
        paths.append(path)
    return paths


def _measure(url: str, model: str, paths: list[Path], cache: Path) -> tuple[float, float, int]:
    client = Client(api_key="bench", api_url=url, protocol="hosted", cache=cache, concurrency=4)
    started = time.perf_counter()
    first = client.predict_many(paths, model, progress=False)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    second = client.predict_many(paths, model, progress=False)
    warm = time.perf_counter() - started
    assert len(first) == len(second) == N_IMAGES and not first.errors
    return cold, warm, second.cached


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = _images(Path(tmp))
        if (default_models_dir() / MODEL / "model.onnx").exists():
            with serve_in_background(datasets_dir=Path(tmp) / "uploads") as server:
                cold, warm, cached = _measure(server.url, MODEL, paths, Path(tmp) / "cache")
            where = f"the local server ({MODEL}, onnxruntime on this machine)"
        else:
            from tests.stub_server import StubServer

            with StubServer() as stub:
                stub.state.delay = 0.020
                cold, warm, cached = _measure(stub.url, "toy-detect/1", paths, Path(tmp) / "c")
                calls = len(stub.state.calls)
            where = f"the test stub (20 ms per image; {calls} calls in all)"
    print(f"first run : {cold:7.3f} s  ({N_IMAGES} images through {where})")
    print(f"second run: {warm:7.3f} s  ({cached} from cache, {N_IMAGES - cached} HTTP calls)")
    print(f"speed-up  : {cold / warm:7.1f}×  (goal ≥ 50×, 0 calls)")


if __name__ == "__main__":
    main()
