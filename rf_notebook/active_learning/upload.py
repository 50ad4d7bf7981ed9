"""Upload picks to a Roboflow project, predictions as annotations (hosted-api.md §4).

Each image goes to ``POST {api}/dataset/{project}/upload`` (multipart ``name``, ``split``,
``file``, ``metadata``; query ``batch``, ``tag``), then its predictions to
``POST {api}/dataset/{project}/annotate/{id}`` as a one-image COCO (or YOLO) file. The
same calls work against the local server's upload emulation (``rf-notebook serve``).
Duplicates are reported and not annotated, as the Inference Server does; a failing
image is recorded and the rest go on; a state file makes a re-run skip finished images.
The API key travels only in the query string and never appears in a message, the
progress bar, the report or the state file.

Example:
    >>> report = upload_picks(picks, "my-project", batch="week 12", tags=["al"])  # doctest: +SKIP
    >>> report  # doctest: +SKIP
    UploadReport('my-project': 24 uploaded, 1 duplicate, 0 failed, 0 skipped)
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

import pandas as pd
from tqdm.auto import tqdm

from ..config import Secret, Settings, resolve_api_key
from ..errors import APIStatusError, ConfigError, RfNotebookError, SchemaError, redact
from ..images import prepare_image
from ..results import DetectionResult
from ..transport import Transport
from .export import file_names, received_classes
from .labels import LabelImage, coco_document, kept_predictions, yolo_text
from .upload_report import UploadReport
from .upload_state import UploadState

if TYPE_CHECKING:
    from .picks import Picks

__all__ = ["UPLOAD_API_URL", "UploadReport", "upload_picks"]

#: Roboflow's upload API (not the inference host).
UPLOAD_API_URL = "https://api.roboflow.com"
_SLUG = re.compile(r"^[A-Za-z0-9][\w.-]*$")
_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png"}


def _project_slug(project: str) -> str:
    slug = str(project).strip().strip("/").rsplit("/", 1)[-1]
    if not _SLUG.match(slug):
        raise ConfigError(f"project must be a project slug like 'my-project', got {project!r}")
    return slug


def _state_path(state_file: str | Path | None, slug: str) -> Path | None:
    if state_file is None:
        return None
    if state_file == "auto":
        return Path.cwd() / ".rf-notebook" / "uploads" / f"{slug}.json"
    return Path(state_file)


class _Uploader:
    def __init__(
        self, settings: Settings, slug: str, secret: Secret | None, prediction: bool
    ) -> None:
        self.transport = Transport(settings)
        self.base = f"{settings.base_url}/dataset/{slug}"
        self.secret = secret
        self.prediction = prediction

    def _params(self, **extra: Any) -> dict[str, Any]:
        params = {k: v for k, v in extra.items() if v is not None}
        if self.secret:
            params["api_key"] = self.secret.reveal()
        return params

    def image(self, name: str, payload: bytes, media_type: str, **fields: Any) -> tuple[str, str]:
        parts = {
            "name": (None, name),
            "split": (None, fields["split"]),
            "metadata": (None, json.dumps(fields["metadata"])),
            "file": (name, payload, media_type),
        }
        params = self._params(batch=fields["batch"], tag=list(fields["tags"]) or None)
        body = self.transport.request("POST", f"{self.base}/upload", params=params, files=parts)
        answer = _json(body.content)
        if answer.get("duplicate"):
            return "duplicate", str(answer.get("id", ""))
        if answer.get("success") and answer.get("id"):
            return "uploaded", str(answer["id"])
        raise SchemaError(f"the API did not confirm the upload: {str(answer)[:200]}", "upload")

    def annotation(self, image_id: str, name: str, text: str, labelmap: Any) -> str:
        url = f"{self.base}/annotate/{image_id}"
        try:
            body = self.transport.request(
                "POST",
                url,
                params=self._params(name=name, prediction="true" if self.prediction else None),
                json={"annotationFile": text, "labelmap": labelmap},
            )
        except APIStatusError as exc:
            if exc.status == 409 and "already annotated" in exc.message.lower():
                return "already annotated"
            raise
        if not _json(body.content).get("success"):
            raise SchemaError("the API did not confirm the annotation", "annotate")
        return "uploaded"


def _json(content: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(content)
    except ValueError:
        raise SchemaError("the API answered with something that is not JSON", "upload") from None
    return answer if isinstance(answer, dict) else {}


def upload_picks(
    picks: Picks,
    project: str,
    *,
    api_key: str | Secret | None = None,
    api_url: str | None = None,
    batch: str = "rf-notebook picks",
    tags: Sequence[str] = (),
    split: Literal["train", "valid", "test"] = "train",
    annotations: Literal["coco", "yolo"] | None = "coco",
    state_file: str | Path | None = "auto",
    as_prediction: bool = True,
    progress: bool = True,
    settings: Settings | None = None,
) -> UploadReport:
    """Upload each pick, then its predictions as an annotation; never abort on one image.

    Args:
        picks: From :func:`pick`.
        project: The project slug (``"workspace/project"`` also works).
        api_key: The key (default: ``ROBOFLOW_API_KEY`` or the Colab secret); needed for
            the hosted API, optional for a local server without a key.
        api_url: ``https://api.roboflow.com`` by default; a local server's URL to use its
            upload emulation.
        batch: Batch name the images are grouped under.
        tags: Tags for every image.
        split: ``"train"``, ``"valid"`` or ``"test"``.
        annotations: ``"coco"`` or ``"yolo"`` pre-annotations, or ``None`` for images only.
        state_file: The resume file: ``"auto"`` (``.rf-notebook/uploads/<project>.json``
            under the working folder), a path, or ``None`` for no resume.
        as_prediction: Send annotations with ``prediction=true``, as the Inference Server's
            active learning does, so Roboflow shows them as model predictions to review.
        progress: Show a progress bar.
        settings: Timeouts and retries (its URL and key are replaced by the above).

    Returns:
        :class:`UploadReport`.

    Example:
        >>> upload_picks(picks, "shapes", api_url=server.url, state_file=None)  # doctest: +SKIP
    """
    if split not in ("train", "valid", "test"):
        raise ConfigError(f"split must be 'train', 'valid' or 'test', got {split!r}")
    if annotations not in ("coco", "yolo", None):
        raise ConfigError(f"annotations must be 'coco', 'yolo' or None, got {annotations!r}")
    slug = _project_slug(project)
    url = (api_url or UPLOAD_API_URL).rstrip("/")
    secret = resolve_api_key(api_key)
    host = (urlparse(url).hostname or "").lower()
    if not secret and (host == "roboflow.com" or host.endswith(".roboflow.com")):
        raise ConfigError(
            "Uploading to Roboflow needs an API key: pass api_key=... or set ROBOFLOW_API_KEY "
            "(https://app.roboflow.com/settings/api)."
        )
    base = settings or Settings(retries=2, cache=False)
    uploader = _Uploader(replace(base, api_url=url, api_key=secret), slug, secret, as_prediction)
    state = UploadState(_state_path(state_file, slug), uploader.base)
    keys = [str(k) for k in picks.table["image"]]
    names = file_names(keys)
    classes = received_classes(picks)
    rows: list[dict[str, Any]] = []
    counts = {"uploaded": 0, "duplicate": 0, "skipped": 0, "failed": 0}
    with tqdm(
        total=len(keys), desc=f"Uploading to {slug}", unit="image", disable=not progress
    ) as bar:
        for i, key in enumerate(keys):
            row = _one(
                picks,
                i,
                key,
                names[i],
                uploader,
                state,
                classes,
                annotations,
                batch=batch,
                tags=tags,
                split=split,
            )
            rows.append(row)
            counts[row["status"]] += 1
            bar.update(1)
            bar.set_postfix(counts, refresh=False)
    table = pd.DataFrame(rows, columns=["image", "name", "status", "id", "annotation", "error"])
    return UploadReport(slug, table, state.path)


def _annotation(
    result: Any, name: str, size: tuple[int, int] | None, classes: list[str], fmt: str, t: float
) -> tuple[str, str, Any] | None:
    """``(file name, text, labelmap)`` of one image's pre-annotation, or ``None`` if empty."""
    detections = kept_predictions(result, t)
    if not isinstance(result, DetectionResult) or not detections or size is None:
        return None
    stem = Path(name).stem
    if fmt == "yolo":
        labelmap = {str(i): c for i, c in enumerate(classes)}
        return f"{stem}.txt", yolo_text(detections, size[0], size[1], classes), labelmap
    document = coco_document([LabelImage(name, size[0], size[1], detections)], classes)
    return f"{stem}.json", json.dumps(document), None


