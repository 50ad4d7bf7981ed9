"""Issue 2: a second ``predict_many`` over 1,000 cached images against the first.

The server is the test stub on 127.0.0.1 with a fixed 20 ms of work per image, the
detection model's measured onnxruntime time at 640 px on this machine
(shared/reference/model-feasibility.md: 19.4 ms + 2.3 ms NMS). Goal: the second run makes
0 HTTP calls and is at least 50× faster.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from rf_notebook import Client
from tests.stub_server import StubServer

N_IMAGES = 1000
SERVER_WORK_S = 0.020


def _images(folder: Path) -> list[Path]:
    rng = np.random.default_rng(0)
    paths = []
    for i in range(N_IMAGES):
        array = rng.integers(0, 255, size=(240, 320, 3), dtype=np.uint8)
        path = folder / f"img_{i:04d}.jpg"
        Image.fromarray(array).save(path, quality=85)
        paths.append(path)
    return paths


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, StubServer() as stub:
        paths = _images(Path(tmp))
        stub.state.delay = SERVER_WORK_S
        client = Client(
            api_key="bench",
            api_url=stub.url,
            protocol="hosted",
            cache=Path(tmp) / "cache",
            concurrency=8,
        )
        started = time.perf_counter()
        first = client.predict_many(paths, "toy-detect/1", progress=False)
        cold = time.perf_counter() - started
        calls = len(stub.state.calls)
        started = time.perf_counter()
        second = client.predict_many(paths, "toy-detect/1", progress=False)
        warm = time.perf_counter() - started
        new_calls = len(stub.state.calls) - calls
    assert len(first) == len(second) == N_IMAGES and not first.errors
    work = f"{SERVER_WORK_S * 1e3:.0f} ms server work each"
    print(f"first run : {cold:7.3f} s  ({calls} HTTP calls, {work})")
    print(f"second run: {warm:7.3f} s  ({new_calls} HTTP calls, {second.cached} from cache)")
    print(f"speed-up  : {cold / warm:7.1f}×  (goal ≥ 50×, 0 calls)")


if __name__ == "__main__":
    main()
