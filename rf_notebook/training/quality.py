"""Measure the default models' quality through the local server on a fresh held-out set.

The set is generated with a seed that training never used (:data:`QUALITY_SEED`), written
in the COCO, class-folder and multi-label layouts, predicted through the server's hosted
route, and scored with :func:`rf_notebook.evaluate.evaluate` (equal to pycocotools).

Example:
    >>> with serve_in_background() as server:  # doctest: +SKIP
    ...     print(measure_quality(server.url, images=100, workdir=tmp))
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..batch import Batch
from ..client import Client
from ..datasets import make_dataset
from ..evaluate import evaluate

__all__ = ["BARS", "QUALITY_SEED", "Quality", "measure_quality"]

#: Never used for training (seeds 1, 3, 5), model selection (2) or the shipped sample (1000).
QUALITY_SEED = 4242

#: The issue's bars, by metric.
BARS = {
    "detect_map50": 0.95,
    "detect_map50_95": 0.75,
    "segment_mask_map50": 0.90,
    "classify_top1": 0.98,
    "multilabel_micro_f1": 0.95,
}


@dataclass(frozen=True)
class Quality:
    """Measured quality of the four default models on one held-out set."""

    images: int
    seed: int
    detect_map50: float
    detect_map50_95: float
    segment_mask_map50: float
    segment_mask_map50_95: float
    classify_top1: float
    multilabel_micro_f1: float
    seconds: float

    def failures(self, slack: float = 0.0) -> dict[str, tuple[float, float]]:
        """Metrics below their bar minus ``slack``: ``{name: (measured, bar)}``."""
        values = asdict(self)
        return {k: (values[k], bar) for k, bar in BARS.items() if values[k] < bar - slack}


def measure_quality(
    api_url: str, *, images: int, workdir: Path, seed: int = QUALITY_SEED, image_size: int = 320
) -> Quality:
    """Generate ``images`` fresh images and score every default model on them."""
    started = time.perf_counter()
    root = make_dataset(
        workdir,
        n_train=0,
        n_valid=0,
        n_test=images,
        seed=seed,
        image_size=image_size,
        formats=("coco", "classification", "multilabel"),
    )
    coco = root / "coco" / "test"
    paths = sorted(coco.glob("*.jpg"))
    client = Client(api_url=api_url, protocol="hosted", api_key="quality", cache=False)

    def run(model: str) -> Batch:
        batch = client.predict_many(paths, model, progress=False)
        if batch.errors:
            raise RuntimeError(f"{model}: {len(batch.errors)} images failed: {batch.errors[0]}")
        return batch

    detect = evaluate(run("shapes-detect/1"), coco / "_annotations.coco.json")
    segment = evaluate(run("shapes-segment/1"), coco / "_annotations.coco.json", iou_type="segm")
    classify = evaluate(run("shapes-classify/1"), root / "classification" / "test")
    multilabel = evaluate(run("shapes-multilabel/1"), root / "multilabel" / "test")
    return Quality(
        images=len(paths),
        seed=seed,
        detect_map50=float(detect.map50),  # type: ignore[union-attr]
        detect_map50_95=float(detect.map50_95),  # type: ignore[union-attr]
        segment_mask_map50=float(segment.map50),  # type: ignore[union-attr]
        segment_mask_map50_95=float(segment.map50_95),  # type: ignore[union-attr]
        classify_top1=float(classify.accuracy),  # type: ignore[union-attr]
        multilabel_micro_f1=float(multilabel.summary()["micro_F1"]),
        seconds=time.perf_counter() - started,
    )
