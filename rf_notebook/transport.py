"""HTTP with safe defaults: timeouts, retries with backoff and jitter, clear errors.

Retries cover 429, 500, 502, 503, 504 and failed connections, honouring ``Retry-After``.
Every error message is redacted, so the API key never reaches a traceback.

Example:
    >>> t = Transport(Settings(api_url="http://127.0.0.1:9001"))  # doctest: +SKIP
    >>> t.request("GET", "http://127.0.0.1:9001/info").json()  # doctest: +SKIP
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Mapping
from typing import Any

import requests

from .config import Settings
from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ImageError,
    redact,
)

__all__ = ["RETRYABLE_STATUS", "Transport", "download", "status_error"]

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_HINTS = {
    400: "Check the image and the parameters sent.",
    401: "Check the API key: is it valid, and for the workspace that owns this model?",
    402: "The workspace is out of credits: check billing at app.roboflow.com.",
    403: "Check the API key and its scopes, and that the model belongs to its workspace.",
    404: "Check the model id 'project/version': the project slug (without the workspace), "
    "a version that exists, and that the version has a trained model.",
    413: "The image is too large to send: pass max_side=1024 (or smaller) to shrink it.",
    429: "Rate limited, still after retries: lower concurrency= or try again later.",
}
_USER_AGENT = "rf-notebook"


class _RedactingFilter(logging.Filter):
    """urllib3 logs request lines at DEBUG, query string included: hide keys there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "api_key" in str(record.msg) or any("api_key" in str(a) for a in record.args or ()):
            record.msg = redact(record.getMessage())
            record.args = ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactingFilter())


def _message_of(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or response.reason or "no message"
    if isinstance(body, Mapping):
        error = body.get("error")
        for value in (
            body.get("message"),
            error.get("message") if isinstance(error, Mapping) else error,
            body.get("detail"),
        ):
            if value:
                return value if isinstance(value, str) else str(value)
    return str(body)[:500]


def status_error(response: requests.Response, secret: str | None = None) -> APIStatusError:
    """Turn an HTTP error response into an :class:`APIStatusError` with a hint.

    Example:
        >>> raise status_error(response)  # doctest: +SKIP
        APIStatusError: HTTP 404: Requested Roboflow resource not found. ...
    """
    status = response.status_code
    message = redact(_message_of(response), secret)
    return APIStatusError(status, message, _HINTS.get(status, ""))


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Transport:
    """A thread-safe sender: one ``requests.Session`` per thread, retries, mapped errors."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = _USER_AGENT
            self._local.session = session
        return session

    def _wait(self, attempt: int, response: requests.Response | None) -> None:
        s = self.settings
        hinted = _retry_after(response) if response is not None else None
        delay = hinted if hinted is not None else s.backoff * 2**attempt * random.uniform(0.5, 1)
        time.sleep(min(delay, s.max_backoff))

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: bytes | str | None = None,
        json: Any = None,
        files: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        retry: bool = True,
    ) -> requests.Response:
        """Send one request; retry what is worth retrying; raise an :class:`APIError`.

        Args:
            method: ``"GET"`` or ``"POST"``.
            url: Full URL.
            params: Query parameters (the key may be among them; it is redacted).
            data: Raw body.
            json: JSON body.
            files: Multipart parts.
            headers: Extra headers.
            retry: ``False`` to try once.

        Returns:
            The response, with a status below 400.
        """
        s = self.settings
        secret = s.api_key.reveal() if s.api_key else None
        attempts = s.retries + 1 if retry else 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._session().request(
                    method,
                    url,
                    params=params,
                    data=data,
                    json=json,
                    files=files,
                    headers=dict(headers or {}),
                    timeout=(s.connect_timeout, s.read_timeout),
                )
            except requests.Timeout as exc:
                error: APIError = APITimeoutError(
                    f"No answer from {redact(url, secret)} within the timeout "
                    f"(connect {s.connect_timeout:g}s, read {s.read_timeout:g}s): "
                    f"{redact(str(exc), secret)}"
                )
            except requests.ConnectionError as exc:
                error = APIConnectionError(
                    f"Could not connect to {redact(url, secret)}. Is the server running and the "
                    f"URL right? ({redact(str(exc), secret)})"
                )
            except requests.RequestException as exc:
                raise APIError(redact(str(exc), secret)) from None
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRYABLE_STATUS or last:
                    raise status_error(response, secret) from None
                self._wait(attempt, response)
                continue
            if last:
                raise error from None
            self._wait(attempt, None)
        raise AssertionError("unreachable")  # pragma: no cover


def download(url: str, *, max_bytes: int = MAX_DOWNLOAD_BYTES, timeout: float = 30.0) -> bytes:
    """Fetch an image URL's bytes, with a timeout and a size cap.

    Example:
        >>> data = download("https://example.com/dog.jpg")  # doctest: +SKIP
    """
    try:
        with requests.get(url, stream=True, timeout=(5.0, timeout)) as response:
            response.raise_for_status()
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise ImageError(f"{redact(url)}: larger than {max_bytes // 2**20} MB.")
                chunks.append(chunk)
            return b"".join(chunks)
    except requests.RequestException as exc:
        raise ImageError(f"{redact(url)}: could not download ({redact(str(exc))}).") from None
