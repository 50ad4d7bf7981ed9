"""Plan, then run: turn one predict call's arguments into a checked, immutable plan.

The plan holds what is the same for every image of a call — the model, the wire
parameters (with the confidence floor applied), the client-side filters — so sending can
be planned and tested without a network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cache import request_key
from .config import DEFAULT_CONFIDENCE, Settings, parse_model_id
from .images import Color
from .protocols import RequestOptions
from .results import Task, normalize_classes, normalize_confidence

__all__ = ["PREDICT_DEFAULTS", "Plan", "call_arguments", "make_plan"]


@dataclass(frozen=True)
class Plan:
    """Everything about one predict call that is the same for each image."""

    model: str
    project: str
    version: str
    task: Task | None
    options: RequestOptions
    user_confidence: float | None
    user_classes: frozenset[str] | None
    max_side: int | None
    color: Color
    use_cache: bool
    request_key: str  # with the image's SHA-256, the response's cache key


PREDICT_DEFAULTS: dict[str, Any] = dict(
    confidence=None,
    overlap=None,
    classes=None,
    task=None,
    max_detections=None,
    format="json",
    labels=None,
    stroke=None,
    max_side=None,
    color="rgb",
    cache=None,
    extra=None,
)


def call_arguments(frame: dict[str, Any]) -> dict[str, Any]:
    """The predict arguments out of a ``locals()`` dict."""
    return {k: frame[k] for k in PREDICT_DEFAULTS}


def make_plan(settings: Settings, has_cache: bool, model: str, **kw: Any) -> Plan:
    """Check and normalise one call's arguments into a :class:`Plan`."""
    project, version = parse_model_id(model)
    confidence = normalize_confidence(kw["confidence"])
    overlap = normalize_confidence(kw["overlap"], "overlap")
    classes = normalize_classes(kw["classes"])
    floor = settings.floor
    exact = floor is None or kw["format"] == "image"
    asked = confidence if exact else min(floor or 0.0, confidence or DEFAULT_CONFIDENCE)
    options = RequestOptions(
        confidence=asked,
        overlap=overlap,
        classes=classes if exact else None,
        max_detections=kw["max_detections"],
        format=kw["format"],
        labels=kw["labels"],
        stroke=kw["stroke"],
        extra=kw["extra"] or {},
    )
    cache = has_cache and kw["cache"] is not False and kw["format"] != "image"
    return Plan(
        model=f"{project}/{version}",
        project=project,
        version=version,
        task=kw["task"],
        options=options,
        user_confidence=None if exact else (confidence or DEFAULT_CONFIDENCE),
        user_classes=None if exact else classes,
        max_side=kw["max_side"] if kw["max_side"] is not None else settings.max_side,
        color=kw["color"],
        use_cache=cache,
        request_key=request_key(
            api_url=settings.url_for(kw["task"]),
            model=f"{project}/{version}",
            task=kw["task"],
            params={"protocol": settings.protocol_for_url, **options.fingerprint()},
        ),
    )
