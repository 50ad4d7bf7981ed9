"""Line up prediction class names with ground-truth class names.

Names match case- and whitespace-insensitively (``"Traffic  Light"`` is
``"traffic light"``); ``class_mapping={"pred name": "gt name"}`` renames first.
Prediction classes that the ground truth does not know are kept as classes of their own
(every prediction of them is a false positive) and reported.

Example:
    >>> a = align_classes(["Cat ", "dog", "bird"], ["cat", "dog", "cow"], {"bird": "cow"})
    >>> a.classes, a.predicted_index("CAT"), a.predicted_index("bird"), a.only_in_ground_truth
    (('cat', 'dog', 'cow'), 0, 2, ())
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import ConfigError

__all__ = ["ClassAlignment", "align_classes", "normalize_name"]


def normalize_name(name: str) -> str:
    """The form names are compared in: case-folded, whitespace collapsed.

    Example:
        >>> normalize_name("  Traffic   Light ")
        'traffic light'
    """
    return " ".join(str(name).split()).casefold()


@dataclass(frozen=True)
class ClassAlignment:
    """How prediction classes map onto ground-truth classes.

    Attributes:
        classes: The evaluation's classes: the ground truth's, then prediction-only ones.
        renamed: ``(prediction name, ground-truth name)`` pairs joined by the mapping or
            by case/whitespace, where the spelling differs.
        only_in_predictions: Predicted classes the ground truth does not have.
        only_in_ground_truth: Ground-truth classes no prediction names.
    """

    classes: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...] = ()
    only_in_predictions: tuple[str, ...] = ()
    only_in_ground_truth: tuple[str, ...] = ()
    _truth: Mapping[str, int] = field(default_factory=dict, repr=False)
    _predicted: Mapping[str, int] = field(default_factory=dict, repr=False)

    def truth_index(self, name: str) -> int:
        """The class index of a ground-truth class name.

        Example:
            >>> align_classes(["a"], ["A"]).truth_index("A")
            0
        """
        return _find(self._truth, name, self.classes)

    def predicted_index(self, name: str) -> int:
        """The class index of a predicted class name, after the mapping.

        Example:
            >>> align_classes(["kitty"], ["cat"], {"kitty": "cat"}).predicted_index("kitty")
            0
        """
        return _find(self._predicted, name, self.classes)

    def __str__(self) -> str:
        lines = [f"{len(self.classes)} classes: {', '.join(self.classes)}"]
        if self.renamed:
            lines.append("joined: " + ", ".join(f"{p!r}→{g!r}" for p, g in self.renamed))
        if self.only_in_predictions:
            lines.append(f"only in predictions: {', '.join(self.only_in_predictions)}")
        if self.only_in_ground_truth:
            lines.append(f"only in ground truth: {', '.join(self.only_in_ground_truth)}")
        return "\n".join(lines)


def _find(lookup: Mapping[str, int], name: str, classes: Sequence[str]) -> int:
    key = normalize_name(name)
    if key not in lookup:
        raise ConfigError(f"class {name!r} is not one of {list(classes)}")
    return lookup[key]


def align_classes(
    predicted: Iterable[str],
    ground_truth: Sequence[str],
    class_mapping: Mapping[str, str] | None = None,
) -> ClassAlignment:
    """Join predicted class names to ground-truth names.

    Args:
        predicted: Every class name the predictions use (repeats are fine).
        ground_truth: The ground truth's classes, in its order.
        class_mapping: Explicit ``{prediction name: ground-truth name}`` renames.

    Returns:
        A :class:`ClassAlignment`.

    Raises:
        ConfigError: When two ground-truth classes differ only in case or spacing, or a
            mapping points to a class the ground truth does not have.

    Example:
        >>> align_classes(["Cat"], ["cat", "dog"]).only_in_ground_truth
        ('dog',)
    """
    lookup: dict[str, int] = {}
    classes: list[str] = []
    for name in ground_truth:
        key = normalize_name(name)
        if key in lookup:
            raise ConfigError(
                f"ground-truth classes {classes[lookup[key]]!r} and {name!r} differ only "
                "in case or spacing; rename one of them"
            )
        lookup[key] = len(classes)
        classes.append(str(name))
    mapping = {normalize_name(k): v for k, v in (class_mapping or {}).items()}
    for source, target in mapping.items():
        if normalize_name(target) not in lookup:
            raise ConfigError(
                f"class_mapping sends {source!r} to {target!r}, which is not a ground-truth "
                f"class; choose from {classes}"
            )
    n_gt = len(classes)
    renamed: dict[str, str] = {}
    extra: list[str] = []
    predicted_lookup: dict[str, int] = {}
    for name in dict.fromkeys(str(n) for n in predicted):
        key = normalize_name(name)
        target = normalize_name(mapping[key]) if key in mapping else key
        if key in predicted_lookup:
            continue
        if target in lookup:
            predicted_lookup[key] = lookup[target]
            if classes[lookup[target]] != name:
                renamed[name] = classes[lookup[target]]
        else:
            predicted_lookup[key] = len(classes)
            classes.append(name)
            extra.append(name)
    used = set(predicted_lookup.values())
    return ClassAlignment(
        classes=tuple(classes),
        renamed=tuple(renamed.items()),
        only_in_predictions=tuple(extra),
        only_in_ground_truth=tuple(classes[i] for i in range(n_gt) if i not in used),
        _truth=lookup,
        _predicted=predicted_lookup,
    )
