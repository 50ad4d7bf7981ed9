"""Client settings, the API key chain, and which protocol a URL speaks.

The key is held in a :class:`Secret`, whose ``repr`` and ``str`` are ``***``, so it
cannot leak through a printed settings object, a log line or an f-string.

Example:
    >>> s = Settings(api_url="http://127.0.0.1:9001", api_key=Secret("abc"))
    >>> s.protocol_for_url, "abc" in repr(s)
    ('server', False)
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from .errors import ConfigError

__all__ = [
    "DEFAULT_CONFIDENCE",
    "DEFAULT_OVERLAP",
    "HOSTED_URL",
    "Protocol",
    "Secret",
    "Settings",
    "is_hosted_url",
    "parse_model_id",
    "resolve_api_key",
]

Protocol = Literal["auto", "hosted", "server"]

#: The hosted API's default, for every task but semantic segmentation.
HOSTED_URL = "https://serverless.roboflow.com"
#: Where semantic segmentation models are still served.
HOSTED_SEMANTIC_URL = "https://segment.roboflow.com"
#: The hosted API's defaults when no threshold is given.
DEFAULT_CONFIDENCE = 0.4
DEFAULT_OVERLAP = 0.3

_HOSTED_PREFIXES = (
    "detect",
    "outline",
    "classify",
    "segment",
    "infer",
    "serverless",
    "serverless-eu",
    "asyncinfer",
    "detect-eu",
    "outline-eu",
    "classify-eu",
)
_HOSTED_DOMAINS = ("roboflow.com", "roboflow.one", "roboflow.eu")
_MODEL_ID = re.compile(r"^(?:[\w.-]+/)?([A-Za-z0-9][\w.-]*)/(\w[\w.-]*)$")
_KEY_HELP = (
    "No Roboflow API key found. Pass api_key=..., set the ROBOFLOW_API_KEY environment "
    "variable, or in Colab add a secret named ROBOFLOW_API_KEY (the key icon on the left). "
    "Your key is at https://app.roboflow.com/settings/api. To work offline, start the "
    "local server instead: rf-notebook serve."
)


class Secret:
    """A string that never shows itself: ``repr`` and ``str`` are ``***``.

    Example:
        >>> key = Secret("abc123")
        >>> f"{key}", key.reveal()
        ('***', 'abc123')
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value, for the one place that sends it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def is_hosted_url(url: str) -> bool:
    """Whether ``url`` is one of Roboflow's hosted inference hosts (legacy v1 route).

    Example:
        >>> is_hosted_url("https://detect.roboflow.com"), is_hosted_url("http://127.0.0.1:9001")
        (True, False)
    """
    host = (urlparse(url).hostname or "").lower()
    first, _, domain = host.partition(".")
    return domain in _HOSTED_DOMAINS and first in _HOSTED_PREFIXES


def parse_model_id(model: str) -> tuple[str, str]:
    """Split ``"project/3"`` (or ``"workspace/project/3"``) into project and version.

    Example:
        >>> parse_model_id("my-ws/shapes-detect/1")
        ('shapes-detect', '1')
    """
    match = _MODEL_ID.match(str(model).strip().strip("/"))
    if not match:
        raise ConfigError(
            f"model must look like 'project/version', for example 'shapes-detect/1'; got {model!r}"
        )
    return match.group(1), match.group(2)


def _colab_secret(name: str) -> str | None:
    if "google.colab" not in sys.modules:
        return None
    try:
        from google.colab import userdata

        value = userdata.get(name)
    except Exception:  # not granted, missing, or not in a notebook: fall through
        return None
    return str(value) if value else None


def resolve_api_key(explicit: str | Secret | None = None) -> Secret | None:
    """The key from the argument, else ``ROBOFLOW_API_KEY``, else Colab secrets.

    Example:
        >>> resolve_api_key("abc")
        Secret('***')
    """
    if isinstance(explicit, Secret):
        return explicit if explicit else None
    if explicit:
        return Secret(str(explicit).strip())
    env = os.environ.get("ROBOFLOW_API_KEY", "").strip()
    if env:
        return Secret(env)
    colab = _colab_secret("ROBOFLOW_API_KEY")
    return Secret(colab.strip()) if colab else None


@dataclass(frozen=True)
class Settings:
    """Everything a :class:`~rf_notebook.client.Client` needs; immutable.

    Attributes:
        api_url: Base URL. ``None`` means the hosted API (or ``RF_NOTEBOOK_API_URL``).
        api_key: The key, hidden from every repr.
        protocol: ``"hosted"`` (legacy ``/{project}/{version}`` route), ``"server"``
            (``/infer/{task}``), or ``"auto"``: hosted hosts use the legacy route.
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for an answer.
        retries: Extra tries on 429/5xx and connection errors.
        backoff: First back-off in seconds; doubles each try, with jitter.
        max_backoff: Longest single wait, ``Retry-After`` included.
        concurrency: Requests in flight at once in ``predict_many``.
        batch_size: Images per request on the server protocol.
        floor: Confidence the server is asked for, so later thresholds need no new
            call. ``None`` sends your ``confidence`` exactly, as the hosted API expects.
        cache: ``True`` for the user cache folder, a path, or ``False`` for none.
        max_side: Shrink images so their longer side is at most this before sending.
    """

    api_url: str | None = None
    api_key: Secret | None = field(default=None, repr=False)
    protocol: Protocol = "auto"
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    concurrency: int = 8
    batch_size: int = 1
    floor: float | None = 0.01
    cache: bool | str | Path = True
    max_side: int | None = None

    def __post_init__(self) -> None:
        if self.protocol not in ("auto", "hosted", "server"):
            raise ConfigError(
                f"protocol must be 'auto', 'hosted' or 'server', got {self.protocol!r}"
            )
        if self.concurrency < 1 or self.batch_size < 1 or self.retries < 0:
            raise ConfigError("concurrency and batch_size must be >= 1, and retries >= 0")
        if self.floor is not None and not 0 <= self.floor < 1:
            raise ConfigError(f"floor must be in [0, 1) or None, got {self.floor!r}")
        if self.api_url is not None and not re.match(r"^https?://", self.api_url):
            raise ConfigError(f"api_url must start with http:// or https://, got {self.api_url!r}")

    @property
    def base_url(self) -> str:
        """The URL requests go to, without a trailing slash."""
        url = self.api_url or os.environ.get("RF_NOTEBOOK_API_URL") or HOSTED_URL
        return url.rstrip("/")

    def url_for(self, task: str | None) -> str:
        """The base URL for a task: semantic segmentation has its own hosted host.

        Example:
            >>> Settings().url_for("semantic-segmentation")
            'https://segment.roboflow.com'
        """
        if (
            task == "semantic-segmentation"
            and self.api_url is None
            and not os.environ.get("RF_NOTEBOOK_API_URL")
        ):
            return HOSTED_SEMANTIC_URL
        return self.base_url

    @property
    def protocol_for_url(self) -> Literal["hosted", "server"]:
        """The protocol actually used: the setting, or read from the URL."""
        if self.protocol != "auto":
            return self.protocol
        return "hosted" if is_hosted_url(self.base_url) else "server"

    def require_key(self) -> Secret:
        """The key, or a :class:`ConfigError` that says how to set one."""
        if not self.api_key:
            raise ConfigError(_KEY_HELP)
        return self.api_key
