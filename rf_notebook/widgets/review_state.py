"""The state behind :class:`~rf_notebook.widgets.PickReview`: pages, thumbnails, decisions.

Example:
    >>> state = ReviewState(picks, "review.csv")  # doctest: +SKIP
    >>> state.decide(0, "keep"); state.set_note(0, "two dogs, one missed")  # doctest: +SKIP
    >>> state.export("to-label")  # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PIL import Image

from ..active_learning import Picks
from ..draw import draw_boxes
from ..errors import ConfigError
from .cache import CachedImage, ImageCache, blank
from .decisions import DecisionLog, DecisionName
from .inputs import short_name, with_size

__all__ = ["ReviewState"]

_TOP = 1 - 1e-9
#: Decisions whose images go out on export and upload.
SENT: tuple[DecisionName, ...] = ("keep", "relabel")


class ReviewState:
    """Picks shown a page at a time, with one decision and note per image.

    Args:
        picks: From :func:`~rf_notebook.active_learning.pick`.
        decisions: The CSV file of decisions, read back if it exists; ``None`` keeps
            them in memory only.
        per_page: Picks per page.
        thumb_size: Longest side of each thumbnail, in pixels.

    Attributes:
        page: The page shown, from 0.
        log: The :class:`~rf_notebook.widgets.decisions.DecisionLog`.

    Example:
        >>> ReviewState(picks, None).counts()  # doctest: +SKIP
        {'keep': 0, 'skip': 0, 'relabel': 0, 'undecided': 20}
    """

    def __init__(
        self,
        picks: Picks,
        decisions: str | Path | None = "pick-review.csv",
        *,
        per_page: int = 6,
        thumb_size: int = 320,
    ) -> None:
        if not isinstance(picks, Picks):
            raise ConfigError(f"PickReview needs Picks from pick(), got {type(picks).__name__}")
        if per_page < 1:
            raise ConfigError(f"per_page must be 1 or more, got {per_page!r}")
        self.picks = picks
        self.names = [str(n) for n in picks.table["image"]]
        self.log = DecisionLog(decisions)
        self.per_page = per_page
        self.cache = ImageCache(max_size=thumb_size, capacity=4 * per_page)
        self.page = 0

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1)."""
        return max(1, -(-len(self.names) // self.per_page))

    def visible(self) -> list[int]:
        """Positions of the picks on the current page.

        Example:
            >>> state.visible()  # doctest: +SKIP
            [0, 1, 2, 3, 4, 5]
        """
        start = self.page * self.per_page
        return list(range(start, min(start + self.per_page, len(self.names))))

    def turn(self, by: int) -> None:
        """Go ``by`` pages forward (negative: back), within the pages there are.

        Example:
            >>> state.turn(1); state.page  # doctest: +SKIP
            1
        """
        self.page = min(max(0, self.page + by), self.pages - 1)

    def decision(self, position: int) -> DecisionName:
        """The decision about pick ``position`` (``""`` when undecided).

        Example:
            >>> state.decision(0)  # doctest: +SKIP
            'keep'
        """
        return self.log.get(self.names[position]).decision

    def note(self, position: int) -> str:
        """The note about pick ``position``.

        Example:
            >>> state.note(0)  # doctest: +SKIP
            'two dogs, one missed'
        """
        return self.log.get(self.names[position]).note

    def decide(self, position: int, decision: DecisionName) -> None:
        """Record ``keep``, ``skip`` or ``relabel`` (or ``""``) for a pick; saved at once.

        Example:
            >>> state.decide(0, "skip")  # doctest: +SKIP
        """
        self.log.set(self.names[position], decision=decision)

    def set_note(self, position: int, note: str) -> None:
        """Record a note for a pick; saved at once.

        Example:
            >>> state.set_note(0, "blurry")  # doctest: +SKIP
        """
        self.log.set(self.names[position], note=note)

    def counts(self) -> dict[str, int]:
        """How many picks are kept, skipped, to relabel, and undecided.

        Example:
            >>> state.counts()  # doctest: +SKIP
            {'keep': 3, 'skip': 1, 'relabel': 0, 'undecided': 16}
        """
        found = Counter(self.decision(i) for i in range(len(self.names)))
        out = {name: found[name] for name in ("keep", "skip", "relabel")}
        out["undecided"] = found[""]
        return out

    def chosen(self, decisions: Iterable[DecisionName] = SENT) -> list[int]:
        """Positions of the picks with one of ``decisions`` (kept or to relabel by default).

        Example:
            >>> state.chosen(["skip"])  # doctest: +SKIP
            [4]
        """
        wanted = set(decisions)
        return [i for i in range(len(self.names)) if self.decision(i) in wanted]

    def skipped(self) -> list[str]:
        """Names of skipped images, for ``pick(..., exclude=...)`` next time.

        Example:
            >>> pick(batch, 20, exclude=state.skipped())  # doctest: +SKIP
        """
        return [self.names[i] for i in self.chosen(["skip"])]

    def selected(self) -> Picks:
        """The picks kept or to relabel, re-ranked, ready to export or upload.

        Raises:
            ConfigError: Nothing is kept yet.

        Example:
            >>> state.selected().upload("my-project")  # doctest: +SKIP
        """
        rows = self.chosen()
        if not rows:
            raise ConfigError("no pick is marked keep or relabel yet")
        return self.picks.select(rows)

    def picture(self, position: int) -> CachedImage:
        """The thumbnail-sized image of a pick (gray when its pixels are unknown).

        Example:
            >>> state.picture(0).size  # doctest: +SKIP
            (1280, 720)
        """
        source = self.picks.image_of(position)
        result = self.picks.results[position]
        if source is None or (isinstance(source, str) and source.startswith("<")):
            size = (result.image.width, result.image.height) if result.image else (640, 480)
            return blank(size, self.cache.max_size)
        return self.cache.get(position, source)

    def thumbnail(self, position: int) -> Image.Image:
        """A pick drawn with its predictions at the picks' threshold.

        Example:
            >>> state.thumbnail(0).size  # doctest: +SKIP
            (320, 180)
        """
        picture = self.picture(position)
        result = self.picks.results[position]
        threshold = max(self.picks.params.confidence, result.requested_confidence or 0.0)
        shown = with_size(result.filter(confidence=min(threshold, _TOP)), picture.size)
        return draw_boxes(picture.image, shown)

    def caption(self, position: int) -> str:
        """``#rank name · score`` and the reason it was picked, as plain text.

        Example:
            >>> print(state.caption(0))  # doctest: +SKIP
            #1 dog.jpg · 0.93
            3 boxes within 0.05 of the 0.40 threshold
        """
        row = self.picks.table.iloc[position]
        head = f"#{int(row['rank'])} {short_name(self.names[position])} · {float(row['score']):.2f}"
        return f"{head}\n{row['reason']}"

    def export(self, folder: str | Path, **options: Any) -> Any:
        """Export the kept picks (``Picks.export``) and write ``review.csv`` beside them.

        Example:
            >>> state.export("to-label", link="symlink")  # doctest: +SKIP
        """
        chosen = self.selected()
        exported = chosen.export(folder, **{"overwrite": True, **options})
        notes = self.log.frame()
        notes = notes[notes["image"].isin([str(n) for n in chosen.table["image"]])]
        notes.to_csv(Path(folder) / "review.csv", index=False)
        return exported

    def upload(
        self,
        upload: Callable[[Picks], Any] | None = None,
        project: str | None = None,
        **options: Any,
    ) -> Any:
        """Upload the kept picks: through ``upload(picks)``, else ``Picks.upload(project)``.

        Raises:
            ConfigError: Neither ``upload`` nor ``project`` is given, or nothing is kept.

        Example:
            >>> state.upload(project="my-project", api_url=server.url)  # doctest: +SKIP
        """
        if upload is None and not project:
            raise ConfigError("pass upload= (a function of the picks) or project= to upload")
        chosen = self.selected()
        if upload is not None:
            return upload(chosen)
        assert project is not None
        return chosen.upload(project, **options)