def _one(
    picks: Picks,
    i: int,
    key: str,
    name: str,
    uploader: _Uploader,
    state: UploadState,
    classes: list[str],
    annotations: str | None,
    **fields: Any,
) -> dict[str, Any]:
    """Upload one pick (or finish it); every error ends up in the row, none escapes."""
    row: dict[str, Any] = {"image": key, "name": name, "status": "failed", "id": ""}
    row.update(annotation="skipped", error="")
    previous = state.get(key) or {}
    if state.done(key):
        return {
            **row,
            "name": previous.get("name", name),
            "status": "skipped",
            "id": previous["id"],
        }
    result = picks.results[i]
    size = (result.image.width, result.image.height) if result.image else None
    try:
        if previous.get("status") in ("uploaded", "duplicate") and previous.get("id"):
            status, image_id, name = "skipped", str(previous["id"]), previous.get("name", name)
            stored = str(previous["status"])
        else:
            prepared = prepare_image(picks.image_of(i), send_urls=False)
            name = Path(name).stem + _SUFFIX.get(prepared.media_type, Path(name).suffix)
            ranked = picks.table.iloc[i]
            metadata: dict[str, Any] = {"rank": int(ranked["rank"]), "reason": ranked["reason"]}
            metadata["score"] = float(ranked["score"])
            status, image_id = uploader.image(
                name, prepared.payload, prepared.media_type, metadata=metadata, **fields
            )
            stored = status
            if size is None and prepared.width and prepared.height:
                size = (prepared.width, prepared.height)
        row.update(status=status, id=image_id, name=name)
        entry = {"id": image_id, "name": name, "status": stored, "annotation": "pending"}
        state.record(key, entry)
        if annotations is None:
            outcome = "off"
        elif stored == "duplicate":
            outcome = "none"
        else:
            label = _annotation(result, name, size, classes, annotations, picks.params.confidence)
            outcome = "none" if label is None else uploader.annotation(image_id, *label)
        row["annotation"] = entry["annotation"] = outcome
        state.record(key, entry)
    except (RfNotebookError, OSError, ValueError) as exc:
        secret = uploader.secret.reveal() if uploader.secret else None
        row["error"] = redact(f"{type(exc).__name__}: {exc}", secret)
        if row["id"]:
            row["annotation"] = "failed"
            state.record(key, {**(state.get(key) or {}), "annotation": "failed"})
    return row
