"""Flatten joined detection results and ground truth into tables, pair them and match once.

The one matching kept here is class-aware, COCO-style, at the evaluation's IoU, over
*every* prediction received. Greedy matching goes by confidence, so dropping predictions
below a threshold never changes how the ones above it matched: this single matching
gives TP/FP/FN at any confidence (operating point, sweeps) by counting.

Example:
    >>> data = build_detections(joined, gt, alignment, iou=0.5, iou_type="bbox")  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from ..errors import ConfigError
from ..results import Detection, DetectionResult
from ..results.convert import decode_rle
from .classes import ClassAlignment
from .greedy import greedy_match
from .join import Joined
from .masks import mask_iou, polygon_mask, segment_mask
from .pairs import Objects, group_rank, image_pairs, overlapping_box_pairs
from .truth import GroundTruth, ImageTruth

__all__ = ["DetectionData", "IouType", "build_detections"]

IouType = Literal["bbox", "segm"]


@dataclass(frozen=True)
class DetectionData:
    """A detection dataset flattened, paired and matched at one IoU.

    Attributes:
        keys: Evaluated image keys; ``gt.image``/``dt.image`` index into them.
        paths: Image file per key, when known.
        classes: Class names; ``.cls`` columns index into them.
        gt: Ground-truth objects.
        dt: Every prediction received.
        pair_dt: Prediction of each same-image pair (any class).
        pair_gt: Ground truth of each pair.
        pair_iou: Box or mask IoU of each pair.
        iou: The matching threshold.
        iou_type: ``"bbox"`` or ``"segm"``.
        match: Per prediction, the ground-truth object it matched (class-aware), or -1.
        warnings: Problems noticed while flattening.
    """

    keys: tuple[str, ...]
    paths: tuple[Path | None, ...]
    classes: tuple[str, ...]
    gt: Objects
    dt: Objects
    pair_dt: np.ndarray
    pair_gt: np.ndarray
    pair_iou: np.ndarray
    iou: float
    iou_type: IouType
    match: np.ndarray
    warnings: tuple[str, ...]

    @property
    def ignored(self) -> np.ndarray:
        """Predictions matched to a crowd region: neither true nor false positives."""
        hit = self.match >= 0
        out: np.ndarray = hit & self.gt.crowd[np.where(hit, self.match, 0)] if len(self.gt) else hit
        return out


def build_detections(
    joined: Joined,
    gt: GroundTruth,
    alignment: ClassAlignment,
    *,
    iou: float,
    iou_type: IouType,
) -> DetectionData:
    """Flatten, pair and match; see :class:`DetectionData`.

    Raises:
        ConfigError: A prediction with a NaN confidence or a negative or NaN box, or
            ``segm`` without image sizes or prediction masks.

    Example:
        >>> data = build_detections(joined, gt, aligned, iou=0.5, iou_type="bbox")  # doctest: +SKIP
        >>> len(data.dt), len(data.gt)  # doctest: +SKIP
    """
    truths = [gt[k] for k in joined.keys]
    warnings: list[str] = []
    gt_objects = _truth_objects(truths, alignment)
    dt_objects = _prediction_objects(joined, alignment, truths, warnings)
    if iou_type == "segm":
        pair_dt, pair_gt = image_pairs(dt_objects.image, gt_objects.image)
        pair_iou, dt_area = _mask_ious(
            joined, truths, dt_objects, gt_objects, pair_dt, pair_gt, warnings
        )
        dt_objects = replace(dt_objects, area=dt_area)
        overlap = pair_iou > 0  # pairs without overlap can never match
        pair_dt, pair_gt, pair_iou = pair_dt[overlap], pair_gt[overlap], pair_iou[overlap]
    else:
        pair_dt, pair_gt, pair_iou = overlapping_box_pairs(dt_objects, gt_objects)
    same = dt_objects.cls[pair_dt] == gt_objects.cls[pair_gt]
    n_classes = max(len(alignment.classes), 1)
    match = greedy_match(
        pair_dt[same],
        pair_gt[same],
        pair_iou[same],
        dt_rank=group_rank(dt_objects.image * n_classes + dt_objects.cls, dt_objects.score),
        gt_crowd=gt_objects.crowd,
        gt_ignore=gt_objects.crowd[None, :],
        thresholds=np.array([iou]),
    )[0, 0]
    return DetectionData(
        keys=joined.keys,
        paths=tuple(t.path for t in truths),
        classes=alignment.classes,
        gt=gt_objects,
        dt=dt_objects,
        pair_dt=pair_dt,
        pair_gt=pair_gt,
        pair_iou=pair_iou,
        iou=iou,
        iou_type=iou_type,
        match=match,
        warnings=tuple(warnings),
    )


def _truth_objects(truths: list[ImageTruth], alignment: ClassAlignment) -> Objects:
    if not any(len(t) for t in truths):
        return Objects.empty()
    index = {n: alignment.truth_index(n) for t in truths for n in set(t.class_names)}
    return Objects(
        image=np.repeat(np.arange(len(truths)), [len(t) for t in truths]),
        cls=np.array([index[n] for t in truths for n in t.class_names], dtype=np.int64),
        boxes=np.concatenate([t.boxes for t in truths]),
        area=np.concatenate([t.area for t in truths]),
        crowd=np.concatenate([t.iscrowd for t in truths]),
        score=np.ones(sum(len(t) for t in truths)),
    )


def _prediction_objects(
    joined: Joined, alignment: ClassAlignment, truths: list[ImageTruth], warnings: list[str]
) -> Objects:
    rows: list[tuple[float, float, float, float, float]] = []
    names: list[str] = []
    counts: list[int] = []
    resized = 0
    for result, truth in zip(joined.results, truths, strict=True):
        assert isinstance(result, DetectionResult)
        if (
            result.image
            and truth.width
            and (result.image.width, result.image.height)
            != (
                truth.width,
                truth.height,
            )
        ):
            resized += 1
        for p in result.received:
            rows.append((p.x - p.width / 2, p.y - p.height / 2, p.width, p.height, p.confidence))
            names.append(p.class_name)
        counts.append(len(result.received))
    if resized:
        warnings.append(
            f"{resized} image(s) have predictions made at a different size than the "
            "ground truth says; their boxes may not line up"
        )
    table = np.array(rows, dtype=np.float64).reshape(-1, 5)
    image = np.repeat(np.arange(len(counts)), counts)
    bad = ~np.isfinite(table).all(axis=1) | (table[:, 2] < 0) | (table[:, 3] < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ConfigError(
            f"a prediction for {joined.keys[image[i]]!r} has a NaN confidence or a negative "
            f"or NaN box: x={table[i, 0]}, y={table[i, 1]}, width={table[i, 2]}, "
            f"height={table[i, 3]}, confidence={table[i, 4]}"
        )
    index = {n: alignment.predicted_index(n) for n in set(names)}
    return Objects(
        image=image,
        cls=np.array([index[n] for n in names], dtype=np.int64),
        boxes=table[:, :4],
        area=table[:, 2] * table[:, 3],
        crowd=np.zeros(len(table), bool),
        score=table[:, 4],
    )


def _mask_ious(
    joined: Joined,
    truths: list[ImageTruth],
    dt: Objects,
    gt: Objects,
    pair_dt: np.ndarray,
    pair_gt: np.ndarray,
    warnings: list[str],
) -> tuple[np.ndarray, np.ndarray]:
    """Mask IoU of every pair and the mask area of every prediction, image by image."""
    pair_iou = np.zeros(len(pair_dt))
    dt_area = np.zeros(len(dt))
    dt_start = np.searchsorted(dt.image, np.arange(len(truths) + 1))
    gt_start = np.searchsorted(gt.image, np.arange(len(truths) + 1))
    pair_start = np.searchsorted(dt.image[pair_dt], np.arange(len(truths) + 1))
    boxed = 0
    for i, (result, truth) in enumerate(zip(joined.results, truths, strict=True)):
        if dt_start[i] == dt_start[i + 1]:
            continue
        if truth.width is None or truth.height is None:
            raise ConfigError(f"mask evaluation needs the size of image {truth.key!r}")
        w, h = truth.width, truth.height
        assert isinstance(result, DetectionResult)
        dt_masks = [_prediction_mask(p, w, h, truth.key) for p in result.received]
        gt_masks = []
        for segment, box in zip(truth.segments, truth.boxes, strict=True):
            if segment is None:
                boxed += 1
                x, y, bw, bh = box.tolist()
                segment = [[x, y, x + bw, y, x + bw, y + bh, x, y + bh]]
            gt_masks.append(segment_mask(segment, w, h))
        dt_area[dt_start[i] : dt_start[i + 1]] = [np.count_nonzero(m) for m in dt_masks]
        lo, hi = pair_start[i], pair_start[i + 1]
        pair_iou[lo:hi] = mask_iou(
            dt_masks,
            gt_masks,
            pair_dt[lo:hi] - dt_start[i],
            pair_gt[lo:hi] - gt_start[i],
            truth.iscrowd,
        )
    if boxed:
        warnings.append(f"{boxed} ground-truth object(s) have no mask; their box is used")
    return pair_iou, dt_area


def _prediction_mask(p: Detection, width: int, height: int, key: str) -> np.ndarray:
    if p.points is not None:
        return polygon_mask([(v.x, v.y) for v in p.points], width, height)
    if p.rle is not None:
        mask = decode_rle(p.rle)
        if mask.shape == (height, width):
            return mask
        raise ConfigError(f"a prediction mask for {key!r} is {mask.shape}, not {(height, width)}")
    raise ConfigError(
        f"a prediction for {key!r} has no polygon or mask; use iou_type='bbox' for boxes"
    )
