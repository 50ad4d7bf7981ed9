"""Small HTML for ``HTML`` widgets: DataFrames as compact tables, and status lines.

``DataFrame.to_html`` takes several milliseconds for 50 rows; a widget redraws its table on
every slider change, so :func:`frame_html` writes the same table directly.

Example:
    >>> import pandas as pd
    >>> ">cat</td>" in frame_html(pd.DataFrame({"class": ["cat"]}))
    True
"""

from __future__ import annotations

import html
import math
from typing import Literal

import pandas as pd

__all__ = ["frame_html", "message_html"]

_TABLE_STYLE = (
    "border-collapse:collapse;font-size:12px;font-family:monospace;"
    "margin:2px 8px 2px 0;white-space:nowrap"
)
_CELL_STYLE = "padding:1px 6px;border-bottom:1px solid #ddd;text-align:right"
_COLORS = {"info": "#555", "error": "#b00020", "ok": "#006d4e"}


def _cell(value: object, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return html.escape(str(value))


def frame_html(
    frame: pd.DataFrame,
    *,
    max_rows: int = 100,
    digits: int = 2,
    index: bool = False,
    caption: str = "",
) -> str:
    """A DataFrame as a compact HTML table, at most ``max_rows`` rows (then a "… more" row).

    Args:
        frame: The table.
        max_rows: Rows shown.
        digits: Decimals of float cells.
        index: Show the index as the first column.
        caption: A title above the table.

    Returns:
        HTML text; every value is escaped.

    Example:
        >>> frame_html(pd.DataFrame({"confidence": [0.912]}))  # doctest: +ELLIPSIS
        '<table ...<td style=...>0.91</td>...'
    """
    columns = [str(c) for c in frame.columns]
    head = ([html.escape(str(frame.index.name or ""))] if index else []) + [
        html.escape(c) for c in columns
    ]
    parts = [f'<table style="{_TABLE_STYLE}">']
    if caption:
        parts.append(f'<caption style="text-align:left">{html.escape(caption)}</caption>')
    parts.append("<tr>" + "".join(f'<th style="{_CELL_STYLE}">{h}</th>' for h in head) + "</tr>")
    shown = frame.iloc[:max_rows]
    values = [shown[c].tolist() for c in frame.columns]
    labels = shown.index.tolist()
    for row in range(len(shown)):
        cells = [labels[row]] if index else []
        cells += [column[row] for column in values]
        parts.append(
            "<tr>"
            + "".join(f'<td style="{_CELL_STYLE}">{_cell(v, digits)}</td>' for v in cells)
            + "</tr>"
        )
    if len(frame) > max_rows:
        span = len(head)
        more = len(frame) - max_rows
        parts.append(f'<tr><td colspan="{span}" style="{_CELL_STYLE}">… {more} more</td></tr>')
    parts.append("</table>")
    return "".join(parts)


def message_html(text: str, kind: Literal["info", "error", "ok"] = "info") -> str:
    """One escaped status line, colored by ``kind``.

    Example:
        >>> message_html("3 shown")
        '<span style="color:#555">3 shown</span>'
    """
    return f'<span style="color:{_COLORS[kind]}">{html.escape(text, quote=False)}</span>'
