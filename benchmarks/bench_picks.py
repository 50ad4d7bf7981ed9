"""Issue 7: ``pick`` over 100,000 detection results against a plain-Python loop.

Both compute the same seven detection scores (least confidence, entropy, near the
threshold, no detections, count outlier, rare class, overlapping classes), normalise
them, take the weighted mean and rank with the same seeded tie-break; the run checks
that both choose the same images in the same order. Results are built directly as
``DetectionResult`` objects (no server), about 4 boxes each among 6 classes.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from itertools import combinations

import numpy as np

from rf_notebook.active_learning import pick
from rf_notebook.active_learning.flat import flatten
from rf_notebook.results import Detection, DetectionResult, ImageInfo

N_RESULTS = 100_000
K = 100
CLASSES = ("car", "person", "bike", "dog", "cat", "bus")
STRATEGIES = (
    "least_confidence",
    "entropy",
    "near_threshold",
    "no_detections",
    "count_outlier",
    "rare_class",
    "overlap",
)


def synthetic_results(n: int, seed: int = 0) -> list[DetectionResult]:
    """``n`` detection results with a few random boxes each (class frequencies skewed)."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(4, n)
    total = int(counts.sum())
    xy = rng.uniform(0, 600, (total, 2))
    wh = rng.uniform(10, 120, (total, 2))
    confidence = np.round(rng.beta(2, 2, total), 3).clip(0.01, 1)
    cls = rng.choice(len(CLASSES), total, p=[0.4, 0.3, 0.15, 0.1, 0.04, 0.01])
    boxes = [
        Detection(x=x, y=y, width=w, height=h, confidence=c, class_name=CLASSES[k])
        for (x, y), (w, h), c, k in zip(
            xy.tolist(), wh.tolist(), confidence.tolist(), cls.tolist(), strict=True
        )
    ]
    out, start = [], 0
    for i, count in enumerate(counts.tolist()):
        mine = tuple(boxes[start : start + count])
        start += count
        out.append(
            DetectionResult(
                task="object-detection",
                image=ImageInfo(640, 480),
                predictions=mine,
                received=mine,
                source=f"img_{i:06d}.jpg",
            )
        )
    return out


def _entropy(c: float) -> float:
    q = min(max(c, 1e-12), 1 - 1e-12)
    return -(q * math.log2(q) + (1 - q) * math.log2(1 - q))


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def reference_scores(
    results: Sequence[DetectionResult],
    *,
    confidence: float = 0.4,
    epsilon: float = 0.05,
    overlap_iou: float = 0.5,
    entropy_floor: float = 0.1,
) -> dict[str, list[float]]:
    """The raw detection scores, one result at a time, in plain Python."""
    least, entropy, near, empty, counts, overlap = [], [], [], [], [], []
    present: list[set[str]] = []
    for r in results:
        kept = [p for p in r.received if p.confidence >= confidence]
        least.append(1 - min(p.confidence for p in kept) if kept else 0.0)
        entropy.append(
            sum(_entropy(p.confidence) for p in r.received if p.confidence >= entropy_floor)
        )
        near.append(
            float(sum(abs(p.confidence - confidence) <= epsilon + 1e-9 for p in r.received))
        )
        empty.append(0.0 if kept else 1.0)
        counts.append(len(kept))
        present.append({p.class_name for p in kept})
        overlap.append(
            float(
                sum(
                    a.class_name != b.class_name and _iou(a.xyxy, b.xyxy) >= overlap_iou - 1e-9
                    for a, b in combinations(kept, 2)
                )
            )
        )
    median = statistics.median(counts)
    deviation = [abs(c - median) for c in counts]
    scale = 1.4826 * statistics.median(deviation) or 1.2533 * statistics.fmean(deviation)
    outlier = [d / scale if scale else 0.0 for d in deviation]
    images_with = Counter(c for names in present for c in names)
    most = max(images_with.values(), default=1)
    rare = [
        max((math.log2(most / images_with[c]) for c in names), default=0.0) for names in present
    ]
    return {
        "least_confidence": least,
        "entropy": entropy,
        "near_threshold": near,
        "no_detections": empty,
        "count_outlier": outlier,
        "rare_class": rare,
        "overlap": overlap,
    }


def reference_pick(results: Sequence[DetectionResult], k: int, seed: int = 0) -> list[str]:
    """Plain-Python ``pick`` with equal weights and no dedup: the top ``k`` sources."""
    scores = reference_scores(results)
    combined = [0.0] * len(results)
    for values in scores.values():
        top = max(values)
        for i, v in enumerate(values):
            combined[i] += v / top if top > 0 else 0.0
    final = [round(v / len(scores), 12) for v in combined]
    tiebreak = np.random.default_rng(seed).permutation(len(results)).tolist()
    order = sorted(range(len(results)), key=lambda i: (-final[i], tiebreak[i]))
    return [str(results[i].source) for i in order[:k]]


def main() -> None:
    results = synthetic_results(N_RESULTS)
    boxes = sum(len(r.received) for r in results)
    started = time.perf_counter()
    flatten(results)
    flattening = time.perf_counter() - started
    started = time.perf_counter()
    picks = pick(results, K, list(STRATEGIES), confidence=0.4, dedup=False)
    vectorised = time.perf_counter() - started
    started = time.perf_counter()
    expected = reference_pick(results, K)
    loop = time.perf_counter() - started
    same = list(picks.table["image"]) == expected
    print(f"{N_RESULTS:,} results, {boxes:,} boxes, k={K}, 7 strategies")
    print(f"pick (vectorised) : {vectorised:7.3f} s  (of which reading boxes: {flattening:.3f} s)")
    print(f"plain-Python loop : {loop:7.3f} s")
    print(f"speed-up          : {loop / vectorised:7.1f}×  (same picks, same order: {same})")
    if not same:
        raise SystemExit("the vectorised picks differ from the plain-Python loop")


if __name__ == "__main__":
    main()
