"""``PickReview``: page through picked images, decide keep / skip / relabel, export, upload.

Example:
    >>> from rf_notebook.widgets import PickReview
    >>> PickReview(picks, "review.csv", project="my-project")  # doctest: +SKIP
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..active_learning import Picks
from ..errors import RfNotebookError
from ._deps import button, hold, require_ipywidgets, show_widget
from .decisions import DECISIONS, DecisionName
from .encoding import ImageFormat, encode_image
from .html import message_html
from .review_state import ReviewState

__all__ = ["PickReview"]

_STYLES = {"keep": "success", "skip": "warning", "relabel": "info"}


class _Slot:
    """The widgets of one gallery place: thumbnail, caption, three decisions, a note."""

    def __init__(self, w: Any, size: int, image_format: ImageFormat) -> None:
        self.position = -1
        self.image = w.Image(value=b"", format=image_format, layout=w.Layout(max_width=f"{size}px"))
        self.caption = w.HTML(layout=w.Layout(max_width=f"{size}px"))
        self.buttons = {name: button(name, f"mark this image: {name}") for name in DECISIONS}
        self.note = w.Text(
            placeholder="note", continuous_update=False, layout=w.Layout(width=f"{size}px")
        )
        self.box = w.VBox(
            [self.image, self.caption, w.HBox(list(self.buttons.values())), self.note],
            layout=w.Layout(margin="4px", border="1px solid #ddd", padding="4px"),
        )


class PickReview:
    """A paged gallery of picks with their overlays and the reason each was picked.

    Each image gets keep / skip / relabel and a note; every change is written at once
    (atomically) to the ``decisions`` CSV, which is read back on construction, so a
    kernel restart loses nothing. Export and upload send the picks marked keep or
    relabel, through the active-learning functions.

    Args:
        picks: From :func:`~rf_notebook.active_learning.pick`.
        decisions: The decisions CSV (``None``: memory only).
        export_to: The folder the export button writes (``Picks.export``).
        export_options: More arguments for ``Picks.export`` (``link=``, ``formats=``;
            ``overwrite`` is ``True`` unless given).
        upload: A function called with the kept :class:`Picks` by the upload button.
        project: Without ``upload``, the button calls ``Picks.upload(project, ...)``.
        upload_options: More arguments for ``Picks.upload`` (``api_url=``, ``batch=`` …).
        per_page: Picks per page.
        thumb_size: Longest side of each thumbnail in pixels.
        image_format: ``"jpeg"`` or ``"png"`` for the thumbnails.

    Attributes:
        state: The :class:`ReviewState` behind it.
        slots: The gallery places; ``slots[0].buttons["keep"].click()`` keeps the first.
        widget: The ipywidgets ``VBox`` to display or embed.

    Example:
        >>> review = PickReview(picks, "review.csv", upload=my_upload)  # doctest: +SKIP
        >>> review  # doctest: +SKIP
    """

    def __init__(
        self,
        picks: Picks,
        decisions: str | Path | None = "pick-review.csv",
        *,
        export_to: str | Path = "to-label",
        export_options: dict[str, Any] | None = None,
        upload: Callable[[Picks], Any] | None = None,
        project: str | None = None,
        upload_options: dict[str, Any] | None = None,
        per_page: int = 6,
        thumb_size: int = 320,
        image_format: ImageFormat = "jpeg",
    ) -> None:
        w = require_ipywidgets()
        self.state = ReviewState(picks, decisions, per_page=per_page, thumb_size=thumb_size)
        self.export_to = Path(export_to)
        self.export_options = dict(export_options or {})
        self.upload_with, self.project = upload, project
        self.upload_options = dict(upload_options or {})
        self.image_format: ImageFormat = image_format
        self._loading = False
        self.slots = [_Slot(w, thumb_size, image_format) for _ in range(per_page)]
        for index, slot in enumerate(self.slots):
            for name, control in slot.buttons.items():
                control.on_click(lambda _, i=index, n=name: self.decide(i, n))
            slot.note.observe(lambda c, i=index: self._on_note(i, c["new"]), names="value")
        self.previous = button("◀ page", "previous page")
        self.next = button("page ▶", "next page")
        self.page_label = w.HTML()
        self.export_button = button("export kept", f"write the kept picks to {self.export_to}")
        self.upload_button = button("upload kept", "upload the kept picks")
        self.upload_button.disabled = upload is None and not project
        self.status = w.HTML()
        self.previous.on_click(lambda _: self.turn(-1))
        self.next.on_click(lambda _: self.turn(1))
        self.export_button.on_click(lambda _: self.export())
        self.upload_button.on_click(lambda _: self.upload())
        gallery = w.HBox([slot.box for slot in self.slots], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox(
            [
                w.HBox([self.previous, self.next, self.page_label]),
                gallery,
                w.HBox([self.export_button, self.upload_button]),
                self.status,
            ]
        )
        self.show_page()

    def show_page(self) -> None:
        """Fill the gallery places with the current page's picks and their decisions.

        Example:
            >>> review.state.page = 2; review.show_page()  # doctest: +SKIP
        """
        s = self.state
        positions = s.visible()
        self._loading = True
        try:
            for slot, position in zip(self.slots, positions + [-1] * len(self.slots), strict=False):
                slot.position = position
                slot.box.layout.display = None if position >= 0 else "none"
                if position >= 0:
                    self._fill(slot, position)
        finally:
            self._loading = False
        self._summary()

    def _fill(self, slot: _Slot, position: int) -> None:
        s = self.state
        try:
            data = encode_image(s.thumbnail(position), self.image_format)
            caption = html.escape(s.caption(position)).replace("\n", "<br>")
        except (RfNotebookError, OSError) as exc:
            data, caption = b"", message_html(f"{s.names[position]}: {exc}", "error")
        with hold(slot.image, slot.caption, slot.note):
            slot.image.value = data
            slot.caption.value = f'<span style="font-size:12px">{caption}</span>'
            slot.note.value = s.note(position)
        self._mark(slot)

    def _mark(self, slot: _Slot) -> None:
        chosen = self.state.decision(slot.position) if slot.position >= 0 else ""
        for name, control in slot.buttons.items():
            control.button_style = _STYLES[name] if name == chosen else ""

    def decide(self, slot: int, decision: DecisionName) -> None:
        """Record a decision for the pick in gallery place ``slot``, as its button does.

        Clicking the current decision again clears it.

        Example:
            >>> review.decide(0, "keep")  # the first place on the page  # doctest: +SKIP
        """
        place = self.slots[slot]
        if place.position < 0:
            return
        same = self.state.decision(place.position) == decision
        self._guard(lambda: self.state.decide(place.position, "" if same else decision))
        self._mark(place)
        self._summary()

    def _on_note(self, slot: int, text: str) -> None:
        place = self.slots[slot]
        if not self._loading and place.position >= 0:
            self._guard(lambda: self.state.set_note(place.position, text))

    def turn(self, by: int) -> None:
        """Go ``by`` pages forward (negative: back).

        Example:
            >>> review.turn(1)  # doctest: +SKIP
        """
        self.state.turn(by)
        self.show_page()

    def export(self) -> Any:
        """Export the kept picks to ``export_to``, as the export button does.

        Example:
            >>> review.export()  # doctest: +SKIP
        """
        return self._guard(
            lambda: self.state.export(self.export_to, **self.export_options), "exported: "
        )

    def upload(self) -> Any:
        """Upload the kept picks, as the upload button does.

        Example:
            >>> review.upload()  # doctest: +SKIP
        """
        return self._guard(
            lambda: self.state.upload(self.upload_with, self.project, **self.upload_options),
            "uploaded: ",
        )

    def _guard(self, action: Callable[[], Any], done: str = "") -> Any:
        try:
            out = action()
        except (RfNotebookError, OSError) as exc:
            self.status.value = message_html(str(exc), "error")
            return None
        if done:
            self.status.value = message_html(f"{done}{out!r}", "ok")
        return out

    def _summary(self) -> None:
        s = self.state
        counts = " · ".join(f"{n} {k}" for k, n in s.counts().items())
        self.page_label.value = message_html(f"page {s.page + 1}/{s.pages} · {counts}")

    def _ipython_display_(self) -> None:
        show_widget(self.widget)

    def __repr__(self) -> str:
        return f"PickReview({len(self.state.names)} picks, {self.state.counts()})"
