"""What an evaluation took in, and every problem noticed on the way.

Example:
    >>> print(ev.report)  # doctest: +SKIP
    48 images, 203 objects (0 crowd regions), 1870 predictions (0 on crowd regions)
    4 classes: circle, square, star, triangle
"""

from __future__ import annotations

from dataclasses import dataclass

from .classes import ClassAlignment

__all__ = ["EvaluationReport"]


@dataclass(frozen=True)
class EvaluationReport:
    """What went in, and every problem noticed on the way.

    Attributes:
        images: Images evaluated.
        objects: Ground-truth objects (crowd regions not counted).
        crowd_regions: Crowd regions, which absorb predictions.
        predictions: Predictions received (all confidences).
        ignored: Predictions on crowd regions (neither true nor false positives).
        classes: How class names were joined.
        warnings: Each problem, in words: images left out, unknown classes, ….
    """

    images: int
    objects: int
    crowd_regions: int
    predictions: int
    ignored: int
    classes: ClassAlignment
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [
            f"{self.images} images, {self.objects} objects ({self.crowd_regions} crowd regions), "
            f"{self.predictions} predictions ({self.ignored} on crowd regions)",
            str(self.classes),
        ]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)
