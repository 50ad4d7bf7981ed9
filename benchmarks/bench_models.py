"""Issue 5: detection latency of the shipped model on one 640 px image, 2 CPU cores.

In process: letterbox + onnxruntime + decode + NMS, median of 30 runs. Goal: ≤ 25 ms.
Baseline, measured in the same run: the same model's bare ``run`` (its onnxruntime session
alone) on a ready-made input tensor, so the ratio is what pre- and post-processing add.
"""

from __future__ import annotations

import numpy as np

from rf_notebook.server.runtime import ModelRegistry
from rf_notebook.server.settings import default_models_dir
from rf_notebook.training.report import detection_latency_ms, median_ms

GOAL_MS = 25.0


def bare_run_ms() -> float:
    """Median milliseconds of ``OnnxModel.run`` alone on the shipped detector's input shape."""
    model = ModelRegistry([default_models_dir()]).get("shapes-detect/1")
    meta = model.metadata
    tensor = np.zeros((1, 3, meta.input_height, meta.input_width), np.float32)
    return median_ms(lambda: model.run(tensor))


def main() -> None:
    if not (default_models_dir() / "shapes-detect" / "1" / "model.onnx").exists():
        print("no default models yet: run `make models`")
        return
    latency = detection_latency_ms(default_models_dir())
    bare = bare_run_ms()
    verdict = "meets" if latency <= GOAL_MS else "misses"
    print(
        f"shapes-detect/1, one 640 px image: {latency:.1f} ms median ({verdict} the "
        f"{GOAL_MS:.0f} ms goal); bare session run {bare:.1f} ms: {latency / bare:.2f}× it"
    )


if __name__ == "__main__":
    main()
