"""``pick``: rank images for labeling, then walk the ranking with quotas and dedup.

Example:
    >>> picks = pick(batch, 50, ["near_threshold", "no_detections"])  # doctest: +SKIP
    >>> picks.table.loc[0, "reason"]  # doctest: +SKIP
    '3 boxes within 0.05 of the 0.40 threshold'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..results import AnyResult
from .context import ScoreParams
from .dedup import DEFAULT_DISTANCE, HashIndex, image_hash
from .flat import flatten
from .picks import Picks, find_image
from .scoring import ScoreSet, StrategyArg, compute_scores, resolve_params, resolve_weights

__all__ = ["NO_CLASS", "pick", "ranking_order"]

#: The "class" of an image with no predicted class, for per-class quotas.
NO_CLASS = "(none)"


def ranking_order(scores: np.ndarray, seed: int = 0) -> np.ndarray:
    """Image indices best first; equal scores in an order fixed by ``seed``.

    Example:
        >>> ranking_order(np.array([0.2, 0.9, 0.2]), seed=0).tolist()[0]
        1
    """
    tiebreak = np.random.default_rng(seed).permutation(len(scores))
    order: np.ndarray = np.lexsort((tiebreak, -np.asarray(scores, dtype=np.float64)))
    return order


class _Quota:
    def __init__(self, spec: int | Mapping[str, int] | None) -> None:
        if spec is not None and not isinstance(spec, Mapping):
            spec = int(spec)
        values = [spec] if isinstance(spec, int) else list((spec or {}).values())
        if any(isinstance(v, bool) or int(v) < 0 for v in values):
            raise ConfigError(f"per_class_quota must be >= 0, got {spec!r}")
        self.spec = spec
        self.taken: dict[str, int] = {}

    def limit(self, name: str) -> int | None:
        if self.spec is None:
            return None
        return self.spec if isinstance(self.spec, int) else self.spec.get(name)

    def full(self, classes: tuple[str, ...]) -> str | None:
        for name in classes:
            cap = self.limit(name)
            if cap is not None and self.taken.get(name, 0) >= cap:
                return name
        return None

    def take(self, classes: tuple[str, ...]) -> None:
        for name in classes:
            self.taken[name] = self.taken.get(name, 0) + 1


def pick(
    results: Iterable[AnyResult],
    k: int,
    strategy: StrategyArg = None,
    *,
    confidence: float | None = None,
    weights: Mapping[str, float] | None = None,
    per_class_quota: int | Mapping[str, int] | None = None,
    dedup: bool = True,
    seed: int = 0,
    ground_truth: Any = None,
    images: Mapping[str, Any] | None = None,
    exclude: Iterable[str] = (),
    epsilon: float | None = None,
    dedup_distance: int = DEFAULT_DISTANCE,
    params: ScoreParams | None = None,
) -> Picks:
    """Choose the ``k`` images most worth labeling next, and say why.

    Args:
        results: Predictions (a :class:`~rf_notebook.Batch` or any list of results).
        k: How many images to pick.
        strategy: One strategy name, a list, or ``None`` for every strategy that fits
            the task (see :class:`Strategy`).
        confidence: The operating threshold (0–1 or a percentage); default: the
            results' own threshold, else 0.4.
        weights: Weight per strategy (default 1 each); each strategy is scaled to 0–1
            over the set before the weighted mean.
        per_class_quota: At most this many picks containing each predicted class (a
            number for every class, or ``{"car": 5}``); images with no class count as
            ``"(none)"``.
        dedup: Drop images within ``dedup_distance`` bits (dHash) of a better pick. Images
            are read lazily, from ``images`` or ``result.source`` files.
        seed: Fixes the order of images with equal scores.
        ground_truth: Enables the ``disagreement`` strategy (see ``truth`` module).
        images: Pixels by image name, for results whose ``source`` is not a file.
        exclude: Image names never to pick (already labeled, or rejected in a review).
        epsilon: Half-width of the ``near_threshold`` band (default 0.05).
        dedup_distance: Hamming distance (of 64 bits) that counts as a near-duplicate.
        params: Further settings (IoU levels, entropy floor, ...).

    Returns:
        :class:`Picks`, ranked best first.

    Example:
        >>> picks = pick(batch, 25, weights={"near_threshold": 2, "entropy": 1})  # doctest: +SKIP
        >>> picks.table[["image", "score", "reason"]]  # doctest: +SKIP
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ConfigError(f"k must be a whole number >= 0, got {k!r}")
    items = list(results)
    flat = flatten(items)
    kinds = set(np.unique(flat.kind).tolist())
    chosen = resolve_weights(strategy, weights, kinds=kinds, has_truth=ground_truth is not None)
    settings = resolve_params(items, confidence, epsilon, params)
    scores = compute_scores(flat, chosen, settings, ground_truth)
    order = ranking_order(scores.combined, seed)
    quota = _Quota(per_class_quota)
    index = HashIndex(dedup_distance)
    keys = scores.context.flat.keys
    picked: list[int] = []
    dropped: list[tuple[int, str]] = []
    unreadable = 0
    excluded = set(exclude)
    for i in order.tolist():
        if len(picked) >= k:
            break
        if keys[i] in excluded:
            dropped.append((i, "excluded"))
            continue
        classes = scores.context.classes_of(i) or (NO_CLASS,)
        full = quota.full(classes)
        if full is not None:
            dropped.append((i, f"per-class quota reached for {full!r}"))
            continue
        if dedup:
            value = image_hash(find_image(images, keys[i], items[i].source))
            if value is None:
                unreadable += 1
            else:
                twin = index.find(value)
                if twin is not None:
                    dropped.append((i, f"near-duplicate of {twin[0]} ({twin[1]} bits apart)"))
                    continue
                index.add(keys[i], value)
        quota.take(classes)
        picked.append(i)
    notes = []
    if unreadable:
        notes.append(f"{unreadable} images could not be read for deduplication and were kept")
    truth = scores.context.truth
    if truth is not None and items and all(t is None for t in truth):
        notes.append("no result matched an image of the ground truth")
    if len(picked) < k and len(picked) < len(items):
        notes.append(f"only {len(picked)} of {k} picks: quotas or dedup excluded the rest")
    return Picks(
        table=_table(scores, picked),
        results=tuple(items[i] for i in picked),
        ranking=_ranking(scores, order),
        dropped=pd.DataFrame(
            {
                "image": [keys[i] for i, _ in dropped],
                "index": [i for i, _ in dropped],
                "score": [float(scores.combined[i]) for i, _ in dropped],
                "why": [why for _, why in dropped],
            }
        ),
        params=settings,
        weights={s.value: w for s, w in chosen.items()},
        images=images,
        warnings=tuple(notes),
    )


def _table(scores: ScoreSet, picked: list[int]) -> pd.DataFrame:
    rows = np.asarray(picked, dtype=np.int64)
    context = scores.context
    table: pd.DataFrame = pd.DataFrame(
        {
            "rank": np.arange(1, len(rows) + 1),
            "image": [context.flat.keys[i] for i in picked],
            "score": scores.combined[rows],
        }
    )
    for s, values in scores.normalised.items():
        table[s.value] = values[rows]
    table["reason"] = [scores.reason(i) for i in picked]
    table["classes"] = [", ".join(context.classes_of(i)) for i in picked]
    table["index"] = rows
    return table


def _ranking(scores: ScoreSet, order: np.ndarray) -> pd.DataFrame:
    keys = np.asarray(scores.context.flat.keys, dtype=object)
    table: pd.DataFrame = pd.DataFrame(
        {"image": keys[order], "index": order, "score": scores.combined[order]}
    )
    for s, values in scores.normalised.items():
        table[s.value] = values[order]
    return table
