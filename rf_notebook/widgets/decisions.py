"""Review decisions kept in a CSV file, rewritten atomically after every change.

The file is read back on start, so a kernel restart (or a crash mid-write) loses
nothing: it is written to a temporary file in the same folder, flushed to disk, then
renamed over the old one.

Columns: ``image``, ``decision`` (``keep``, ``skip``, ``relabel`` or empty),
``note``, ``updated`` (UTC, ISO 8601).

Example:
    >>> log = DecisionLog("review.csv")  # doctest: +SKIP
    >>> log.set("a.jpg", decision="keep", note="two dogs, one missed")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import pandas as pd

from ..errors import ConfigError

__all__ = ["DECISIONS", "Decision", "DecisionLog", "DecisionName"]

DecisionName = Literal["keep", "skip", "relabel", ""]
#: What a reviewer can decide about a pick ("" is undecided).
DECISIONS: tuple[DecisionName, ...] = ("keep", "skip", "relabel")
_COLUMNS = ["image", "decision", "note", "updated"]


@dataclass(frozen=True)
class Decision:
    """What a reviewer said about one image.

    Attributes:
        image: The image's name, as in ``picks.table["image"]``.
        decision: ``"keep"``, ``"skip"``, ``"relabel"``, or ``""`` when undecided.
        note: Free text.
        updated: When it last changed (UTC, ISO 8601).

    Example:
        >>> Decision("a.jpg", "keep").decision
        'keep'
    """

    image: str
    decision: DecisionName = ""
    note: str = ""
    updated: str = ""


def _checked(value: str, where: str) -> DecisionName:
    name = value.strip().lower()
    if name == "":
        return ""
    for known in DECISIONS:
        if name == known:
            return known
    raise ConfigError(f"{where}: decision must be keep, skip, relabel or empty, got {value!r}")


class DecisionLog:
    """Decisions by image name, saved to ``path`` (``None``: kept in memory only).

    Raises:
        ConfigError: The file exists but is not a decisions CSV.

    Example:
        >>> log = DecisionLog(None)
        >>> log.set("a.jpg", decision="skip").decision
        'skip'
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = None if path is None else Path(path)
        self._items: dict[str, Decision] = {}
        if self.path is not None and self.path.exists():
            self._load(self.path)

    def _load(self, path: Path) -> None:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or "image" not in reader.fieldnames:
                raise ConfigError(f"{path}: not a decisions file (it needs an 'image' column)")
            for line, row in enumerate(reader, start=2):
                image = row.get("image") or ""
                decision = _checked(row.get("decision") or "", f"{path} line {line}")
                self._items[image] = Decision(
                    image, decision, row.get("note") or "", row.get("updated") or ""
                )

    def get(self, image: str) -> Decision:
        """The decision about ``image`` (undecided when there is none).

        Example:
            >>> DecisionLog(None).get("a.jpg").decision
            ''
        """
        return self._items.get(image, Decision(image))

    def set(
        self, image: str, *, decision: DecisionName | None = None, note: str | None = None
    ) -> Decision:
        """Change the decision and/or the note of ``image``, and save at once.

        Example:
            >>> DecisionLog(None).set("a.jpg", note="blurry").note
            'blurry'
        """
        old = self.get(image)
        new = replace(
            old,
            decision=old.decision if decision is None else _checked(decision, "set"),
            note=old.note if note is None else note,
        )
        if new == old and image in self._items:
            return old
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._items[image] = replace(new, updated=stamp)
        self.save()
        return self._items[image]

    def save(self) -> None:
        """Write every decision to :attr:`path` atomically (nothing to do without a path).

        Example:
            >>> log.save()  # doctest: +SKIP
        """
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(_COLUMNS)
                for d in self._items.values():
                    writer.writerow([d.image, d.decision, d.note, d.updated])
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(name, 0o644)  # mkstemp makes it private; this is an ordinary file
            os.replace(name, self.path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise

    def frame(self) -> pd.DataFrame:
        """Every decision as a DataFrame with the file's columns.

        Example:
            >>> DecisionLog(None).frame().columns.tolist()
            ['image', 'decision', 'note', 'updated']
        """
        rows = [[d.image, d.decision, d.note, d.updated] for d in self._items.values()]
        frame: pd.DataFrame = pd.DataFrame(rows, columns=_COLUMNS)
        return frame

    def __len__(self) -> int:
        return len(self._items)
