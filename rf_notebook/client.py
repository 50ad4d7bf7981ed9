"""Predict: one image or thousands, against the hosted API or an inference server.

Each image goes: prepare (bytes, size, scale) → cache look-up → send → parse → map
back to original pixels → client-side filters. By default the server is asked at a low
confidence floor (0.01) and your ``confidence`` is applied here, so changing a threshold
later — a slider, a metric sweep — costs no call.

Example:
    >>> import rf_notebook as rf
    >>> result = rf.predict("dog.jpg", model="my-project/3")  # doctest: +SKIP
    >>> batch = rf.predict_many("photos/", model="my-project/3")  # doctest: +SKIP
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Any

from PIL import Image
from tqdm.auto import tqdm

from .batch import Batch, Failure
from .cache import ResponseCache, cache_key
from .config import (
    Protocol,
    Secret,
    Settings,
    is_hosted_url,
    resolve_api_key,
)
from .errors import ConfigError, RfNotebookError, SchemaError, redact
from .images import Color, ImageInput, PreparedImage, prepare_image
from .planning import PREDICT_DEFAULTS, Plan, call_arguments, make_plan
from .protocols import (
    Format,
    hosted_query,
    json_of,
    server_body,
    server_route,
)
from .registry import list_models, task_type_of
from .results import AnyResult, Task
from .results.parse import parse_result
from .results.scale import scale_response
from .sources import expand_sources, input_label, input_name
from .transport import Transport

__all__ = ["Client"]

_BOX_TASKS = ("object-detection", "instance-segmentation", "keypoint-detection")


class Client:
    """Holds settings, a connection pool and the cache, for many predictions.

    Args:
        api_key: Your Roboflow key; else ``ROBOFLOW_API_KEY``, else Colab secrets.
        api_url: The hosted API (default) or an inference server such as
            ``http://127.0.0.1:9001``.
        protocol: ``"auto"`` (hosted hosts use the legacy route), ``"hosted"`` or ``"server"``.
        **settings: Any other :class:`~rf_notebook.config.Settings` field
            (``concurrency``, ``floor``, ``cache``, ``max_side``, ``retries``, …).

    Example:
        >>> client = Client(api_url="http://127.0.0.1:9001")  # doctest: +SKIP
        >>> client.predict("dog.jpg", model="shapes-detect/1", confidence=0.5)  # doctest: +SKIP
    """

    def __init__(
        self,
        api_key: str | Secret | None = None,
        api_url: str | None = None,
        *,
        protocol: Protocol = "auto",
        **settings: Any,
    ) -> None:
        try:
            self.settings = Settings(
                api_url=api_url, api_key=resolve_api_key(api_key), protocol=protocol, **settings
            )
        except TypeError as exc:
            raise ConfigError(f"unknown client setting: {exc}") from None
        self._transport = Transport(self.settings)
        cache = self.settings.cache
        self.cache: ResponseCache | None = (
            None if cache is False else ResponseCache(None if cache is True else Path(cache))
        )
        self._tasks: dict[str, str] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"Client(api_url={s.base_url!r}, protocol={s.protocol_for_url!r}, "
            f"api_key={'set' if s.api_key else 'not set'}, cache={self.cache!r})"
        )

    def _plan(self, model: str, **kw: Any) -> Plan:
        return make_plan(self.settings, self.cache is not None, model, **kw)

    def predict(
        self,
        image: ImageInput,
        model: str,
        *,
        confidence: float | None = None,
        overlap: float | None = None,
        classes: str | Sequence[str] | None = None,
        task: Task | None = None,
        max_detections: int | None = None,
        format: Format = "json",
        labels: bool | None = None,
        stroke: int | None = None,
        max_side: int | None = None,
        color: Color = "rgb",
        name: str | None = None,
        cache: bool | None = None,
        extra: dict[str, Any] | None = None,
    ) -> AnyResult:
        """Predict one image and return a typed result.

        Args:
            image: A path, URL, PIL image, NumPy array, bytes or base64 string.
            model: ``"project/version"``, like ``"shapes-detect/1"``.
            confidence: Threshold, 0–1 (values of 1 or more read as percentages).
            overlap: NMS IoU threshold, 0–1 (or a percentage), sent to the server.
            classes: Keep only these class names (a list or ``"a,b"``).
            task: The task, when the shape of the answer cannot tell it.
            max_detections: At most this many boxes.
            format: ``"json"`` or ``"image_and_json"`` (adds ``visualization``).
            labels: Draw labels on a server-side visualization.
            stroke: Box line width of a server-side visualization.
            max_side: Shrink the image so its longer side is at most this before sending;
                coordinates come back in original pixels.
            color: Channel order of a NumPy input, ``"rgb"`` or ``"bgr"``.
            name: The name to record as the result's ``source``.
            cache: ``False`` to skip the response cache for this call.
            extra: More query/body parameters, sent as given.

        Returns:
            A :class:`~rf_notebook.results.DetectionResult`, ``ClassificationResult``,
            ``MultiLabelResult`` or ``SemanticSegmentationResult``.

        Example:
            >>> r = client.predict("dog.jpg", "pets/2", confidence=0.5)  # doctest: +SKIP
            >>> r.predictions[0].class_name  # doctest: +SKIP
            'dog'
        """
        if format == "image":
            raise ConfigError("format='image' returns a picture: use predict_image()")
        plan = self._plan(model, **call_arguments(locals()))
        ((_, value, _),) = self._process(plan, [(0, image, name)])
        if isinstance(value, BaseException):
            raise value
        return value

    def predict_image(self, image: ImageInput, model: str, **kwargs: Any) -> Image.Image:
        """Ask the server to draw its own predictions (``format=image``); returns a picture.

        Example:
            >>> client.predict_image("dog.jpg", "pets/2", labels=True, stroke=3)  # doctest: +SKIP
        """
        unknown = set(kwargs) - set(PREDICT_DEFAULTS) | {"format"} & set(kwargs)
        if unknown:
            raise ConfigError(f"unknown argument(s) for predict_image: {sorted(unknown)}")
        call = {**PREDICT_DEFAULTS, "cache": False, **kwargs, "format": "image"}
        plan = self._plan(model, **call)
        prepared = prepare_image(image, max_side=plan.max_side, color=plan.color)
        response = self._send_hosted_raw(plan, prepared)
        try:
            return Image.open(io.BytesIO(response)).convert("RGB")
        except OSError:
            raise SchemaError("format=image did not return an image", "response") from None

    def predict_many(
        self,
        images: Any,
        model: str,
        *,
        concurrency: int | None = None,
        progress: bool = True,
        **kwargs: Any,
    ) -> Batch:
        """Predict many images concurrently; failures are recorded, never fatal.

        Args:
            images: A list of inputs, a folder (read recursively) or a glob pattern.
            model: ``"project/version"``.
            concurrency: Requests in flight at once (default from the client, 8).
            progress: Show a progress bar.
            **kwargs: The same options as :meth:`predict`.

        Returns:
            A :class:`~rf_notebook.batch.Batch`: results in input order, ``.errors`` for
            the inputs that failed, and ``.to_dataframe()``. Cached images make no call.

        Example:
            >>> batch = client.predict_many("photos/*.jpg", "pets/2")  # doctest: +SKIP
            >>> batch.errors  # doctest: +SKIP
            (Failure(index=3, image='photos/bad.jpg', error_type='ImageError', ...),)
        """
        call = {**PREDICT_DEFAULTS, **kwargs}
        unknown = set(call) - set(PREDICT_DEFAULTS)
        if unknown:
            raise ConfigError(f"unknown argument(s) for predict_many: {', '.join(sorted(unknown))}")
        if call["format"] == "image":
            raise ConfigError("predict_many returns results, so format='image' is not supported")
        plan = self._plan(model, **call)
        sources = expand_sources(images)
        named = [(i, s, input_name(i, s)) for i, s in enumerate(sources)]
        items: list[AnyResult | Failure | None] = [None] * len(named)
        secret = self.settings.api_key.reveal() if self.settings.api_key else None
        failed = 0

        def record(index: int, value: AnyResult | BaseException) -> None:
            nonlocal failed
            if isinstance(value, BaseException):
                failed += 1
                message = redact(str(value), secret)
                items[index] = Failure(
                    index, input_label(named[index]), type(value).__name__, message
                )
                bar.set_postfix(errors=failed, refresh=False)
            else:
                items[index] = value
            bar.update(1)

        bar = tqdm(
            total=len(named), desc=plan.model, unit="img", disable=not progress or len(named) < 2
        )
        try:
            # Cache hits are answered here, without threads; only misses go to the pool.
            misses = []
            for index, source, name in named:
                try:
                    hit = self._cached(plan, source, name)
                except Exception as exc:
                    record(index, exc)
                    continue
                if hit is None:
                    misses.append((index, source, name))
                else:
                    record(index, hit)
            cached = len(named) - len(misses) - failed
            size = self.settings.batch_size if self.settings.protocol_for_url == "server" else 1
            chunks = [misses[i : i + size] for i in range(0, len(misses), size)]
            with ThreadPoolExecutor(max_workers=concurrency or self.settings.concurrency) as pool:
                futures = [pool.submit(self._process, plan, chunk, True) for chunk in chunks]
                try:
                    for future in as_completed(futures):
                        for index, value, _ in future.result():
                            record(index, value)
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        finally:
            bar.close()
        return Batch([i for i in items if i is not None], cached=cached)

    def _cached(self, plan: Plan, source: Any, name: str | None) -> AnyResult | None:
        """The cached result for one input, or ``None``; reads no pixels for JPEG/PNG."""
        if self.cache is None or not plan.use_cache:
            return None
        prepared = prepare_image(source, max_side=plan.max_side, color=plan.color, verify=False)
        doc = self.cache.get(cache_key(plan.request_key, prepared.sha256))
        return None if doc is None else self._finish(plan, prepared, doc, name)

    def _process(
        self, plan: Plan, chunk: list[tuple[int, Any, str | None]], catch_all: bool = False
    ) -> list[tuple[int, AnyResult | BaseException, bool]]:
        """Prepare, look up, send and parse one chunk; errors come back as values."""
        out: list[tuple[int, AnyResult | BaseException, bool]] = []
        pending: list[tuple[int, PreparedImage, str, str | None]] = []
        for index, source, name in chunk:
            try:
                prepared = prepare_image(
                    source, max_side=plan.max_side, color=plan.color, verify=False
                )
                key = cache_key(plan.request_key, prepared.sha256)
                doc = self.cache.get(key) if self.cache is not None and plan.use_cache else None
                if doc is not None:
                    out.append((index, self._finish(plan, prepared, doc, name), True))
                    continue
                pending.append((index, prepared.check(), key, name))
            except Exception as exc:
                out.append((index, _checked(exc, catch_all), False))
        if not pending:
            return out
        try:
            docs = self._send(plan, [p for _, p, _, _ in pending])
        except Exception as exc:
            return out + [(i, _checked(exc, catch_all), False) for i, _, _, _ in pending]
        for (index, prepared, key, name), doc in zip(pending, docs, strict=True):
            try:
                result = self._finish(plan, prepared, doc, name)
                if self.cache is not None and plan.use_cache:
                    self.cache.put(key, doc)
                out.append((index, result, False))
            except Exception as exc:
                out.append((index, _checked(exc, catch_all), False))
        return out

    def _finish(
        self, plan: Plan, prepared: PreparedImage, doc: dict[str, Any], name: str | None
    ) -> AnyResult:
        if prepared.resized and prepared.width and prepared.height:
            doc = scale_response(doc, prepared.scale, prepared.width, prepared.height)
        task = plan.task or self._tasks.get(plan.model)
        hint: Task | None = task if task in _BOX_TASKS else plan.task  # type: ignore[assignment]
        result = parse_result(doc, task=hint, model_id=plan.model, source=name or prepared.source)
        asked = plan.options.confidence
        if plan.user_confidence is not None or plan.user_classes is not None:
            return result._refiltered(
                plan.user_confidence, plan.user_classes, requested_confidence=asked
            )
        return replace(result, requested_confidence=asked)

    def _send(self, plan: Plan, images: list[PreparedImage]) -> list[dict[str, Any]]:
        if self.settings.protocol_for_url == "hosted":
            return [json_of(self._send_hosted_raw(plan, image)) for image in images]
        return self._send_server(plan, images)

    def _send_hosted_raw(self, plan: Plan, image: PreparedImage) -> bytes:
        # Roboflow's hosts need a key; a local or self-hosted server may not.
        base = self.settings.url_for(plan.task)
        key = self.settings.require_key() if is_hosted_url(base) else self.settings.api_key
        url = f"{base}/{plan.project}/{plan.version}"
        params = {**({"api_key": key.reveal()} if key else {}), **hosted_query(plan.options, image)}
        if image.url is not None:
            response = self._transport.request("POST", url, params=params)
        else:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            response = self._transport.request(
                "POST", url, params=params, data=image.base64(), headers=headers
            )
        return response.content

    def _send_server(self, plan: Plan, images: list[PreparedImage]) -> list[dict[str, Any]]:
        task = plan.task or self._server_task(plan.model)
        body = server_body(plan.options, task, plan.model, images)
        if self.settings.api_key:
            body["api_key"] = self.settings.api_key.reveal()
        url = self.settings.base_url + server_route(task)
        answer = json_of(self._transport.request("POST", url, json=body).content, allow_list=True)
        docs = answer if isinstance(answer, list) else [answer]
        if len(docs) != len(images) or not all(isinstance(d, dict) for d in docs):
            raise SchemaError(f"sent {len(images)} images, got {len(docs)} answers", "response")
        return docs

    def _server_task(self, model: str) -> str:
        """The model's task type from ``/model/registry``, loading it with ``/model/add``.

        The lock is held across the look-up so concurrent chunks resolve a model once.
        """
        with self._lock:
            if model not in self._tasks:
                self._tasks[model] = self._look_up_task(model)
            return self._tasks[model]

    def _look_up_task(self, model: str) -> str:
        key = self.settings.api_key.reveal() if self.settings.api_key else None
        return task_type_of(self._transport, self.settings.base_url, key, model)

    def models(self) -> list[dict[str, Any]]:
        """What an inference server has loaded (``GET /model/registry``).

        Example:
            >>> [m["model_id"] for m in client.models()]  # doctest: +SKIP
            ['shapes-detect/1', 'shapes-segment/1']
        """
        key = self.settings.api_key.reveal() if self.settings.api_key else None
        return list_models(self._transport, self.settings.base_url, key)


def _checked(exc: Exception, catch_all: bool) -> Exception:
    """Record our own errors; let real bugs surface unless the caller records everything."""
    if isinstance(exc, RfNotebookError) or catch_all:
        return exc
    raise exc
