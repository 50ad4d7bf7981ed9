"""Decode raw Ultralytics outputs into candidate boxes, and class scores into probabilities.

Detect heads emit ``[1, 4 + nc, N]`` (``cx, cy, w, h`` in letterboxed input pixels, then one
sigmoided score per class); segment heads append ``nm`` (usually 32) mask coefficients per
candidate, ``[1, 4 + nc + nm, N]``. The transposed layout ``[1, N, C]`` is accepted as well.
A candidate's confidence is its best class score and its class the arg-max; the confidence
threshold is inclusive (``>=``). The class filter applies to that best class, as in the hosted API.
Candidates with a non-finite score or box are dropped.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rf_notebook.server.runtime.errors import InferenceFailedError
from rf_notebook.server.runtime.nms import non_max_suppression

__all__ = ["Candidates", "decode_yolo", "scores_to_probabilities", "select_detections"]


@dataclass(frozen=True)
class Candidates:
    """Parallel arrays of candidate detections, boxes in network-input pixels.

    Attributes:
        xyxy: ``(k, 4)`` float64 ``x1, y1, x2, y2``.
        confidence: ``(k,)`` float64 best class score.
        class_id: ``(k,)`` int64 best class.
        coefficients: ``(k, nm)`` float32 mask coefficients, or ``None`` for detect heads.

    Example:
        >>> Candidates.empty().xyxy.shape
        (0, 4)
    """

    xyxy: npt.NDArray[np.float64]
    confidence: npt.NDArray[np.float64]
    class_id: npt.NDArray[np.int64]
    coefficients: npt.NDArray[np.float32] | None = None

    @classmethod
    def empty(cls, num_masks: int = 0) -> Candidates:
        """No candidates.

        Example:
            >>> len(Candidates.empty())
            0
        """
        coefficients = np.zeros((0, num_masks), np.float32) if num_masks else None
        return cls(
            np.zeros((0, 4), np.float64),
            np.zeros(0, np.float64),
            np.zeros(0, np.int64),
            coefficients,
        )

    def __len__(self) -> int:
        return len(self.confidence)

    def take(self, indices: npt.NDArray[np.intp]) -> Candidates:
        """The candidates at ``indices``, in that order.

        Example:
            >>> len(Candidates.empty().take(np.zeros(0, np.intp)))
            0
        """
        coefficients = None if self.coefficients is None else self.coefficients[indices]
        return Candidates(
            self.xyxy[indices], self.confidence[indices], self.class_id[indices], coefficients
        )


def decode_yolo(
    output: npt.NDArray[np.float32],
    *,
    num_classes: int,
    num_masks: int = 0,
    confidence: float,
    class_ids: Collection[int] | None = None,
    max_candidates: int = 3000,
) -> Candidates:
    """Candidates whose best class score is ``>= confidence``.

    Args:
        output: The head output, ``[1, 4 + nc + nm, N]`` (or ``[1, N, 4 + nc + nm]``).
        num_classes: ``nc``.
        num_masks: ``nm``; 0 for detect heads.
        confidence: Inclusive threshold on the best class score.
        class_ids: Keep only candidates whose best class is in here; ``None`` keeps all.
        max_candidates: Keep at most this many (the highest scores) for NMS.

    Returns:
        The candidates, boxes in input pixels.

    Raises:
        InferenceFailedError: The output's shape does not match ``num_classes`` and ``num_masks``.

    Example:
        >>> out = np.array([[[10.0], [10.0], [4.0], [2.0], [0.2], [0.7]]], np.float32)
        >>> c = decode_yolo(out, num_classes=2, confidence=0.5)
        >>> c.xyxy.tolist(), c.class_id.tolist()
        ([[8.0, 9.0, 12.0, 11.0]], [1])
    """
    channels = 4 + num_classes + num_masks
    table = output[0] if output.ndim == 3 else output
    if table.ndim != 2 or channels not in table.shape:
        raise InferenceFailedError(
            f"model output has shape {list(output.shape)} but the metadata's {num_classes} "
            f"classes{f' and {num_masks} mask coefficients' if num_masks else ''} need "
            f"[1, {channels}, N]; check class_names in model.json against the export."
        )
    if table.shape[0] != channels:
        table = table.T
    scores = table[4 : 4 + num_classes]
    best = scores.max(axis=0)
    (index,) = np.nonzero(best >= confidence)
    if index.size == 0:
        return Candidates.empty(num_masks)
    class_id = scores[:, index].argmax(axis=0).astype(np.int64)
    if class_ids is not None:
        allowed = np.isin(class_id, np.fromiter(class_ids, dtype=np.int64))
        index, class_id = index[allowed], class_id[allowed]
    conf = best[index].astype(np.float64)
    if index.size > max_candidates:
        top = np.argsort(-conf, kind="stable")[:max_candidates]
        index, class_id, conf = index[top], class_id[top], conf[top]
    cx, cy, w, h = (table[i, index].astype(np.float64) for i in range(4))
    xyxy = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    finite = np.isfinite(xyxy).all(axis=1)
    if not finite.all():  # a broken export: never let NaN/inf reach NMS or the JSON
        xyxy, index, class_id, conf = xyxy[finite], index[finite], class_id[finite], conf[finite]
    coefficients = None
    if num_masks:
        coefficients = np.ascontiguousarray(table[4 + num_classes :, index].T, dtype=np.float32)
    return Candidates(xyxy, conf, class_id, coefficients)


def select_detections(
    candidates: Candidates,
    *,
    iou_threshold: float,
    max_detections: int,
    class_agnostic: bool = False,
) -> Candidates:
    """Run NMS and keep at most ``max_detections``, best first.

    Args:
        candidates: Output of :func:`decode_yolo`.
        iou_threshold: Suppress boxes overlapping a better one by more than this IoU.
        max_detections: Upper bound on the result size.
        class_agnostic: Suppress across classes too.

    Returns:
        The kept candidates ordered by descending confidence.

    Example:
        >>> c = Candidates(np.array([[0, 0, 4, 4], [0, 0, 4, 4.0]]), np.array([0.9, 0.8]),
        ...                np.array([0, 0]))
        >>> select_detections(c, iou_threshold=0.5, max_detections=10).confidence.tolist()
        [0.9]
    """
    keep = non_max_suppression(
        candidates.xyxy,
        candidates.confidence,
        None if class_agnostic else candidates.class_id,
        iou_threshold=iou_threshold,
        max_detections=max_detections,
    )
    return candidates.take(keep)


def scores_to_probabilities(
    scores: npt.ArrayLike, *, logits: bool, multilabel: bool, axis: int = -1
) -> npt.NDArray[np.float64]:
    """Turn class scores into probabilities.

    Args:
        scores: Raw scores; classes along ``axis``.
        logits: ``True`` when the scores are logits (apply softmax, or sigmoid when multi-label);
            ``False`` when they are already probabilities (returned as float64, unchanged).
        multilabel: Use an independent sigmoid per class instead of a softmax.
        axis: The class axis.

    Returns:
        Probabilities, float64.

    Example:
        >>> scores_to_probabilities([0.0, 0.0], logits=True, multilabel=False).tolist()
        [0.5, 0.5]
    """
    values = np.asarray(scores, dtype=np.float64)
    if not logits:
        return values
    if multilabel:
        result: npt.NDArray[np.float64] = 0.5 * (1.0 + np.tanh(0.5 * values))
        return result
    shifted = np.exp(values - values.max(axis=axis, keepdims=True))
    softmax: npt.NDArray[np.float64] = shifted / shifted.sum(axis=axis, keepdims=True)
    return softmax
