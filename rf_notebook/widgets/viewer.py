"""``Viewer``: browse results with live filters; every change redraws locally, no API call.

Example:
    >>> from rf_notebook.widgets import Viewer
    >>> Viewer(batch)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from ..errors import RfNotebookError
from ..results import DetectionResult
from ._deps import button, hold, require_ipywidgets, show_widget
from .encoding import ImageFormat
from .html import frame_html, message_html
from .inputs import short_name
from .viewer_state import ViewerState

__all__ = ["Viewer"]


class Viewer:
    """An image picker, filters and drawing options over results, with a table below.

    Controls: the image (menu, previous, next), confidence (down to the confidence the
    server was asked for), overlap (client-side class-aware NMS; 1 turns it off), the
    classes shown, labels, confidence in labels, mask opacity, and, when ground truth is
    given, ground truth | prediction side by side. Decoded images are cached.

    Args:
        results: One result, a ``Batch``, a list of results, or ``{name: result}``.
        images: Pixels when ``result.source`` is not a file: a list aligned with the
            results, or ``{name: image}``.
        ground_truth: A :class:`~rf_notebook.evaluate.GroundTruth`, a list aligned with
            the results, or ``{name: boxes}``.
        max_size: Longest side of the drawing, in pixels.
        image_format: ``"jpeg"`` (default: fast, small over the network) or ``"png"``.
        continuous: Redraw while a slider is dragged, not only when it is released.

    Attributes:
        state: The :class:`ViewerState` every control writes to.
        widget: The ipywidgets ``VBox`` to display or embed.

    Example:
        >>> viewer = Viewer(batch, ground_truth=gt)  # doctest: +SKIP
        >>> viewer  # doctest: +SKIP
        >>> viewer.confidence.value = 0.7  # as if the slider moved  # doctest: +SKIP
    """

    def __init__(
        self,
        results: Any,
        images: Any = None,
        ground_truth: Any = None,
        *,
        max_size: int | None = 1280,
        image_format: ImageFormat = "jpeg",
        continuous: bool = False,
    ) -> None:
        w = require_ipywidgets()
        self.state = ViewerState(
            results, images, ground_truth, max_size=max_size, image_format=image_format
        )
        s = self.state
        wide = {"description_width": "initial"}
        options = [(f"{i + 1}. {short_name(n)}", i) for i, n in enumerate(s.names)]
        self.picker = w.Dropdown(options=options, value=0, description="image", style=wide)
        self.previous = button("◀", "previous image")
        self.next = button("▶", "next image")
        slider = {"step": 0.01, "continuous_update": continuous, "style": wide}
        self.confidence = w.FloatSlider(
            value=s.confidence, min=s.floor, max=1.0, description="confidence", **slider
        )
        boxes = any(isinstance(r, DetectionResult) for r in s.results)
        self.overlap = w.FloatSlider(
            value=1.0, min=0.05, max=1.0, description="overlap (NMS, 1 = off)", **slider
        )
        self.overlap.disabled = not boxes
        masks = any(r.task in ("instance-segmentation", "semantic-segmentation") for r in s.results)
        self.opacity = w.FloatSlider(
            value=s.mask_opacity, min=0.0, max=1.0, description="mask opacity", **slider
        )
        self.opacity.disabled = not masks
        self.classes = w.SelectMultiple(
            options=s.classes,
            value=tuple(s.classes),
            rows=min(6, max(2, len(s.classes))),
            description="classes",
            style=wide,
        )
        self.labels = w.Checkbox(value=True, description="labels", indent=False)
        self.show_confidence = w.Checkbox(value=True, description="confidence", indent=False)
        self.truth = (
            w.Checkbox(value=False, description="ground truth | prediction", indent=False)
            if s.has_truth
            else None
        )
        self.image = w.Image(value=b"", format=image_format, layout=w.Layout(max_width="100%"))
        self.status = w.HTML()
        self.table = w.HTML(layout=w.Layout(max_height="320px", overflow="auto"))
        self.counts = w.HTML()
        toggles = [self.labels, self.show_confidence, *([self.truth] if self.truth else [])]
        self.widget = w.VBox(
            [
                w.HBox([self.previous, self.picker, self.next]),
                w.HBox([self.confidence, self.overlap, self.opacity]),
                w.HBox([self.classes, w.VBox(toggles)]),
                self.status,
                self.image,
                w.HBox([self.table, self.counts]),
            ]
        )
        self._wire()
        self.refresh()

    def _wire(self) -> None:
        s = self.state
        steps = (
            (self.picker, lambda v: setattr(s, "index", int(v))),
            (self.confidence, lambda v: setattr(s, "confidence", v)),
            (self.overlap, lambda v: setattr(s, "overlap", v)),
            (self.opacity, lambda v: setattr(s, "mask_opacity", v)),
            (self.classes, s.select),
            (self.labels, lambda v: setattr(s, "labels", bool(v))),
            (self.show_confidence, lambda v: setattr(s, "show_confidence", bool(v))),
        )
        for control, apply in steps:
            control.observe(self._on_change(apply), names="value")
        if self.truth is not None:
            self.truth.observe(self._on_change(lambda v: setattr(s, "truth", bool(v))), "value")
        self.previous.on_click(lambda _: self.step(-1))
        self.next.on_click(lambda _: self.step(1))

    def _on_change(self, apply: Any) -> Any:
        def handler(change: dict[str, Any]) -> None:
            apply(change["new"])
            self.refresh()

        return handler

    def step(self, by: int) -> None:
        """Show the image ``by`` places further (wrapping around), as the arrows do.

        Example:
            >>> viewer.step(1)  # doctest: +SKIP
        """
        self.picker.value = (self.state.index + by) % len(self.state.results)

    def refresh(self) -> None:
        """Redraw the image, the table and the counts from the state (one sync each).

        Example:
            >>> viewer.state.labels = False; viewer.refresh()  # doctest: +SKIP
        """
        s = self.state
        try:
            data = s.image_bytes()
            table = frame_html(s.table(), caption="visible predictions")
            counts = frame_html(s.counts(), index=True, digits=0, caption="per class")
            status = message_html(s.summary())
        except (RfNotebookError, OSError) as exc:
            data, table, counts = b"", "", ""
            status = message_html(f"{s.name}: {exc}", "error")
        with hold(self.image, self.table, self.counts, self.status):
            self.image.value = data
            self.table.value = table
            self.counts.value = counts
            self.status.value = status

    def _ipython_display_(self) -> None:
        show_widget(self.widget)

    def __repr__(self) -> str:
        return f"Viewer({len(self.state.results)} images, showing {self.state.name!r})"
