"""The web app's code panel: the page's legacy call, written out in many languages.

:class:`Call` holds what the form describes (never the API key: every snippet carries the
placeholder :data:`KEY_PLACEHOLDER`). :func:`render` fills the one template of a language
from :mod:`.templates`. The page gets the snippets from ``GET /snippets``; the tests run the
same text against a live server.

Example:
    >>> call = Call("http://127.0.0.1:9001", "shapes-detect", "1", image_file="dog.jpg")
    >>> print(render(call, "curl"))
    base64 < dog.jpg | curl -sS -d @- \\
      -H "Content-Type: application/x-www-form-urlencoded" \\
      "http://127.0.0.1:9001/shapes-detect/1?api_key=YOUR_API_KEY&confidence=40&overlap=30&format=json"
    <BLANKLINE>
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from .templates import TEMPLATES

__all__ = ["FORMATS", "KEY_PLACEHOLDER", "LANGUAGES", "Call", "render", "render_all"]

KEY_PLACEHOLDER = "YOUR_API_KEY"
FORMATS = ("json", "image", "image_and_json")

#: Language id → the name the page shows, in the page's order.
LANGUAGES: dict[str, str] = {
    "curl": "cURL",
    "python": "Python (requests)",
    "python-rf": "Python (rf_notebook)",
    "javascript": "JavaScript (fetch)",
    "node": "Node.js (axios)",
    "java": "Java",
    "go": "Go",
    "ruby": "Ruby",
    "php": "PHP",
}

_BASE_URL = re.compile(r"^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _double_quoted(text: str) -> str:
    """A ``"..."`` literal for Python, JavaScript, Java and Go (JSON's escapes suit all)."""
    return json.dumps(text, ensure_ascii=False)


def _single_quoted(text: str) -> str:
    """A ``'...'`` literal for Ruby and PHP (no interpolation inside)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


_QUOTE: dict[str, Callable[[str], str]] = {
    "curl": shlex.quote,
    "ruby": _single_quoted,
    "php": _single_quoted,
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True)
class Call:
    """One call of the legacy route, as the form describes it.

    Attributes:
        base_url: Where the server is, e.g. ``http://127.0.0.1:9001`` (no path).
        project: The model's project slug.
        version: The model's version.
        image_file: The local file to send (used when ``image_url`` is empty).
        image_url: An image URL for the server to fetch (``image=``), or ``""``.
        confidence: 0–100 (or 0–1); ``None`` leaves the server default.
        overlap: 0–100 (or 0–1); ``None`` leaves the server default.
        classes: Comma-separated class names to keep, or ``""``.
        format: ``json``, ``image`` or ``image_and_json``.
        stroke: Box width of the drawn picture; ``None`` leaves the server default.
        labels: Draw labels on the picture.
    """

    base_url: str
    project: str
    version: str
    image_file: str = "YOUR_IMAGE.jpg"
    image_url: str = ""
    confidence: float | None = 40
    overlap: float | None = 30
    classes: str = ""
    format: str = "json"
    stroke: int | None = None
    labels: bool = False

    def __post_init__(self) -> None:
        if not _BASE_URL.match(self.base_url):
            raise ValueError(f"base_url must be http(s)://host[:port], got {self.base_url!r}")
        for name in ("project", "version"):
            if not _SLUG.match(getattr(self, name)):
                raise ValueError(
                    f"{name} may hold only letters, digits, '.', '_' and '-', "
                    f"got {getattr(self, name)!r}"
                )
        if not self.image_file or _CONTROL.search(self.image_file) or "/" in self.image_file:
            raise ValueError(f"image_file must be a plain file name, got {self.image_file!r}")
        if self.image_url and (
            urlsplit(self.image_url).scheme not in ("http", "https")
            or _CONTROL.search(self.image_url)
            or " " in self.image_url
        ):
            raise ValueError(f"image_url must be an http(s) URL, got {self.image_url!r}")
        for name in ("confidence", "overlap"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                raise ValueError(f"{name} must be between 0 and 100, got {value!r}")
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {self.format!r}")
        if self.stroke is not None and not 1 <= self.stroke <= 100:
            raise ValueError(f"stroke must be 1–100, got {self.stroke!r}")

    @classmethod
    def from_form(cls, form: Mapping[str, str], base_url: str) -> Call:
        """Read the page's form values (all strings; blanks mean "not set").

        Example:
            >>> Call.from_form({"model": "pets", "version": "2", "stroke": "3"}, "http://h").stroke
            3
        """

        def text(name: str) -> str:
            return (form.get(name) or "").strip()

        def number(name: str, default: float | None) -> float | None:
            value = text(name)
            try:
                return default if value == "" else float(value)
            except ValueError:
                raise ValueError(f"{name} must be a number, got {value!r}") from None

        stroke = number("stroke", None)
        if stroke is not None and not stroke.is_integer():
            raise ValueError(f"stroke must be a whole number, got {text('stroke')!r}")
        classes = ",".join(c.strip() for c in text("classes").split(",") if c.strip())
        return cls(
            base_url=base_url.rstrip("/"),
            project=text("model") or "YOUR_MODEL",
            version=text("version") or "YOUR_VERSION",
            image_file=text("image_file").replace("\\", "/").rsplit("/", 1)[-1] or "YOUR_IMAGE.jpg",
            image_url=text("image_url"),
            confidence=number("confidence", None),
            overlap=number("overlap", None),
            classes=classes,
            format=text("format") or "json",
            stroke=None if stroke is None else int(stroke),
            labels=text("labels").lower() in ("true", "1", "on", "yes"),
        )

    @property
    def endpoint(self) -> str:
        """``{base_url}/{project}/{version}``."""
        return f"{self.base_url}/{quote(self.project)}/{quote(self.version)}"

    def params(self) -> list[tuple[str, str]]:
        """The query parameters other than ``api_key``, in a fixed order."""
        pairs = [
            ("confidence", None if self.confidence is None else _number(self.confidence)),
            ("overlap", None if self.overlap is None else _number(self.overlap)),
            ("classes", self.classes or None),
            ("format", self.format),
            ("stroke", None if self.stroke is None else str(self.stroke)),
            ("labels", "true" if self.labels else None),
            ("image", self.image_url or None),
        ]
        return [(name, value) for name, value in pairs if value is not None]

    @property
    def query(self) -> str:
        """:meth:`params`, percent-encoded: safe inside any language's double quotes."""
        return urlencode(self.params(), quote_via=quote, safe="")

    def python_options(self) -> str:
        """Keyword arguments for ``rf.predict`` / ``predict_image``, one per line."""
        options = []
        for name in ("confidence", "overlap"):
            value = getattr(self, name)
            if value is not None:
                options.append(f"{name}={_number(value)}")
        if self.classes:
            options.append(f"classes={_double_quoted(self.classes)}")
        if self.format == "image_and_json":
            options.append('format="image_and_json"')
        if self.stroke is not None:
            options.append(f"stroke={self.stroke}")
        if self.labels:
            options.append("labels=True")
        return "".join(f"    {option},\n" for option in options)


_BLOCK = re.compile(r"^\{\{#(\w+)\}\}\n(.*?)^\{\{/\1\}\}\n", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"\{\{#(\w+)\}\}(.*?)\{\{/\1\}\}", re.DOTALL)
_FIELD = re.compile(r"\{\{(\w+)\}\}")


def fill(template: str, fields: Mapping[str, str], flags: Mapping[str, bool]) -> str:
    """Fill ``{{field}}`` blanks and keep or drop ``{{#flag}}...{{/flag}}`` sections.

    Example:
        >>> fill("a{{#x}} b{{/x}} {{y}}", {"y": "c"}, {"x": False})
        'a c'
    """

    def section(match: re.Match[str]) -> str:
        return match[2] if flags[match[1]] else ""

    text = _INLINE.sub(section, _BLOCK.sub(section, template))
    text = _FIELD.sub(lambda match: fields[match[1]], text)
    if "{{" in text:
        raise ValueError(f"unbalanced section in template near {text[text.index('{{') :][:40]!r}")
    return text


def render(call: Call, language: str) -> str:
    """The snippet of ``language`` (a key of :data:`LANGUAGES`) for ``call``."""
    quoted = _QUOTE.get(language, _double_quoted)
    source = call.image_url or call.image_file
    fields = {
        "endpoint": call.endpoint,
        "query": call.query,
        "api_url": call.base_url,
        "key": KEY_PLACEHOLDER,
        "file": quoted(call.image_file),
        "source": quoted(source),
        "model_id": quoted(f"{call.project}/{call.version}"),
        "options": call.python_options(),
    }
    flags = {
        "file": not call.image_url,
        "url": bool(call.image_url),
        "json": call.format != "image",
        "image": call.format == "image",
    }
    text = fill(TEMPLATES[language], fields, flags)
    if language == "go":  # gofmt indents with tabs
        text = re.sub(r"^((?:    )+)", lambda m: "\t" * (len(m[1]) // 4), text, flags=re.MULTILINE)
    return text


def render_all(call: Call) -> list[dict[str, str]]:
    """Every language's snippet: ``[{"id", "label", "code"}, ...]`` in the page's order."""
    return [
        {"id": language, "label": label, "code": render(call, language)}
        for language, label in LANGUAGES.items()
    ]
