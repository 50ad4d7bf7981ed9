"""Random detection / segmentation sets as COCO ground truth plus API-shaped predictions.

``make_set`` returns the same data in both worlds: a COCO dict (and a pycocotools results
list) for the reference, and response dicts for rf-notebook. Predictions' COCO boxes are
computed from the response's centre form exactly as rf-notebook computes them.
"""

from __future__ import annotations

import contextlib
import copy
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CLASSES = ("circle", "square", "star", "triangle")


@dataclass
class Synth:
    coco: dict[str, Any]
    responses: dict[str, dict[str, Any]]
    results: list[dict[str, Any]] = field(default_factory=list)


def uncompressed_rle(mask: np.ndarray) -> dict[str, Any]:
    flat = mask.T.ravel().astype(np.int8)
    changes = np.flatnonzero(np.diff(np.concatenate([[0], flat, [1 - flat[-1]]])))
    counts = np.diff(np.concatenate([[0], changes])).tolist()
    return {"counts": counts, "size": [int(mask.shape[0]), int(mask.shape[1])]}


def _polygon(rng: np.random.Generator, cx: float, cy: float, r: float) -> np.ndarray:
    k = int(rng.integers(3, 9))
    angles = np.sort(rng.uniform(0, 2 * np.pi, k))
    radius = r * rng.uniform(0.5, 1.0, k)
    return np.c_[cx + radius * np.cos(angles), cy + radius * np.sin(angles)]


def make_set(
    seed: int,
    *,
    n_images: int = 24,
    segm: bool = False,
    crowd: float = 0.08,
    tie_scores: bool = False,
    duplicates: bool = False,
    no_predictions: bool = False,
    no_ground_truth: bool = False,
    size: tuple[int, int] = (160, 120),
) -> Synth:
    """A random set; objects of every COCO size range, jittered and wrong-class predictions."""
    rng = np.random.default_rng(seed)
    w_img, h_img = size
    images, anns, responses, results = [], [], {}, []
    ann_id = 1
    for i in range(n_images):
        name = f"img_{i:03d}.jpg"
        images.append({"id": i + 1, "file_name": name, "width": w_img, "height": h_img})
        preds: list[dict[str, Any]] = []
        n_gt = 0 if no_ground_truth else int(rng.integers(0, 7))
        for _ in range(n_gt):
            cls = int(rng.integers(0, len(CLASSES)))
            r = float(rng.choice([rng.uniform(2, 8), rng.uniform(8, 30), rng.uniform(30, 60)]))
            cx, cy = float(rng.uniform(0, w_img)), float(rng.uniform(0, h_img))
            is_crowd = bool(rng.random() < crowd)
            poly = _polygon(rng, cx, cy, r)
            x1, y1 = poly.min(axis=0)
            x2, y2 = poly.max(axis=0)
            ann: dict[str, Any] = {
                "id": ann_id,
                "image_id": i + 1,
                "category_id": cls + 1,
                "bbox": [float(x1), float(y1), float(x2 - x1), float(y2 - y1)],
                "area": float((x2 - x1) * (y2 - y1) * rng.uniform(0.4, 1.0)),
                "iscrowd": int(is_crowd),
            }
            if segm:
                if is_crowd:
                    from rf_notebook.evaluate import polygon_mask

                    ann["segmentation"] = uncompressed_rle(polygon_mask(poly.ravel(), w_img, h_img))
                else:
                    ann["segmentation"] = [poly.ravel().tolist()]
            anns.append(ann)
            ann_id += 1
            for _ in range(int(rng.integers(0, 3))):
                jitter = poly + rng.normal(0, r * 0.15, poly.shape)
                pcls = cls if rng.random() < 0.8 else int(rng.integers(0, len(CLASSES)))
                preds.append(_prediction(jitter, pcls, rng, tie_scores))
        for _ in range(int(rng.integers(0, 4))):
            poly = _polygon(rng, rng.uniform(0, w_img), rng.uniform(0, h_img), rng.uniform(3, 40))
            preds.append(_prediction(poly, int(rng.integers(0, len(CLASSES))), rng, tie_scores))
        if duplicates and preds:
            preds += [dict(p) for p in preds[: max(1, len(preds) // 2)]]
        if no_predictions:
            preds = []
        responses[name] = {"image": {"width": w_img, "height": h_img}, "predictions": preds}
        for p in preds:
            entry: dict[str, Any] = {
                "image_id": i + 1,
                "category_id": CLASSES.index(p["class"]) + 1,
                "bbox": [
                    p["x"] - p["width"] / 2,
                    p["y"] - p["height"] / 2,
                    p["width"],
                    p["height"],
                ],
                "score": p["confidence"],
            }
            if segm:
                from pycocotools import mask as mask_utils

                flat = [v for pt in p["points"] for v in (pt["x"], pt["y"])]
                rle = mask_utils.merge(mask_utils.frPyObjects([flat], h_img, w_img))
                entry["segmentation"] = rle
                # Without "bbox", loadRes takes a prediction's area from its mask, as COCO
                # defines it (with "bbox", pycocotools would use the box area).
                del entry["bbox"]
            results.append(entry)
    categories = [
        {"id": k + 1, "name": n, "supercategory": "shapes"} for k, n in enumerate(CLASSES)
    ]
    coco = {"images": images, "annotations": anns, "categories": categories}
    return Synth(coco, responses, results)


def _prediction(poly: np.ndarray, cls: int, rng: np.random.Generator, tie: bool) -> dict[str, Any]:
    x1, y1 = poly.min(axis=0)
    x2, y2 = poly.max(axis=0)
    score = 0.5 if tie else float(np.round(rng.random(), 2))
    return {
        "x": float((x1 + x2) / 2),
        "y": float((y1 + y2) / 2),
        "width": float(x2 - x1),
        "height": float(y2 - y1),
        "confidence": score,
        "class": CLASSES[cls],
        "class_id": cls,
        "points": [{"x": float(a), "y": float(b)} for a, b in poly],
    }


def reference_stats(synth: Synth, iou_type: str = "bbox") -> tuple[np.ndarray, Any]:
    """pycocotools' ``COCOeval.stats`` (and the evaluator) for a set."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = copy.deepcopy(synth.coco)  # pycocotools rewrites segmentations in place
        gt.createIndex()
        if synth.results:
            dt = gt.loadRes([dict(r) for r in synth.results])
        else:  # loadRes cannot take an empty list
            dt = COCO()
            dt.dataset = {**copy.deepcopy(synth.coco), "annotations": []}
            dt.createIndex()
        evaluator = COCOeval(gt, dt, iou_type)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return np.asarray(evaluator.stats), evaluator
