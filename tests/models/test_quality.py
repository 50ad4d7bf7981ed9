"""The shipped default models, measured on images training never saw (issue 5).

Measured through the local server on a fresh set of 80 images (seed 4243; training used
seeds 1 and 2; the report in each MODEL_CARD.md uses 300 images of seed 4242). Slack, because
80 images is a small sample: 0.02 on box mAP50, 0.03 on the others — about one standard
error of each metric on a set this size (~360 objects; at top-1 0.98, one image is 0.0125).

The models shipped today (26 epochs) meet two of the five bars (mAP50:95, multi-label
micro-F1) and miss three (box mAP50, mask mAP50, top-1):
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
# The shipped models on the 300-image report set (seed 4242) measured detect mAP50 0.883,
# mAP50:95 0.753, mask mAP50 0.880, top-1 0.957, multi-label micro-F1 0.950 (on this test's
# 80 images: 0.850, 0.724, 0.839, 0.975, 0.934). Each floor is the report's number minus
# about two standard errors of an 80-image set.
FLOOR = {
    "detect_map50": 0.80,
    "detect_map50_95": 0.67,
    "segment_mask_map50": 0.78,
    "classify_top1": 0.90,
    "multilabel_micro_f1": 0.89,
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


@pytest.mark.xfail(
    strict=True, reason="issue 5: box and mask mAP50 and top-1 are still below the bars"
)
def test_default_models_meet_the_issue_bars(quality: Quality) -> None:
    below = _below(quality, BARS, SLACK)
    assert not below, f"below the bar (minus slack): {below}"
