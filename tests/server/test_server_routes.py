"""Inference-server routes: batched /infer, the model registry, info and health."""

from __future__ import annotations

from typing import Any

import requests

from rf_notebook.server import RunningServer
from tests.server.conftest import b64, image_bytes


def infer(server: RunningServer, route: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{server.url}/infer/{route}", json=body, timeout=30)


def test_a_list_in_gives_a_list_out_in_order(server: RunningServer) -> None:
    wide, tall = image_bytes(256, 128), image_bytes(128, 256)
    images = [{"type": "base64", "value": b64(d)} for d in (wide, tall, wide)]
    r = infer(
        server, "object_detection", {"model_id": "toy-detect/1", "image": images, "confidence": 0.5}
    )
    assert r.status_code == 200
    docs = r.json()
    assert [d["image"] for d in docs] == [
        {"width": 256, "height": 128},
        {"width": 128, "height": 256},
        {"width": 256, "height": 128},
    ]
    assert len({d["inference_id"] for d in docs}) == 3
    one = infer(server, "object_detection", {"model_id": "toy-detect/1", "image": images[0]}).json()
    assert isinstance(one, dict) and len(one["predictions"]) == 3


def test_v2_parameters(server: RunningServer) -> None:
    image = {"type": "base64", "value": b64(image_bytes(256, 128))}
    body = {
        "model_id": "toy-detect/1",
        "image": image,
        "iou_threshold": 0.9,
        "class_filter": ["circle"],
    }
    doc = infer(server, "object_detection", body).json()
    assert [p["class"] for p in doc["predictions"]] == ["circle", "circle"]


def test_wrong_route_for_the_model_says_which_to_use(server: RunningServer) -> None:
    body = {
        "model_id": "toy-classify/1",
        "image": {"type": "base64", "value": b64(image_bytes(8, 8))},
    }
    r = infer(server, "object_detection", body)
    assert r.status_code == 400 and "/infer/classification" in r.json()["message"]
    assert infer(server, "classification", body).json()["top"] == "square"


def test_refused_image_types_and_a_bad_item_in_a_list(server: RunningServer) -> None:
    numpy = {"model_id": "toy-detect/1", "image": {"type": "numpy", "value": "gASV"}}
    assert infer(server, "object_detection", numpy).status_code == 400
    good = {"type": "base64", "value": b64(image_bytes(8, 8))}
    mixed = {"model_id": "toy-detect/1", "image": [good, {"type": "base64", "value": "@@"}]}
    r = infer(server, "object_detection", mixed)
    assert r.status_code == 400 and "base64" in r.json()["message"]
    assert infer(server, "object_detection", {"model_id": "toy-detect/1"}).status_code == 422


def test_registry_add_remove_clear(server: RunningServer) -> None:
    url = server.url
    listed = requests.get(url + "/model/registry", timeout=10).json()
    entry = next(m for m in listed["models"] if m["model_id"] == "toy-detect/1")
    assert entry == {
        "model_id": "toy-detect/1",
        "task_type": "object-detection",
        "batch_size": None,
        "input_height": 128,
        "input_width": 128,
    }
    assert "toy-semantic/1" in listed["available"]
    after = requests.post(
        url + "/model/remove", json={"model_id": "toy-segment/1"}, timeout=10
    ).json()
    assert "toy-segment/1" not in [m["model_id"] for m in after["models"]]
    added = requests.post(url + "/model/add", json={"model_id": "toy-segment/1"}, timeout=10).json()
    assert "toy-segment/1" in [m["model_id"] for m in added["models"]]
    unknown = requests.post(url + "/model/add", json={"model_id": "nope/3"}, timeout=10)
    assert unknown.status_code == 404
    cleared = requests.post(url + "/model/clear", timeout=10).json()
    assert cleared["models"] == []
    # models load again on demand
    body = {
        "model_id": "toy-detect/1",
        "image": {"type": "base64", "value": b64(image_bytes(8, 8))},
    }
    assert infer(server, "object_detection", body).status_code == 200


def test_info_and_health(server: RunningServer) -> None:
    info = requests.get(server.url + "/info", timeout=5).json()
    assert set(info) == {"name", "version", "uuid"}
    assert requests.get(server.url + "/readiness", timeout=5).json() == {"status": "ready"}
    spec = requests.get(server.url + "/openapi.json", timeout=5).json()
    assert "/infer/{route}" in spec["paths"] and "/{project}/{version}" in spec["paths"]


def test_the_listener_lets_asyncio_set_tcp_nodelay(server: RunningServer) -> None:
    """asyncio sets TCP_NODELAY on accepted sockets only when the listener's proto is TCP;
    without it every keep-alive answer waits ~40 ms on a delayed ACK (bench_server's P2)."""
    import socket

    (listener,) = [s for srv in server._server.servers for s in srv.sockets]
    assert listener.proto == socket.IPPROTO_TCP
