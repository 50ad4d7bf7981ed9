"""The outcome of ``predict_many``: results in input order, and every failure."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from .results import AnyResult

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Batch", "Failure"]


@dataclass(frozen=True)
class Failure:
    """One input that produced no result, and why.

    Attributes:
        index: Its position in the input.
        image: Its name (path, URL or description).
        error_type: The exception's class name, like ``"ImageError"``.
        message: What went wrong and what to do; never contains the API key.
    """

    index: int
    image: str
    error_type: str
    message: str


class Batch(Sequence[AnyResult]):
    """Results of many images, in input order; failed inputs are in :attr:`errors`.

    Iterating or indexing gives the successful results only, so a batch can go
    anywhere a list of results can.

    Example:
        >>> batch = predict_many("images/", model="shapes-detect/1")  # doctest: +SKIP
        >>> len(batch), len(batch.errors)  # doctest: +SKIP
        (47, 1)
    """

    def __init__(self, items: Sequence[AnyResult | Failure], *, cached: int = 0) -> None:
        self.items: tuple[AnyResult | Failure, ...] = tuple(items)
        self.results: tuple[AnyResult, ...] = tuple(
            i for i in self.items if not isinstance(i, Failure)
        )
        self.errors: tuple[Failure, ...] = tuple(i for i in self.items if isinstance(i, Failure))
        self.cached = cached

    @overload
    def __getitem__(self, index: int) -> AnyResult: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[AnyResult]: ...
    def __getitem__(self, index: int | slice) -> AnyResult | Sequence[AnyResult]:
        return self.results[index]

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[AnyResult]:
        return iter(self.results)

    def filter(self, confidence: float | None = None, classes: Any = None) -> Batch:
        """The same batch with every result filtered; failures are kept.

        Example:
            >>> sure = batch.filter(confidence=0.7)  # doctest: +SKIP
        """
        return Batch(
            [i if isinstance(i, Failure) else i.filter(confidence, classes) for i in self.items],
            cached=self.cached,
        )

    def to_dataframe(self, *, include_errors: bool = True) -> pd.DataFrame:
        """A row per prediction; images without predictions and failed images get a row too.

        Example:
            >>> batch.to_dataframe().groupby("class").size()  # doctest: +SKIP
        """
        from .tables import to_dataframe

        return to_dataframe(self.items if include_errors else self.results)

    def __repr__(self) -> str:
        return (
            f"Batch({len(self.results)} results, {len(self.errors)} errors, "
            f"{self.cached} from cache)"
        )
