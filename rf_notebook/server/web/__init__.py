"""The example web app served at ``/``: a form, the annotated answer, and code to copy."""

from .routes_web import router
from .snippets import LANGUAGES, Call, render, render_all

__all__ = ["LANGUAGES", "Call", "render", "render_all", "router"]
