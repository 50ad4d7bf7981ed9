"""The state behind :class:`~rf_notebook.widgets.Viewer`: plain attributes and pure renders.

Every control of the viewer is an attribute here, and :meth:`ViewerState.render`,
:meth:`~ViewerState.table` and :meth:`~ViewerState.counts` read them, so tests (and
scripts) drive the viewer without a kernel. Nothing here calls the API: filters,
overlap suppression and drawing all work on what the results already received.

Example:
    >>> state = ViewerState(batch)  # doctest: +SKIP
    >>> state.confidence = 0.7  # doctest: +SKIP
    >>> state.render().size, len(state.table())  # doctest: +SKIP
    ((1280, 720), 12)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import pandas as pd
from PIL import Image

from ..draw import draw_boxes, side_by_side
from ..errors import ConfigError
from ..results import AnyResult, ClassificationResult, DetectionResult, MultiLabelResult
from ..tables import to_dataframe
from .cache import CachedImage, ImageCache, blank
from .encoding import ImageFormat, encode_image
from .inputs import image_for, named_results, short_name, truth_for, with_size

__all__ = ["ViewerState"]

#: ``Result.filter`` reads 1 or more as a percentage, so the top of the slider stops here.
_TOP = 1 - 1e-9
_TABLE_COLUMNS = ["class", "confidence", "x1", "y1", "x2", "y2"]


def _received_classes(result: AnyResult) -> set[str]:
    if isinstance(result, (DetectionResult, ClassificationResult, MultiLabelResult)):
        return {p.class_name for p in result.received}
    return set(getattr(result, "class_map", {}).values())


class ViewerState:
    """What the viewer shows: which image, the filters, and how to draw.

    Args:
        results: One result, a ``Batch``, a list of results, or ``{name: result}``.
        images: Where pixels come from when ``result.source`` is not a file: a list
            aligned with the results, or ``{name: image}``. Without pixels, predictions
            are drawn on gray.
        ground_truth: A :class:`~rf_notebook.evaluate.GroundTruth`, a list aligned with
            the results, or ``{name: boxes}``; enables the ground-truth comparison.
        max_size: Longest side of the drawing in pixels; larger images are shrunk once.
        image_format: ``"jpeg"`` (fast and small) or ``"png"`` (lossless) for the widget.
        iou: IoU at which a prediction matches ground truth in the comparison.

    Attributes:
        index: Position of the image shown.
        confidence: Confidence threshold; never below :attr:`floor`.
        overlap: IoU of client-side class-aware NMS, or ``None`` for none.
        selected: Classes shown; ``None`` (or empty) for all.
        labels: Draw label chips.
        show_confidence: Put the confidence in the labels.
        mask_opacity: Opacity of mask fills, 0–1.
        truth: Show ground truth | prediction side by side (when ground truth is given).

    Example:
        >>> state = ViewerState([result], images=["dog.jpg"])  # doctest: +SKIP
        >>> state.overlap = 0.5  # doctest: +SKIP
        >>> state.render()  # doctest: +SKIP
    """

    def __init__(
        self,
        results: Any,
        images: Any = None,
        ground_truth: Any = None,
        *,
        max_size: int | None = 1280,
        image_format: ImageFormat = "jpeg",
        iou: float = 0.5,
    ) -> None:
        self.names, self.results = named_results(results)
        for what, value in (("images", images), ("ground_truth", ground_truth)):
            if isinstance(value, (list, tuple)) and len(value) != len(self.results):
                raise ConfigError(f"{what} has {len(value)} items for {len(self.results)} results")
        if image_format not in ("png", "jpeg"):
            raise ConfigError(f"image_format must be 'png' or 'jpeg', got {image_format!r}")
        if not 0 <= iou <= 1:
            raise ConfigError(f"iou must be between 0 and 1, got {iou!r}")
        self.images = images
        self.ground_truth = ground_truth
        self.image_format: ImageFormat = image_format
        self.iou = iou
        self.cache = ImageCache(max_size)
        self.floor = min((r.requested_confidence or 0.0) for r in self.results)
        self.classes: list[str] = sorted(set().union(*map(_received_classes, self.results)))
        start = next((r.threshold for r in self.results if r.threshold is not None), None)
        self.index = 0
        self._confidence = self.floor
        self.confidence = self.floor if start is None else start
        self._overlap: float | None = None
        self.selected: frozenset[str] | None = None
        self.labels = True
        self.show_confidence = True
        self.mask_opacity = 0.4
        self.truth = False
        self._nms: dict[tuple[int, float], AnyResult] = {}
        self.note = ""

    # --- controls -------------------------------------------------------------------

    @property
    def confidence(self) -> float:
        """The confidence threshold, kept within ``[floor, 1]``."""
        return self._confidence

    @confidence.setter
    def confidence(self, value: float) -> None:
        self._confidence = min(max(float(value), self.floor), 1.0)

    @property
    def overlap(self) -> float | None:
        """NMS IoU in (0, 1); ``None`` (or 1 and above) turns suppression off."""
        return self._overlap

    @overlap.setter
    def overlap(self, value: float | None) -> None:
        if value is not None and value <= 0:
            raise ConfigError(f"overlap must be above 0, got {value!r}")
        self._overlap = None if value is None or value >= 1 else float(value)

    def select(self, classes: Iterable[str] | None) -> None:
        """Show only ``classes``; ``None`` or an empty selection shows all.

        Example:
            >>> state.select(["cat"])  # doctest: +SKIP
        """
        chosen = frozenset(classes or ())
        self.selected = chosen if chosen and chosen != set(self.classes) else None

    @property
    def has_truth(self) -> bool:
        """Whether ground truth was given."""
        return self.ground_truth is not None

    # --- what is shown --------------------------------------------------------------

    @property
    def name(self) -> str:
        """The name of the image shown."""
        return self.names[self.index]

    def picture(self) -> CachedImage:
        """The current image, decoded once (gray when its pixels are unknown).

        Example:
            >>> state.picture().size  # doctest: +SKIP
            (1280, 720)
        """
        result = self.results[self.index]
        source = image_for(self.images, self.name, self.index, result)
        if source is None:
            self.note = f"no image for {self.name!r}: drawn on gray (pass images=)"
            size = (result.image.width, result.image.height) if result.image else (640, 480)
            return blank(size, self.cache.max_size)
        self.note = ""
        return self.cache.get(self.index, source)

    def result(self) -> AnyResult:
        """The current result with the threshold, overlap and class filter applied.

        Example:
            >>> len(state.result().predictions)  # doctest: +SKIP
            12
        """
        result = self.results[self.index]
        if self.overlap is not None and isinstance(result, DetectionResult):
            key = (self.index, self.overlap)
            if key not in self._nms:
                self._nms[key] = result.with_overlap(self.overlap)
            result = self._nms[key]
        threshold = min(max(self.confidence, result.requested_confidence or 0.0), _TOP)
        wanted = self.selected if self.selected is not None else self.classes
        return result.filter(confidence=threshold, classes=list(wanted) or [""])

    def render(self) -> Image.Image:
        """Draw the current image as the controls say: predictions, or ground truth | them.

        Example:
            >>> state.render().save("view.png")  # doctest: +SKIP
        """
        picture = self.picture()
        result = with_size(self.result(), picture.size)
        truth = self.current_truth() if self.truth else None
        if truth is not None and isinstance(result, DetectionResult):
            return side_by_side(
                picture.image,
                truth,
                result,
                iou=self.iou,
                classes=self.selected,
                labels=self.labels,
                show_confidence=self.show_confidence,
            )
        return draw_boxes(
            picture.image,
            result,
            labels=self.labels,
            show_confidence=self.show_confidence,
            mask_opacity=self.mask_opacity,
        )

    def current_truth(self) -> Any:
        """The ground truth of the current image, ready to draw, or ``None``.

        Example:
            >>> state.current_truth()["predictions"][0]  # doctest: +SKIP
        """
        result = self.results[self.index]
        size = (result.image.width, result.image.height) if result.image else None
        return truth_for(self.ground_truth, self.name, self.index, size or self.picture().size)

    def image_bytes(self) -> bytes:
        """:meth:`render`, encoded for the ``Image`` widget in :attr:`image_format`.

        Example:
            >>> state.image_bytes()[:2]  # JPEG by default  # doctest: +SKIP
            b'\xff\xd8'
        """
        return encode_image(self.render(), self.image_format)

    def table(self) -> pd.DataFrame:
        """The visible predictions, most confident first (coordinates in original pixels).

        Example:
            >>> state.table().columns.tolist()  # doctest: +SKIP
            ['class', 'confidence', 'x1', 'y1', 'x2', 'y2']
        """
        result = self.result()
        if isinstance(result, DetectionResult):
            rows = sorted(result.predictions, key=lambda p: -p.confidence)
            frame: pd.DataFrame = pd.DataFrame(
                {
                    "class": [p.class_name for p in rows],
                    "confidence": [p.confidence for p in rows],
                    "x1": [p.x1 for p in rows],
                    "y1": [p.y1 for p in rows],
                    "x2": [p.x2 for p in rows],
                    "y2": [p.y2 for p in rows],
                },
                columns=_TABLE_COLUMNS,
            )
            return frame
        full = to_dataframe(result)
        keep = [c for c in ("class", "confidence", "rank", "predicted", "area") if c in full]
        out: pd.DataFrame = full[keep].dropna(how="all").reset_index(drop=True)
        return out

    def counts(self) -> pd.DataFrame:
        """Per class: predictions ``shown`` now and ``received`` (above the floor).

        Example:
            >>> state.counts().loc["cat", "shown"]  # doctest: +SKIP
            3
        """
        result = self.results[self.index]
        received = Counter(_names(result, visible=False))
        shown = Counter(_names(self.result(), visible=True))
        names = sorted(set(received) | set(shown))
        frame: pd.DataFrame = pd.DataFrame(
            {"shown": [shown[n] for n in names], "received": [received[n] for n in names]},
            index=pd.Index(names, name="class"),
        )
        return frame

    def summary(self) -> str:
        """One line: which image, and how many predictions pass the filters.

        Example:
            >>> state.summary()  # doctest: +SKIP
            '3/48 dog.jpg · 12 of 50 shown at confidence ≥ 0.50'
        """
        result = self.result()
        shown = len(_names(result, visible=True))
        total = len(_names(self.results[self.index], visible=False))
        parts = [
            f"{self.index + 1}/{len(self.results)} {short_name(self.name)}",
            f"{shown} of {total} shown at confidence ≥ {self.confidence:.2f}",
        ]
        if self.overlap is not None:
            parts.append(f"overlap ≤ {self.overlap:.2f}")
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)


def _names(result: AnyResult, *, visible: bool) -> list[str]:
    if isinstance(result, MultiLabelResult) and visible:
        return list(result.predicted_classes)
    items = getattr(result, "predictions" if visible else "received", ())
    return [p.class_name for p in items]
