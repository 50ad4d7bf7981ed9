"""Every error rf-notebook raises, in one tree.

::

    RfNotebookError                       catch-all for this package
    ├── ConfigError (ValueError)          a bad argument or setting: fix the call
    ├── ImageError (ValueError)           an input image we cannot read or send
    ├── SchemaError (ValueError)          a response that is not the API's JSON shape
    ├── MissingDependencyError (ImportError)  an optional extra is not installed
    └── APIError                          the request reached out and failed
        ├── APIConnectionError            no response: refused, reset, DNS, TLS
        ├── APITimeoutError               no response in time
        └── APIStatusError                a response with status >= 400

Bad-input errors are also ``ValueError``s, so ``except ValueError`` keeps working in
code written before this package existed. Messages never contain an API key:
build them with :func:`redact`.
"""

from __future__ import annotations

import re

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ConfigError",
    "ImageError",
    "MissingDependencyError",
    "RfNotebookError",
    "SchemaError",
    "redact",
]

_KEY_IN_QUERY = re.compile(r"(api_key=)[^&\s'\"]+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[^\s'\"]+", re.IGNORECASE)
_KEY_IN_JSON = re.compile(r"(['\"]api_key['\"]\s*:\s*['\"])[^'\"]+", re.IGNORECASE)


def redact(text: str, *secrets: str | None) -> str:
    """Remove API keys from ``text``: the given secrets, and anything shaped like one.

    Args:
        text: Any message, URL or log line.
        *secrets: Exact strings to hide wherever they appear.

    Returns:
        The text with each secret and every ``api_key=...``, ``"api_key": "..."``
        and ``Bearer ...`` value replaced by ``***``.

    Example:
        >>> redact("GET /proj/1?api_key=abc123&confidence=40", "abc123")
        'GET /proj/1?api_key=***&confidence=40'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _KEY_IN_QUERY.sub(r"\1***", text)
    text = _BEARER.sub(r"\1***", text)
    return _KEY_IN_JSON.sub(r"\1***", text)


class RfNotebookError(Exception):
    """Base class of every error raised by rf-notebook."""


class ConfigError(RfNotebookError, ValueError):
    """A bad argument or setting, raised before anything is sent."""


class ImageError(RfNotebookError, ValueError):
    """An input image that cannot be read, decoded or sent."""


class SchemaError(RfNotebookError, ValueError):
    """A response that does not have the shape of the API's JSON.

    Attributes:
        path: Where in the document the problem is, like ``predictions[3].width``.
    """

    def __init__(self, message: str, path: str = "") -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class MissingDependencyError(RfNotebookError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{package} is needed for this feature: pip install 'rf-notebook[{extra}]'"
        )


class APIError(RfNotebookError):
    """A request to the inference API failed."""


class APIConnectionError(APIError):
    """No response arrived: the connection was refused, reset, or never made."""


class APITimeoutError(APIError):
    """No response arrived within the timeout."""


class APIStatusError(APIError):
    """The API answered with an HTTP error status.

    Attributes:
        status: The HTTP status code.
        message: The API's own message (``message`` or ``detail`` in its JSON body).
    """

    def __init__(self, status: int, message: str, hint: str = "") -> None:
        self.status = status
        self.message = message
        text = f"HTTP {status}: {message}"
        super().__init__(f"{text}\n{hint}" if hint else text)
