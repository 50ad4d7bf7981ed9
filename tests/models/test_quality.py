"""The shipped default models meet the issue-5 bars on images training never saw.

Measured through the local server on a fresh set of 160 images (seed 4243; training used
seeds 1, 3 and 5, model selection seed 2; the report in each MODEL_CARD.md uses 300 images
of seed 4242). A set this size still wobbles, so each bar gets a slack of about two
standard deviations of the metric across 160-image sets, measured on eight fresh seeds
(6000–6007) with the shipped models: box mAP50 sd 0.008, mAP50:95 0.009, mask mAP50 0.007,
top-1 0.006 (one image is 0.00625), multi-label micro-F1 0.004.
"""

from __future__ import annotations

import pytest

from rf_notebook.server import serve_in_background
from rf_notebook.server.settings import default_models_dir
from rf_notebook.training.quality import BARS, Quality, measure_quality

IMAGES, SEED = 160, 4243
SLACK = {
    "detect_map50": 0.02,
    "detect_map50_95": 0.02,
    "segment_mask_map50": 0.02,
    "classify_top1": 0.015,
    "multilabel_micro_f1": 0.01,
}
# Today's models on this set: box mAP50 0.949, mAP50:95 0.830, mask mAP50 0.948, top-1 0.975,
# multi-label micro-F1 0.979 (a harder draw than the mean of the eight seeds: 0.963, 0.847,
# 0.961, 0.992, 0.979).

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quality(tmp_path_factory: pytest.TempPathFactory) -> Quality:
    assert (default_models_dir() / "shapes-detect" / "1" / "model.onnx").exists()
    tmp = tmp_path_factory.mktemp("quality")
    with serve_in_background(datasets_dir=tmp / "uploads") as server:
        return measure_quality(server.url, images=IMAGES, workdir=tmp / "set", seed=SEED)


def test_every_bar_has_a_slack() -> None:
    assert set(SLACK) == set(BARS)
    assert all(0 < slack <= 0.02 for slack in SLACK.values())


def test_default_models_meet_the_issue_bars(quality: Quality) -> None:
    measured = quality.__dict__
    below = {
        name: (round(measured[name], 4), bar)
        for name, bar in BARS.items()
        if measured[name] < bar - SLACK[name]
    }
    assert not below, f"below the bar (minus slack): {below}"
