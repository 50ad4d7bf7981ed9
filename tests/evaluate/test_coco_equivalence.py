"""mAP, AP50/75, size ranges and AR equal pycocotools' COCOeval on generated sets.

Every test compares all twelve ``COCOeval.stats`` and the per-class AP within 1e-6 (they
agree exactly in practice); ``MAX_DIFFERENCE`` records the largest difference seen.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rf_notebook.evaluate import evaluate, load_coco
from tests.evaluate.synth import Synth, make_set, reference_stats

pytest.importorskip("pycocotools")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pycocotools")

TOLERANCE = 1e-6
MAX_DIFFERENCE: list[float] = []

CASES: list[dict[str, Any]] = [
    {"seed": 0},
    {"seed": 1},
    {"seed": 2, "n_images": 40},
    {"seed": 3, "tie_scores": True},
    {"seed": 4, "duplicates": True},
    {"seed": 5, "crowd": 0.4},
    {"seed": 6, "no_predictions": True},
    {"seed": 7, "no_ground_truth": True},
    {"seed": 8, "duplicates": True, "tie_scores": True, "crowd": 0.2},
]


def _ours(synth: Synth, tmp_path: Path, iou_type: str) -> Any:
    path = tmp_path / "instances.json"
    path.write_text(json.dumps(synth.coco))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return evaluate(synth.responses, load_coco(path), iou_type=iou_type)  # type: ignore[arg-type]


def _compare(synth: Synth, tmp_path: Path, iou_type: str) -> None:
    ev = _ours(synth, tmp_path, iou_type)
    ref, evaluator = reference_stats(synth, iou_type)
    ours = ev.coco_stats()
    difference = float(np.abs(ours - ref).max())
    MAX_DIFFERENCE.append(difference)
    assert difference <= TOLERANCE, (ours, ref)
    for name, value in [
        ("map50_95", 0),
        ("map50", 1),
        ("map75", 2),
        ("map_small", 3),
        ("map_medium", 4),
        ("map_large", 5),
    ]:
        got = getattr(ev, name)
        assert (np.isnan(got) and ref[value] == -1) or abs(got - ref[value]) <= TOLERANCE
    precision = evaluator.eval["precision"][:, :, :, 0, 2]  # all areas, maxDets=100
    table = ev.per_class()
    for k in range(precision.shape[2]):
        expected50 = precision[0, :, k].mean() if precision[0, 0, k] > -1 else np.nan
        expected = precision[:, :, k].mean() if precision[0, 0, k] > -1 else np.nan
        np.testing.assert_allclose(table["AP50"].iloc[k], expected50, atol=TOLERANCE)
        np.testing.assert_allclose(table["AP50_95"].iloc[k], expected, atol=TOLERANCE)


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_box_map_equals_pycocotools(case: dict[str, Any], tmp_path: Path) -> None:
    _compare(make_set(**case), tmp_path, "bbox")


@pytest.mark.parametrize(
    "case",
    [
        {"seed": 10},
        {"seed": 11, "crowd": 0.3},
        {"seed": 12, "duplicates": True, "tie_scores": True},
    ],
    ids=["plain", "crowd", "duplicates-ties"],
)
def test_mask_map_equals_pycocotools_segm(case: dict[str, Any], tmp_path: Path) -> None:
    _compare(make_set(segm=True, n_images=16, **case), tmp_path, "segm")


def test_more_than_100_predictions_per_image_and_class_are_cut_like_coco(tmp_path: Path) -> None:
    synth = make_set(20, n_images=3)
    rng = np.random.default_rng(0)
    crowded = synth.responses["img_000.jpg"]["predictions"]
    for _ in range(150):
        x, y, score = rng.uniform(10, 150), rng.uniform(10, 110), float(rng.random())
        crowded.append(
            {"x": x, "y": y, "width": 12.0, "height": 9.0, "confidence": score, "class": "circle"}
        )
        synth.results.append(
            {"image_id": 1, "category_id": 1, "bbox": [x - 6.0, y - 4.5, 12.0, 9.0], "score": score}
        )
    _compare(synth, tmp_path, "bbox")


def test_the_test_can_fail(tmp_path: Path) -> None:
    """Dropping one true positive changes the numbers, so the comparisons above are live."""
    synth = make_set(0)
    ref, _ = reference_stats(synth, "bbox")
    name = next(k for k, r in synth.responses.items() if r["predictions"])
    synth.responses[name]["predictions"].pop()
    assert np.abs(_ours(synth, tmp_path, "bbox").coco_stats() - ref).max() > TOLERANCE


def test_report_max_difference() -> None:
    """Runs last in this module: prints the largest difference seen against pycocotools."""
    if MAX_DIFFERENCE:
        worst = max(MAX_DIFFERENCE)
        print(f"\nmax |difference| vs pycocotools over {len(MAX_DIFFERENCE)} sets: {worst:.3g}")
