"""What an upload did to each pick: a table, with the counts in its repr.

Example:
    >>> report = upload_picks(picks, "shapes", api_url=server.url)  # doctest: +SKIP
    >>> report.failed, report.table.loc[0, "status"]  # doctest: +SKIP
    ([], 'uploaded')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["UploadReport"]


@dataclass(frozen=True)
class UploadReport:
    """What happened to each pick.

    Attributes:
        project: The project uploaded to.
        table: One row per pick: ``image``, ``name`` (as uploaded), ``status``
            (``uploaded``, ``duplicate``, ``skipped`` (done by an earlier run) or
            ``failed``), ``id``, ``annotation`` (``uploaded``, ``already annotated``,
            ``none`` (no predictions), ``off``, ``skipped`` or ``failed``) and ``error``.
        state_file: The resume file, or ``None``.
    """

    project: str
    table: pd.DataFrame
    state_file: Path | None

    def _with(self, column: str, value: str) -> list[str]:
        return [str(v) for v in self.table.loc[self.table[column] == value, "image"]]

    @property
    def uploaded(self) -> list[str]:
        """Images uploaded by this run."""
        return self._with("status", "uploaded")

    @property
    def duplicates(self) -> list[str]:
        """Images the project already had."""
        return self._with("status", "duplicate")

    @property
    def failed(self) -> list[str]:
        """Images that failed (see ``table["error"]``); run again to retry them."""
        return self._with("status", "failed")

    @property
    def skipped(self) -> list[str]:
        """Images an earlier run already finished."""
        return self._with("status", "skipped")

    @property
    def annotation_failed(self) -> list[str]:
        """Images uploaded whose annotation failed; run again to retry just that."""
        return self._with("annotation", "failed")

    def __repr__(self) -> str:
        extra = f", {len(self.annotation_failed)} annotations failed" * bool(self.annotation_failed)
        return (
            f"UploadReport({self.project!r}: {len(self.uploaded)} uploaded, "
            f"{len(self.duplicates)} duplicate, {len(self.failed)} failed, "
            f"{len(self.skipped)} skipped{extra})"
        )
