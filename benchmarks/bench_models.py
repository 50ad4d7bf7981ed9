"""Issue 5: detection latency of the shipped model on one 640 px image, 2 CPU cores.

In process: letterbox + onnxruntime + decode + NMS, median of 30 runs. Goal: ≤ 25 ms.
Baseline, measured in the same run: the bare ``InferenceSession.run`` of the same graph on a
ready-made input tensor, so the ratio is what pre- and post-processing add.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import onnxruntime as ort

from rf_notebook.server.runtime import default_threads
from rf_notebook.server.settings import default_models_dir
from rf_notebook.training.report import detection_latency_ms

GOAL_MS = 25.0


def bare_session_ms(runs: int = 30) -> float:
    """Median milliseconds of ``session.run`` alone on the shipped detector's input shape."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = default_threads()
    path = default_models_dir() / "shapes-detect" / "1" / "model.onnx"
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    spec = session.get_inputs()[0]
    tensor = np.zeros([int(d) for d in spec.shape], dtype=np.float32)
    for _ in range(3):
        session.run(None, {spec.name: tensor})
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        session.run(None, {spec.name: tensor})
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def main() -> None:
    if not (default_models_dir() / "shapes-detect" / "1" / "model.onnx").exists():
        print("no default models yet: run `make models`")
        return
    latency = detection_latency_ms(default_models_dir())
    bare = bare_session_ms()
    verdict = "meets" if latency <= GOAL_MS else "misses"
    print(
        f"shapes-detect/1, one 640 px image: {latency:.1f} ms median ({verdict} the "
        f"{GOAL_MS:.0f} ms goal); bare session.run {bare:.1f} ms: {latency / bare:.2f}× it"
    )


if __name__ == "__main__":
    main()
