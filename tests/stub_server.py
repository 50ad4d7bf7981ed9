"""A small real HTTP server on 127.0.0.1 that speaks both inference protocols.

Its answers are computed from the image it receives (boxes at fixed fractions of the
image size), so tests can predict them exactly. Faults can be injected: error statuses
with ``Retry-After``, slow replies, and connections dropped without an answer.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from PIL import Image

# (fx, fy, fw, fh, confidence, class): boxes as fractions of the received image.
BOXES = [
    (0.25, 0.25, 0.2, 0.2, 0.95, "circle"),
    (0.26, 0.25, 0.2, 0.2, 0.62, "circle"),  # overlaps the first: NMS fodder
    (0.7, 0.6, 0.3, 0.1, 0.45, "square"),
    (0.5, 0.8, 0.1, 0.1, 0.2, "triangle"),
    (0.1, 0.9, 0.05, 0.05, 0.03, "star"),
]
CLASSES = ["circle", "square", "triangle", "star"]
MODELS = {
    "toy-detect/1": "object-detection",
    "toy-segment/1": "instance-segmentation",
    "toy-classify/1": "classification",
    "toy-multilabel/1": "classification",
}


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Fault:
    status: int = 0  # 0: drop the connection without answering
    retry_after: str | None = None
    body: dict[str, Any] = field(default_factory=lambda: {"message": "injected failure"})


class StubState:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.delay = 0.0
        self.api_key: str | None = None
        self.loaded: set[str] = set()
        self.lock = threading.Lock()

    def inference_calls(self) -> list[Call]:
        return [c for c in self.calls if c.path.startswith("/infer/") or c.path.count("/") == 2]

    def fail_next(
        self,
        status: int,
        count: int = 1,
        retry_after: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        for _ in range(count):
            fault = Fault(status, retry_after)
            if body is not None:
                fault.body = body
            self.faults.append(fault)


def _threshold(value: Any, default: float) -> float:
    if value is None:
        return default
    v = float(value)
    return v / 100 if v >= 1 else v


def detect(
    width: int, height: int, confidence: float, classes: set[str] | None, segment: bool = False
) -> list[dict[str, Any]]:
    out = []
    for fx, fy, fw, fh, conf, name in BOXES:
        if conf < confidence or (classes and name not in classes):
            continue
        x, y, w, h = fx * width, fy * height, fw * width, fh * height
        p: dict[str, Any] = {
            "x": x,
            "y": y,
            "width": w,
            "height": h,
            "confidence": conf,
            "class": name,
            "class_id": CLASSES.index(name),
            "detection_id": str(uuid.uuid4()),
        }
        if segment:
            p["points"] = [
                {"x": x - w / 2, "y": y - h / 2},
                {"x": x + w / 2, "y": y - h / 2},
                {"x": x + w / 2, "y": y + h / 2},
                {"x": x - w / 2, "y": y + h / 2},
            ]
            p["mask_format"] = "polygon"
        out.append(p)
    return out


def answer(model: str, image: bytes, confidence: float, classes: set[str] | None) -> dict[str, Any]:
    with Image.open(io.BytesIO(image)) as img:
        width, height = img.size
    doc: dict[str, Any] = {
        "inference_id": str(uuid.uuid4()),
        "time": 0.001,
        "image": {"width": width, "height": height},
    }
    if model == "toy-classify/1":
        scores = [("circle", 0.6), ("square", 0.3), ("triangle", 0.08), ("star", 0.02)]
        kept = [
            {"class": n, "class_id": CLASSES.index(n), "confidence": c}
            for n, c in scores
            if c >= confidence
        ]
        doc["predictions"] = kept
        doc["top"] = kept[0]["class"] if kept else ""
        doc["confidence"] = kept[0]["confidence"] if kept else 0.0
    elif model == "toy-multilabel/1":
        scores = {"circle": 0.9, "square": 0.55, "triangle": 0.3, "star": 0.02}
        doc["predictions"] = {
            n: {"confidence": c, "class_id": CLASSES.index(n)} for n, c in scores.items()
        }
        doc["predicted_classes"] = [n for n, c in scores.items() if c >= confidence]
    else:
        doc["predictions"] = detect(
            width, height, confidence, classes, segment=model == "toy-segment/1"
        )
    return doc


def _registry(models: set[str]) -> dict[str, Any]:
    return {
        "models": [
            {
                "model_id": m,
                "task_type": MODELS[m],
                "batch_size": None,
                "input_height": 640,
                "input_width": 640,
            }
            for m in sorted(models)
        ]
    }


class _Handler(BaseHTTPRequestHandler):
    state: StubState
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, doc: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlparse(self.path)
        query = parse_qs(url.query)
        state = self.state
        with state.lock:
            state.calls.append(Call(method, url.path, query, dict(self.headers), body))
            fault = state.faults.pop(0) if state.faults else None
        if state.delay:
            time.sleep(state.delay)
        if fault is not None:
            if fault.status == 0:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send(fault.status, fault.body, extra)
            return
        try:
            self._route(method, url.path, query, body)
        except Exception as exc:  # the stub reports its own bugs as 500s
            self._send(500, {"message": f"stub error: {exc}"})

    def _key_ok(self, key: str | None) -> bool:
        return self.state.api_key is None or key == self.state.api_key

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> None:
        state = self.state
        one = {k: v[0] for k, v in query.items()}
        if path == "/model/registry":
            self._send(200, _registry(state.loaded))
            return
        if path == "/model/add":
            doc = json.loads(body)
            if doc["model_id"] in MODELS:
                state.loaded.add(doc["model_id"])
            self._send(200, _registry(state.loaded))
            return
        if path.startswith("/infer/"):
            doc = json.loads(body)
            if not self._key_ok(doc.get("api_key")):
                self._send(401, {"message": "Unauthorized access to roboflow API"})
                return
            images = doc["image"] if isinstance(doc["image"], list) else [doc["image"]]
            conf = _threshold(doc.get("confidence"), 0.4)
            classes = set(doc["class_filter"]) if doc.get("class_filter") else None
            out = [
                answer(doc["model_id"], base64.b64decode(i["value"]), conf, classes) for i in images
            ]
            self._send(200, out if isinstance(doc["image"], list) else out[0])
            return
        parts = [p for p in path.split("/") if p]
        if len(parts) != 2:
            self._send(404, {"message": "Not Found"})
            return
        if not self._key_ok(one.get("api_key")):
            self._send(401, {"message": "Unauthorized access to roboflow API - check API key"})
            return
        model = "/".join(parts)
        if model not in MODELS:
            self._send(404, {"message": "Requested Roboflow resource not found."})
            return
        if "image" in one:
            self._send(400, {"message": "the stub does not download URLs"})
            return
        try:
            image = base64.b64decode(body, validate=True)
        except ValueError:
            self._send(400, {"message": "Could not load input image. Cause: bad base64"})
            return
        conf = _threshold(one.get("confidence"), 0.4)
        classes = set(one["classes"].split(",")) if one.get("classes") else None
        self._send(200, answer(model, image, conf, classes))


class StubServer:
    """Start with ``with StubServer() as stub: ...``; ``stub.url`` is its base URL."""

    def __init__(self) -> None:
        self.state = StubState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
