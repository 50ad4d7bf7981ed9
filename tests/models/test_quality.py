"""The shipped default models meet their bars on images training never saw (issue 5).

Measured through the local server on a fresh set of 80 images (seed 4243; training used
seeds 1 and 2, the full report in each MODEL_CARD.md uses 300 images of seed 4242).
Slack, because 80 images is a small sample: 0.02 on box mAP50, 0.03 on the others — about
one standard error of each metric on a set this size (80 images hold ~400 objects; at top-1
0.98, one image is 0.0125).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rf_notebook.server import serve_in_background
from rf_notebook.server.settings import default_models_dir
from rf_notebook.training.quality import BARS, measure_quality

SLACK = {
    "detect_map50": 0.02,
    "detect_map50_95": 0.03,
    "segment_mask_map50": 0.03,
    "classify_top1": 0.03,
    "multilabel_micro_f1": 0.03,
}

pytestmark = pytest.mark.slow


def test_default_models_meet_their_bars(tmp_path: Path) -> None:
    assert (default_models_dir() / "shapes-detect" / "1" / "model.onnx").exists()
    with serve_in_background(datasets_dir=tmp_path / "uploads") as server:
        quality = measure_quality(server.url, images=80, workdir=tmp_path / "set", seed=4243)
    measured = quality.__dict__
    below = {
        name: (round(measured[name], 4), bar)
        for name, bar in BARS.items()
        if measured[name] < bar - SLACK[name]
    }
    assert not below, f"below the bar (minus slack): {below}"
