"""Pair each prediction result with its ground-truth image, and say what did not pair.

Predictions can be a :class:`~rf_notebook.batch.Batch`, a list of results, a list of raw
API response dicts, or a dict ``{image name: result or response dict}``. A result's image
is its ``source`` (set by ``predict``/``predict_many``; for a raw dict, its
``image_path``, else the dict key). Names are looked up with
:meth:`GroundTruth.key_for`: exact key, path suffix, file name, then stem.

Example:
    >>> joined = join_predictions(batch, gt)  # doctest: +SKIP
    >>> joined.keys[:2], joined.warnings  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

from ..batch import Batch
from ..errors import ConfigError
from ..results import AnyResult, Result
from .truth import GroundTruth

__all__ = ["Joined", "Predictions", "join_predictions"]

#: Everything ``evaluate`` accepts as predictions.
Predictions = Union[  # noqa: UP007 - a runtime alias
    Batch,
    Sequence[Union[AnyResult, Mapping[str, Any]]],  # noqa: UP007
    Mapping[str, Union[AnyResult, Mapping[str, Any]]],  # noqa: UP007
]


@dataclass(frozen=True)
class Joined:
    """Results lined up with ground-truth images, in the ground truth's order.

    Attributes:
        keys: Ground-truth keys of the evaluated images.
        results: The result for each key.
        warnings: Images left out and why.
    """

    keys: tuple[str, ...]
    results: tuple[AnyResult, ...]
    warnings: tuple[str, ...]


def join_predictions(predictions: Predictions, gt: GroundTruth, *, strict: bool = False) -> Joined:
    """Join predictions to ground-truth images by name.

    Args:
        predictions: See the module docstring.
        gt: The ground truth.
        strict: Raise instead of leaving out images found on only one side.

    Returns:
        A :class:`Joined`.

    Raises:
        ConfigError: A result without a name, two results for one image, no image in
            common, or (with ``strict``) any image found on only one side.

    Example:
        >>> join_predictions({"a.jpg": result}, gt).keys  # doctest: +SKIP
        ('a.jpg',)
    """
    named, notes = _named_results(predictions)
    by_key: dict[str, AnyResult] = {}
    unknown: list[str] = []
    for name, result in named:
        key = gt.key_for(name)
        if key is None:
            unknown.append(name)
        elif key in by_key:
            raise ConfigError(f"two predictions for image {key!r} (the second named {name!r})")
        else:
            by_key[key] = result
    missing = [k for k in gt if k not in by_key]
    problems = []
    if unknown:
        problems.append(
            f"{len(unknown)} prediction(s) name images that are not in the ground truth and "
            f"are left out: {_some(unknown)}"
        )
    if missing:
        problems.append(
            f"{len(missing)} ground-truth image(s) have no prediction and are left out: "
            f"{_some(missing)}"
        )
    if strict and problems:
        raise ConfigError("; ".join(problems) + " (strict=True)")
    if not by_key:
        example = f" (e.g. {unknown[0]!r} vs {next(iter(gt), '?')!r})" if unknown else ""
        raise ConfigError(f"no prediction matches a ground-truth image{example}")
    keys = tuple(k for k in gt if k in by_key)
    return Joined(keys, tuple(by_key[k] for k in keys), (*notes, *problems))


def _named_results(predictions: Predictions) -> tuple[list[tuple[str, AnyResult]], list[str]]:
    notes: list[str] = []
    if isinstance(predictions, Batch):
        if predictions.errors:
            notes.append(
                f"{len(predictions.errors)} image(s) failed to predict and are left out: "
                f"{_some([f.image for f in predictions.errors])}"
            )
        items: list[tuple[str | None, Any]] = [(None, r) for r in predictions.results]
    elif isinstance(predictions, Mapping):
        items = [(str(k), v) for k, v in predictions.items()]
    elif isinstance(predictions, Sequence) and not isinstance(predictions, (str, bytes)):
        items = [(None, p) for p in predictions]
    else:
        raise ConfigError(
            "predictions must be a Batch, a list of results or response dicts, or a dict "
            f"{{image name: result}}; got {type(predictions).__name__}"
        )
    named: list[tuple[str, AnyResult]] = []
    for i, (key, item) in enumerate(items):
        if isinstance(item, Result):
            result: AnyResult = item  # type: ignore[assignment]
        elif isinstance(item, Mapping):
            result = Result.from_json(item, source=key)
        else:
            raise ConfigError(f"prediction {i} is a {type(item).__name__}, not a result or dict")
        name = key if key is not None else result.source
        if not name:
            raise ConfigError(
                f"prediction {i} does not say which image it is for (no source or "
                "image_path); pass a dict {image name: result} instead of a list"
            )
        named.append((name, result))
    return named, notes


def _some(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
