"""Choose strategies and weights, score a set, and combine the scores into one number.

Each strategy's raw values are divided by their largest value in the set, so every
strategy spans 0–1 before the weighted mean; 0 always means "nothing to see".

Example:
    >>> table = score(batch, ["near_threshold", "no_detections"])  # doctest: +SKIP
    >>> table.sort_values("near_threshold", ascending=False).head()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..config import DEFAULT_CONFIDENCE
from ..errors import ConfigError
from ..results import AnyResult, normalize_confidence
from . import composition, uncertainty
from .context import Context, ScoreParams
from .flat import DETECTION, LABELS, MULTILABEL, Flat, flatten
from .strategies import Scored, Strategy
from .truth import align_truth, disagreement

__all__ = ["SCORERS", "ScoreSet", "compute_scores", "resolve_params", "resolve_weights", "score"]

StrategyArg = str | Strategy | Sequence[str | Strategy] | None

_FOR_BOXES = (
    Strategy.LEAST_CONFIDENCE,
    Strategy.ENTROPY,
    Strategy.NEAR_THRESHOLD,
    Strategy.NO_DETECTIONS,
    Strategy.COUNT_OUTLIER,
    Strategy.RARE_CLASS,
    Strategy.OVERLAP,
)
_FOR_LABELS = (
    Strategy.LEAST_CONFIDENCE,
    Strategy.MARGIN,
    Strategy.ENTROPY,
    Strategy.NEAR_THRESHOLD,
    Strategy.NO_DETECTIONS,
    Strategy.RARE_CLASS,
)


#: The scorer of each strategy.
SCORERS: dict[Strategy, Callable[[Context], Scored]] = {
    Strategy.LEAST_CONFIDENCE: uncertainty.least_confidence,
    Strategy.MARGIN: uncertainty.margin,
    Strategy.ENTROPY: uncertainty.entropy,
    Strategy.NEAR_THRESHOLD: uncertainty.near_threshold,
    Strategy.NO_DETECTIONS: uncertainty.no_detections,
    Strategy.COUNT_OUTLIER: composition.count_outlier,
    Strategy.RARE_CLASS: composition.rare_class,
    Strategy.OVERLAP: composition.overlap,
    Strategy.DISAGREEMENT: disagreement,
}


def _strategy(name: str | Strategy) -> Strategy:
    try:
        return Strategy(str(getattr(name, "value", name)).strip().lower().replace("-", "_"))
    except ValueError:
        known = ", ".join(s.value for s in Strategy)
        raise ConfigError(f"unknown strategy {name!r}; choose from {known}") from None


def resolve_weights(
    strategy: StrategyArg,
    weights: Mapping[str | Strategy, float] | None,
    *,
    kinds: Iterable[int] = (DETECTION,),
    has_truth: bool = False,
) -> dict[Strategy, float]:
    """The strategies to use and their weights, in :class:`Strategy` order.

    ``strategy=None`` means every strategy that fits the results' tasks (the weighted
    ones if ``weights`` is given), plus ``disagreement`` when there is ground truth.

    Example:
        >>> resolve_weights("margin", None)
        {<Strategy.MARGIN: 'margin'>: 1.0}
    """
    if strategy is None and weights:
        chosen = [_strategy(s) for s in weights]
    elif strategy is None:
        kinds = set(kinds) or {DETECTION}
        chosen = list(_FOR_BOXES) if DETECTION in kinds else []
        if kinds & {LABELS, MULTILABEL}:
            chosen += list(_FOR_LABELS)
        chosen += [Strategy.DISAGREEMENT] if has_truth else []
    elif isinstance(strategy, (str, Strategy)):
        chosen = [_strategy(strategy)]
    else:
        chosen = [_strategy(s) for s in strategy]
    if not chosen:
        raise ConfigError(
            "no strategy fits these results: picks need detection or classification results "
            "(semantic segmentation is not scored)"
        )
    given = {_strategy(k): v for k, v in (weights or {}).items()}
    extra = set(given) - set(chosen)
    if extra:
        names = ", ".join(sorted(s.value for s in extra))
        raise ConfigError(f"weights name strategies that are not used: {names}")
    out: dict[Strategy, float] = {}
    for s in Strategy:
        if s in chosen:
            w = given.get(s, 1.0)
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not w >= 0:
                raise ConfigError(f"weight of {s.value} must be a number >= 0, got {w!r}")
            out[s] = float(w)
    if sum(out.values()) <= 0:
        raise ConfigError("at least one weight must be above 0")
    if Strategy.DISAGREEMENT in out and not has_truth:
        raise ConfigError("the disagreement strategy needs ground_truth=...")
    return out


def resolve_params(
    results: Sequence[AnyResult],
    confidence: float | None = None,
    epsilon: float | None = None,
    params: ScoreParams | None = None,
) -> ScoreParams:
    """Settings from ``params``, overridden by ``confidence``/``epsilon`` when given.

    Without either, the threshold is the results' own (``result.threshold``), else 0.4.

    Example:
        >>> resolve_params([], confidence=40).confidence
        0.4
    """
    base = params or ScoreParams(
        confidence=next(
            (r.threshold for r in results if r.threshold is not None), DEFAULT_CONFIDENCE
        )
    )
    changes: dict[str, Any] = {}
    if confidence is not None:
        changes["confidence"] = normalize_confidence(confidence)
    if epsilon is not None:
        changes["epsilon"] = epsilon
    return replace(base, **changes)


@dataclass(frozen=True)
class ScoreSet:
    """Every image's scores.

    Attributes:
        context: The flattened set and its settings.
        weights: The weight of each strategy used.
        raw: Each strategy's raw values and explanations.
        normalised: Each strategy's values divided by its largest value (0–1).
        combined: The weighted mean of the normalised values, rounded to 12 decimals so
            that equal inputs tie exactly.
    """

    context: Context
    weights: dict[Strategy, float]
    raw: dict[Strategy, Scored]
    normalised: dict[Strategy, np.ndarray]
    combined: np.ndarray

    def reason(self, i: int, limit: int = 3) -> str:
        """Why image ``i`` scored: its strongest contributions (at least a fifth of the
        strongest), in words.

        Example:
            >>> scores.reason(0)  # doctest: +SKIP
            '3 boxes within 0.05 of the 0.40 threshold; no detections'
        """
        parts = [
            (self.weights[s] * float(values[i]), k, s)
            for k, (s, values) in enumerate(self.normalised.items())
            if self.weights[s] > 0 and values[i] > 0
        ]
        parts.sort(key=lambda part: (-part[0], part[1]))
        # Leave out contributions too small to explain the score.
        parts = [part for part in parts if part[0] >= 0.2 * parts[0][0]] if parts else []
        texts = [self.raw[s].explain(i) for _, _, s in parts[:limit]]
        return "; ".join(texts) if texts else "nothing unusual"


def compute_scores(
    flat: Flat,
    weights: dict[Strategy, float],
    params: ScoreParams,
    ground_truth: Any = None,
) -> ScoreSet:
    """Score a flattened set with every weighted strategy, normalise and combine.

    Example:
        >>> weights = {Strategy.MARGIN: 1.0}
        >>> s = compute_scores(flatten(results), weights, ScoreParams())  # doctest: +SKIP
    """
    truth = None if ground_truth is None else align_truth(ground_truth, flat.keys)
    context = Context(flat, params, truth)
    raw = {s: SCORERS[s](context) for s in weights}
    normalised = {}
    for s, scored in raw.items():
        top = float(scored.value.max(initial=0.0))
        normalised[s] = scored.value / top if top > 0 else np.zeros(flat.n)
    total = sum(weights.values())
    combined = np.zeros(flat.n)
    for s, values in normalised.items():
        combined += weights[s] * values
    combined = np.round(combined / total, 12)
    return ScoreSet(context, weights, raw, normalised, combined)


def score(
    results: Iterable[AnyResult],
    strategy: StrategyArg = None,
    *,
    confidence: float | None = None,
    ground_truth: Any = None,
    params: ScoreParams | None = None,
) -> pd.DataFrame:
    """Raw strategy scores of every image, in input order (no ranking, no dedup).

    Args:
        results: Any results (a :class:`~rf_notebook.Batch`, a list).
        strategy: A strategy, a list of them, or ``None`` for all that fit.
        confidence: The operating threshold (default: the results' own, else 0.4).
        ground_truth: Enables ``disagreement``; see :mod:`rf_notebook.active_learning.truth`.
        params: Other settings (ε, IoU levels, ...).

    Returns:
        A DataFrame with ``image`` and one column of raw values per strategy.

    Example:
        >>> score(batch, ["least_confidence", "overlap"]).describe()  # doctest: +SKIP
    """
    items = list(results)
    flat = flatten(items)
    kinds = set(np.unique(flat.kind).tolist())
    chosen = resolve_weights(strategy, None, kinds=kinds, has_truth=ground_truth is not None)
    settings = resolve_params(items, confidence, None, params)
    scores = compute_scores(flat, chosen, settings, ground_truth)
    table: pd.DataFrame = pd.DataFrame({"image": scores.context.flat.keys})
    for s, scored in scores.raw.items():
        table[s.value] = scored.value
    return table
