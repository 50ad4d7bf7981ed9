"""The shipped default models, measured on images training never saw (issue 5).

Measured through the local server on a fresh set of 80 images (seed 4243; training used
seeds 1 and 2; the report in each MODEL_CARD.md uses 300 images of seed 4242). Slack, because
80 images is a small sample: 0.02 on box mAP50, 0.03 on the others — about one standard
error of each metric on a set this size (~360 objects; at top-1 0.98, one image is 0.0125).

The models shipped today (26 epochs, then 9 more with a stride-4 head) meet four of the five
bars and miss box mAP50 (0.933 on the report set against 0.95):
``test_default_models_meet_the_issue_bars`` is a strict xfail until retrained models pass
it (then it fails as XPASS, to be turned back into a plain test). The regression floor
below holds the current models to what they measure now, so a broken export or runtime
change still fails.
"""

from __future__ import annotations

import pytest

from rf_notebook.server import serve_in_background
from rf_notebook.server.settings import default_models_dir
from rf_notebook.training.quality import BARS, Quality, measure_quality

SLACK = {
    "detect_map50": 0.02,
    "detect_map50_95": 0.03,
    "segment_mask_map50": 0.03,
    "classify_top1": 0.03,
    "multilabel_micro_f1": 0.03,
}
# The shipped models on the 300-image report set (seed 4242) measured detect mAP50 0.933,
# mAP50:95 0.788, mask mAP50 0.928, top-1 0.987, multi-label micro-F1 0.965 (on this test's
# 80 images, a harder draw: 0.896, 0.751, 0.880, 0.975, 0.950). Each floor sits about two
# standard errors of an 80-image set below this test's own numbers.
FLOOR = {
    "detect_map50": 0.84,
    "detect_map50_95": 0.70,
    "segment_mask_map50": 0.83,
    "classify_top1": 0.93,
    "multilabel_micro_f1": 0.90,
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quality(tmp_path_factory: pytest.TempPathFactory) -> Quality:
    assert (default_models_dir() / "shapes-detect" / "1" / "model.onnx").exists()
    tmp = tmp_path_factory.mktemp("quality")
    with serve_in_background(datasets_dir=tmp / "uploads") as server:
        return measure_quality(server.url, images=80, workdir=tmp / "set", seed=4243)


def _below(
    quality: Quality, bars: dict[str, float], slack: dict[str, float]
) -> dict[str, tuple[float, float]]:
    measured = quality.__dict__
    return {
        name: (round(measured[name], 4), bar)
        for name, bar in bars.items()
        if measured[name] < bar - slack.get(name, 0.0)
    }


def test_default_models_stay_above_their_regression_floor(quality: Quality) -> None:
    below = _below(quality, FLOOR, {})
    assert not below, f"below the regression floor: {below}"


@pytest.mark.xfail(strict=True, reason="issue 5: box mAP50 is still below its bar")
def test_default_models_meet_the_issue_bars(quality: Quality) -> None:
    below = _below(quality, BARS, SLACK)
    assert not below, f"below the bar (minus slack): {below}"
