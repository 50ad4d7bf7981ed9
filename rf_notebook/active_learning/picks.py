"""``Picks``: the images chosen for labeling, ranked and explained, with their results.

Example:
    >>> picks = pick(batch, 20)  # doctest: +SKIP
    >>> picks.table[["image", "score", "reason"]].head(3)  # doctest: +SKIP
    >>> picks.export("to-label/")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import ConfigError
from ..results import AnyResult
from .context import ScoreParams

if TYPE_CHECKING:
    from .export import Exported
    from .upload import UploadReport

__all__ = ["Picks", "find_image"]


def find_image(images: Mapping[str, Any] | None, key: str, fallback: Any = None) -> Any:
    """An image by name from ``images`` (exact, then file name), else ``fallback``.

    Example:
        >>> find_image({"a.jpg": "/data/a.jpg"}, "x/a.jpg")
        '/data/a.jpg'
    """
    if images:
        if key in images:
            return images[key]
        name = PurePath(key).name
        if name in images:
            return images[name]
    return fallback


@dataclass(frozen=True, eq=False)
class Picks:
    """The chosen images, best first.

    Attributes:
        table: One row per pick: ``rank``, ``image``, ``score`` (0–1), one 0–1 column per
            strategy, ``reason`` (in words), ``classes`` (predicted, comma-separated) and
            ``index`` (position in the input).
        results: The picked results, in the order of ``table``.
        ranking: Every image, best first, before quotas and deduplication: ``image``,
            ``index``, ``score`` and the strategy columns.
        dropped: Images passed over on the way to ``k``: ``image``, ``index``, ``score``,
            ``why`` (a near-duplicate of a pick, or a full per-class quota).
        params: The scoring settings used (threshold, ε, ...).
        weights: The weight of each strategy used.
        images: Where pixels come from when ``source`` is not a file (by image name).
        warnings: Things worth knowing, like images that could not be read for dedup.
    """

    table: pd.DataFrame
    results: tuple[AnyResult, ...]
    ranking: pd.DataFrame
    dropped: pd.DataFrame
    params: ScoreParams
    weights: Mapping[str, float]
    images: Mapping[str, Any] | None = field(default=None, repr=False)
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[AnyResult]:
        return iter(self.results)

    def image_of(self, position: int) -> Any:
        """The image input of pick ``position``: from ``images``, else ``result.source``.

        Example:
            >>> picks.image_of(0)  # doctest: +SKIP
            'images/dog.jpg'
        """
        key = str(self.table["image"].iloc[position])
        return find_image(self.images, key, self.results[position].source)

    def select(self, which: Sequence[int] | Sequence[str]) -> Picks:
        """A new :class:`Picks` keeping only some rows (positions, or image names), re-ranked.

        For review tools: keep what a person approved, then export or upload just that.

        Example:
            >>> approved = picks.select([0, 2, 5])  # doctest: +SKIP
            >>> approved.upload("my-project")  # doctest: +SKIP
        """
        names = [str(v) for v in self.table["image"]]
        chosen: set[int] = set()
        for v in which:
            row = names.index(v) if isinstance(v, str) and v in names else v
            if isinstance(row, str) or not 0 <= int(row) < len(names):
                raise ConfigError(f"{v!r} is not a pick: give positions or image names")
            chosen.add(int(row))
        rows = sorted(chosen)
        table = self.table.iloc[rows].reset_index(drop=True)
        table["rank"] = range(1, len(rows) + 1)
        return replace(self, table=table, results=tuple(self.results[r] for r in rows))

    def to_dataframe(self) -> pd.DataFrame:
        """A copy of :attr:`table`.

        Example:
            >>> picks.to_dataframe().to_csv("picks.csv")  # doctest: +SKIP
        """
        copy: pd.DataFrame = self.table.copy()
        return copy

    def export(self, folder: str | Path, **options: Any) -> Exported:
        """Copy (or link) the picks into ``folder`` with a CSV and COCO/YOLO pre-annotations.

        See :func:`~rf_notebook.active_learning.export_picks` for the options.

        Example:
            >>> picks.export("to-label", link="symlink")  # doctest: +SKIP
        """
        from .export import export_picks

        return export_picks(self, folder, **options)

    def upload(self, project: str, **options: Any) -> UploadReport:
        """Upload the picks and their predictions to a Roboflow project (or the local server).

        See :func:`~rf_notebook.active_learning.upload_picks` for the options.

        Example:
            >>> picks.upload("my-project", batch="week 12", tags=["picked"])  # doctest: +SKIP
        """
        from .upload import upload_picks

        return upload_picks(self, project, **options)

    def __repr__(self) -> str:
        used = ", ".join(self.weights)
        extra = f", {len(self.dropped)} passed over" if len(self.dropped) else ""
        return f"Picks({len(self)} of {len(self.ranking)} images by {used}{extra})"

    def _repr_html_(self) -> str:
        columns = ["rank", "image", "score", "reason", "classes"]
        html: str = self.table[columns].to_html(index=False, float_format=lambda v: f"{v:.3f}")
        return f"<p>{self!r}</p>" + html
