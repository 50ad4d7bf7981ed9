"""Issue 3 (P6): ``draw_boxes`` against supervision's own annotators, same data, same run.

A 1920×1080 image with 100 labelled boxes. The baseline is what a supervision user
writes: copy the frame (annotators draw in place), format the labels, then
``BoxAnnotator`` + ``LabelAnnotator``. ``draw_boxes`` does all of that and more: reads
the result object, picks colors, places chips inside the frame, draws TrueType text,
and returns a new PIL image. Each is timed as the median of several interleaved runs
after one warm-up. Goal: ``draw_boxes`` takes at most 1.2× the baseline.

Also shown: other input kinds, a PIL input (one more conversion), and a run with the
glyph and chip caches cleared, as the first image of a process pays.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image

WIDTH, HEIGHT, N_BOXES, RUNS = 1920, 1080, 100, 21
CLASSES = ["person", "car", "bicycle", "dog", "cat", "traffic light", "bus", "truck"]


def _response(rng: np.random.Generator) -> dict[str, Any]:
    predictions = []
    for i in range(N_BOXES):
        w, h = rng.uniform(30, 300), rng.uniform(30, 300)
        predictions.append(
            {
                "x": float(rng.uniform(w / 2, WIDTH - w / 2)),
                "y": float(rng.uniform(h / 2, HEIGHT - h / 2)),
                "width": float(w),
                "height": float(h),
                "confidence": float(rng.uniform(0.3, 1.0)),
                "class": CLASSES[i % len(CLASSES)],
                "class_id": i % len(CLASSES),
            }
        )
    return {"image": {"width": WIDTH, "height": HEIGHT}, "predictions": predictions}


def _median_ms(fns: dict[str, Callable[[], object]]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # warm-up: font and glyph caches, OpenCV initialisation
    for _ in range(RUNS):
        for name, fn in fns.items():  # interleaved, so drift hits both alike
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) * 1e3 for name, t in times.items()}


def main() -> None:
    import supervision as sv

    from rf_notebook.draw import draw_boxes, style_for
    from rf_notebook.draw.chips import _painted
    from rf_notebook.draw.text import _glyphs
    from rf_notebook.results import DetectionResult, Result

    rng = np.random.default_rng(6)
    image = rng.integers(0, 256, size=(HEIGHT, WIDTH, 3), dtype=np.uint8)
    response = _response(rng)
    result = Result.from_json(response)
    assert isinstance(result, DetectionResult)
    detections = result.to_supervision()
    stroke = style_for(WIDTH, HEIGHT).stroke
    boxes = sv.BoxAnnotator(thickness=stroke)
    labels = sv.LabelAnnotator()

    def supervision_baseline() -> np.ndarray:
        texts = [
            f"{name} {score:.2f}"
            for name, score in zip(
                detections.data["class_name"], detections.confidence, strict=True
            )
        ]
        scene = boxes.annotate(image.copy(), detections)
        out: np.ndarray = labels.annotate(scene, detections, labels=texts)
        return out

    def cold() -> object:
        # What the first image of a new process pays: glyphs rasterised, chips painted.
        _glyphs.cache_clear()
        _painted.cache_clear()
        return draw_boxes(image, result)

    pil_image = Image.fromarray(image)
    timings = _median_ms(
        {
            "supervision": supervision_baseline,
            "draw_boxes(result)": lambda: draw_boxes(image, result),
            "draw_boxes(sv.Detections)": lambda: draw_boxes(image, detections),
            "draw_boxes(dict)": lambda: draw_boxes(image, response),
            "draw_boxes(PIL image, result)": lambda: draw_boxes(pil_image, result),
            "draw_boxes, caches cleared": cold,
        }
    )
    baseline = timings["supervision"]
    print(f"{WIDTH}×{HEIGHT}, {N_BOXES} labelled boxes, median of {RUNS} runs (stroke {stroke})")
    for name, ms in timings.items():
        print(f"  {name:<30} {ms:7.2f} ms   {ms / baseline:5.2f}× supervision")
    ratio = timings["draw_boxes(result)"] / baseline
    verdict = "OK" if ratio <= 1.2 else "SLOWER THAN TARGET"
    print(f"draw_boxes / supervision = {ratio:.2f}× (target ≤ 1.2×): {verdict}")


if __name__ == "__main__":
    main()
