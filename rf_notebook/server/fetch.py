"""Download ``image=`` URLs for the server, refusing addresses it should not reach.

Only http and https; loopback, private, link-local, multicast and reserved addresses are
refused unless the server runs with ``--allow-private-urls``; a timeout and a size cap
bound every download, and redirects are followed only to addresses that pass too.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urljoin, urlparse

import requests

from ..errors import ImageError, redact

__all__ = ["UrlRefused", "fetch_image"]

_MAX_REDIRECTS = 3


class UrlRefused(ImageError):
    """An ``image=`` URL the server will not fetch (scheme or address)."""


def _check_address(url: str, allow_private: bool) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise UrlRefused(f"image URL must be http:// or https://, got {redact(url)!r}")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or 80, proto=socket.IPPROTO_TCP)
    except OSError:
        raise ImageError(f"could not resolve the host of image URL {redact(url)!r}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise UrlRefused(
                f"image URL {redact(url)!r} points at a private or local address ({address}); "
                "start the server with --allow-private-urls to allow it"
            )


def fetch_image(url: str, *, allow_private: bool, timeout: float, max_bytes: int) -> bytes:
    """Fetch an image URL with the checks above.

    Example:
        >>> fetch_image("https://example.com/a.jpg", allow_private=False, timeout=5,
        ...             max_bytes=2**20)  # doctest: +SKIP
    """
    for _ in range(_MAX_REDIRECTS + 1):
        _check_address(url, allow_private)
        try:
            with requests.get(
                url, stream=True, timeout=(timeout, timeout), allow_redirects=False
            ) as r:
                if r.is_redirect and "location" in r.headers:
                    url = urljoin(url, r.headers["location"])
                    continue
                if r.status_code >= 400:
                    raise ImageError(f"image URL {redact(url)!r} answered HTTP {r.status_code}")
                chunks, size = [], 0
                for chunk in r.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ImageError(
                            f"image at {redact(url)!r} is over {max_bytes // 2**20} MB"
                        )
                    chunks.append(chunk)
                return b"".join(chunks)
        except requests.RequestException as exc:
            raise ImageError(
                f"could not download image URL {redact(url)!r}: {type(exc).__name__}"
            ) from None
    raise ImageError(f"image URL {redact(url)!r} redirects too many times")
