"""Issue 6, P4: ``evaluate`` on 5,000 images × 20 boxes against pycocotools' COCOeval.

Both score the same boxes: ``COCOeval`` runs ``evaluate + accumulate + summarize`` on
ground truth and results already loaded (``COCO()`` and ``loadRes`` are timed apart);
rf-notebook runs ``evaluate(results, ground_truth)`` on parsed results and a loaded
``GroundTruth`` and reads the twelve COCO numbers. Goal: at least 3× faster, every number
equal within 1e-6. Peak memory of the rf-notebook run is measured in a second run under
``tracemalloc`` (NumPy reports its buffers to it), so it does not slow the timed one.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import resource
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from rf_notebook.evaluate import evaluate, load_coco
from rf_notebook.results import Result

N_IMAGES = 5000
BOXES = 20
CLASSES = [f"class_{k}" for k in range(10)]
SIZE = (640, 480)


def make_data(seed: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """COCO ground truth, API responses and the matching COCO results list."""
    rng = np.random.default_rng(seed)
    w_img, h_img = SIZE
    images, anns, responses, coco_results = [], [], [], []
    for i in range(N_IMAGES):
        name = f"img_{i:05d}.jpg"
        images.append({"id": i + 1, "file_name": name, "width": w_img, "height": h_img})
        size = rng.choice([8.0, 24.0, 60.0, 150.0], size=(BOXES, 1)) * rng.uniform(
            0.6, 1.4, (BOXES, 2)
        )
        corner = rng.uniform(0, 1, (BOXES, 2)) * ([w_img, h_img] - size)
        cls = rng.integers(0, len(CLASSES), BOXES)
        crowd = rng.random(BOXES) < 0.02
        for j in range(BOXES):
            box = [*corner[j].tolist(), *size[j].tolist()]
            anns.append(
                {
                    "id": len(anns) + 1,
                    "image_id": i + 1,
                    "category_id": int(cls[j]) + 1,
                    "bbox": box,
                    "area": float(size[j, 0] * size[j, 1]),
                    "iscrowd": int(crowd[j]),
                }
            )
        # 20 predictions: most on an object (jittered, sometimes the wrong class), some not.
        on = rng.random(BOXES) < 0.85
        jitter = rng.normal(0, 0.08, (BOXES, 4)) * np.c_[size, size]
        centre = np.where(
            on[:, None], corner + size / 2 + jitter[:, :2], rng.uniform(0, 1, (BOXES, 2)) * SIZE
        )
        wh = np.abs(np.where(on[:, None], size + jitter[:, 2:], size)) + 1
        pcls = np.where(rng.random(BOXES) < 0.9, cls, rng.integers(0, len(CLASSES), BOXES))
        score = np.round(rng.random(BOXES), 3)
        preds = []
        for j in range(BOXES):
            x, y, w, h = centre[j, 0], centre[j, 1], wh[j, 0], wh[j, 1]
            preds.append(
                {
                    "x": x,
                    "y": y,
                    "width": w,
                    "height": h,
                    "confidence": score[j],
                    "class": CLASSES[pcls[j]],
                }
            )
            coco_results.append(
                {
                    "image_id": i + 1,
                    "category_id": int(pcls[j]) + 1,
                    "bbox": [x - w / 2, y - h / 2, w, h],
                    "score": float(score[j]),
                }
            )
        responses.append(
            {"image": {"width": w_img, "height": h_img}, "image_path": name, "predictions": preds}
        )
    categories = [{"id": k + 1, "name": n} for k, n in enumerate(CLASSES)]
    return (
        {"images": images, "annotations": anns, "categories": categories},
        responses,
        coco_results,
    )


def run_pycocotools(
    coco: dict[str, Any], results: list[dict[str, Any]]
) -> tuple[np.ndarray, float, float]:
    """COCOeval's stats, its evaluate+accumulate+summarize time, and the loading time."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        started = time.perf_counter()
        gt = COCO()
        gt.dataset = copy.deepcopy(coco)
        gt.createIndex()
        dt = gt.loadRes(copy.deepcopy(results))
        loading = time.perf_counter() - started
        started = time.perf_counter()
        evaluator = COCOeval(gt, dt, "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
        elapsed = time.perf_counter() - started
    return np.asarray(evaluator.stats), elapsed, loading


def main() -> None:
    print(f"{N_IMAGES} images × {BOXES} boxes, {len(CLASSES)} classes; generating …", flush=True)
    coco, responses, coco_results = make_data()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instances.json"
        path.write_text(json.dumps(coco))
        started = time.perf_counter()
        truth = load_coco(path)
        results = [Result.from_json(r) for r in responses]
        our_loading = time.perf_counter() - started

        def ours() -> np.ndarray:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ev = evaluate(results, truth)
            stats = ev.coco_stats()
            ev.confusion_matrix()
            ev.per_class()
            return stats

        started = time.perf_counter()
        our_stats = ours()
        our_time = time.perf_counter() - started
        tracemalloc.start()
        ours()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    ref_stats, ref_time, ref_loading = run_pycocotools(coco, coco_results)
    diff = float(np.abs(our_stats - ref_stats).max())
    names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]
    print("          " + " ".join(f"{n:>7}" for n in names))
    print("rf-notebook " + " ".join(f"{v:7.4f}" for v in our_stats))
    print("pycocotools " + " ".join(f"{v:7.4f}" for v in ref_stats))
    print(f"max |difference|: {diff:.2e}  (goal ≤ 1e-6)")
    print(f"pycocotools evaluate+accumulate+summarize: {ref_time:7.2f} s", end="")
    print(f"  (COCO()+loadRes {ref_loading:.2f} s)")
    print(f"rf-notebook evaluate + stats + tables:     {our_time:7.2f} s", end="")
    print(f"  (load_coco+parse {our_loading:.2f} s)")
    print(f"speed-up: {ref_time / our_time:6.1f}×  (goal ≥ 3×)")
    print(f"peak memory of evaluate (tracemalloc): {peak / 2**20:.1f} MiB")
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if diff > 1e-6 or ref_time / our_time < 3:
        raise SystemExit("P4 goal not met")


if __name__ == "__main__":
    main()
