"""Issue 5: detection latency of the shipped model on one 640 px image, 2 CPU cores.

In process: letterbox + onnxruntime + decode + NMS, median of 30 runs. Goal: ≤ 25 ms.
"""

from __future__ import annotations

from rf_notebook.server.settings import default_models_dir
from rf_notebook.training.report import detection_latency_ms

GOAL_MS = 25.0


def main() -> None:
    if not (default_models_dir() / "shapes-detect" / "1" / "model.onnx").exists():
        print("no default models yet: run `make models`")
        return
    latency = detection_latency_ms(default_models_dir())
    verdict = "meets" if latency <= GOAL_MS else "misses"
    goal = f"{verdict} the {GOAL_MS:.0f} ms goal"
    print(f"shapes-detect/1, one 640 px image: {latency:.1f} ms median ({goal})")


if __name__ == "__main__":
    main()
