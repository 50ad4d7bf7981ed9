"""The legacy route answers exactly as the hosted API does, and refuses bad input clearly."""

from __future__ import annotations

import io
import pickle
from typing import Any

import numpy as np
import pytest
import requests
from PIL import Image

from rf_notebook.server import RunningServer
from tests.server.conftest import b64, image_bytes

WIDE = image_bytes(256, 128)  # the toy detector's documented answer is for 256 × 128


def post(server: RunningServer, path: str, data: Any = None, **kw: Any) -> requests.Response:
    headers = kw.pop("headers", {"Content-Type": "application/x-www-form-urlencoded"})
    return requests.post(server.url + path, data=data, headers=headers, timeout=30, **kw)


def boxes(doc: dict[str, Any]) -> list[tuple[str, float, float, float, float, float]]:
    return [
        (p["class"], p["confidence"], p["x"], p["y"], p["width"], p["height"])
        for p in doc["predictions"]
    ]


def test_detection_answer_is_exact_with_ids_and_time(server: RunningServer) -> None:
    r = post(server, "/toy-detect/1", b64(WIDE))
    assert r.status_code == 200, r.text
    doc = r.json()
    assert list(doc)[:2] == ["inference_id", "time"] and doc["image"] == {
        "width": 256,
        "height": 128,
    }
    expected = [
        ("circle", 0.9, 80, 36, 40, 40),
        ("square", 0.7, 84, 40, 40, 40),
        ("star", 0.6, 200, 20, 32, 40),
    ]
    got = boxes(doc)
    assert [g[0] for g in got] == [e[0] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert g[1:] == pytest.approx(e[1:], abs=1e-4)
    for p in doc["predictions"]:
        assert len(p["detection_id"]) == 36 and p["class_id"] in (0, 1, 3)
        assert None not in p.values()


@pytest.mark.parametrize("query", ["confidence=30", "confidence=0.3"])
def test_percent_and_fraction_thresholds_agree(server: RunningServer, query: str) -> None:
    doc = post(server, f"/toy-detect/1?{query}", b64(WIDE)).json()
    assert [b[0] for b in boxes(doc)] == ["circle", "square", "star", "triangle"]


def test_overlap_and_classes_are_honoured(server: RunningServer) -> None:
    loose = post(server, "/toy-detect/1?overlap=90", b64(WIDE)).json()
    assert [b[0] for b in boxes(loose)].count("circle") == 2  # IoU 0.818 < 0.9 keeps both
    only = post(server, "/toy-detect/1?classes=star,square", b64(WIDE)).json()
    assert [b[0] for b in boxes(only)] == ["square", "star"]


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "application/x-www-form-urlencoded"]
)
def test_base64_body_whatever_the_content_type(server: RunningServer, content_type: str) -> None:
    body = "data:image/jpeg;base64," + b64(WIDE)  # a data: prefix is stripped too
    r = post(server, "/toy-detect/1", body, headers={"Content-Type": content_type})
    assert r.status_code == 200 and len(r.json()["predictions"]) == 3


def test_plus_signs_are_not_form_decoded(server: RunningServer) -> None:
    data = image_bytes(256, 128, fmt="PNG", value=251)
    text = b64(data)
    assert "+" in text or "/" in text
    assert post(server, "/toy-detect/1", text).status_code == 200


def test_multipart_file_and_double_slash_paths(server: RunningServer) -> None:
    r = requests.post(
        server.url + "//toy-detect/1",
        files={"file": ("imageToUpload", WIDE, "image/jpeg")},
        timeout=30,
    )
    assert r.status_code == 200 and len(r.json()["predictions"]) == 3
    missing = requests.post(server.url + "/toy-detect/1", files={"other": ("x", WIDE)}, timeout=30)
    assert missing.status_code == 400 and "part named 'file'" in missing.json()["message"]


def test_get_with_image_url(server: RunningServer, keyed_server: RunningServer) -> None:
    # The server refuses loopback URLs unless allowed; the keyed server's docs page is on loopback.
    r = requests.get(
        f"{server.url}/toy-detect/1", params={"image": keyed_server.url + "/x.jpg"}, timeout=30
    )
    assert r.status_code == 400 and "--allow-private-urls" in r.json()["message"]
    bad = requests.get(
        f"{server.url}/toy-detect/1", params={"image": "file:///etc/passwd"}, timeout=30
    )
    assert bad.status_code == 400 and "http" in bad.json()["message"]


def test_classification_and_multilabel_shapes(server: RunningServer) -> None:
    single = post(server, "/toy-classify/1", b64(WIDE)).json()
    assert single["top"] == "square" and single["confidence"] == 0.6
    assert [p["class"] for p in single["predictions"]] == ["square"]  # only >= 0.4
    multi = post(server, "/toy-multilabel/1?confidence=0.5", b64(WIDE)).json()
    assert set(multi["predictions"]) == {"circle", "square", "triangle", "star"}
    assert multi["predicted_classes"] == ["circle", "triangle"]


def test_instance_segmentation_points(server: RunningServer) -> None:
    doc = post(server, "/toy-segment/1", b64(image_bytes(64, 32))).json()
    first = doc["predictions"][0]
    assert first["class"] == "circle" and first["mask_format"] == "polygon"
    xs = [p["x"] for p in first["points"]]
    ys = [p["y"] for p in first["points"]]
    assert (min(xs), max(xs), min(ys), max(ys)) == pytest.approx((12, 23, 2, 13), abs=1)


def test_semantic_segmentation_has_both_shapes(server: RunningServer) -> None:
    doc = post(server, "/toy-semantic/1", b64(image_bytes(64, 32))).json()
    assert doc["class_map"] == {"0": "background", "1": "road", "2": "car"}
    mask = np.asarray(
        Image.open(io.BytesIO(__import__("base64").b64decode(doc["segmentation_mask"])))
    )
    assert mask.shape == (32, 64) and mask[5, 5] == 1 and mask[25, 50] == 2 and mask[5, 50] == 0
    assert doc["predictions"]["segmentation_mask"] == doc["segmentation_mask"]


def truncated_jpeg() -> str:
    data = image_bytes(300, 300)
    return b64(data[: len(data) // 3])


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "needle"),
    [
        ("/toy-detect/1", None, {}, 400, "Content-Type header not provided"),
        ("/toy-detect/1", WIDE, {"Content-Type": "image/jpeg"}, 400, "raw image bytes"),
        ("/toy-detect/1", "@@not base64@@", None, 400, "not valid base64"),
        ("/toy-detect/1", b64(b""), None, 400, "no image"),
        ("/toy-detect/1", truncated_jpeg(), None, 400, "Could not load input image"),
        ("/toy-detect/1", b64(b"GIF89a-not-really"), None, 400, "Could not load input image"),
        (
            "/toy-detect/1",
            pickle.dumps(np.zeros(3)),
            {"Content-Type": "application/octet-stream"},
            400,
            "refused",
        ),
        ("/toy-detect/1?image_type=numpy", b64(WIDE), None, 400, "refused"),
        ("/toy-detect/1?confidence=abc", b64(WIDE), None, 422, "confidence"),
        ("/toy-detect/1?format=pdf", b64(WIDE), None, 422, "format"),
        ("/toy-detect/1?stroke=-2", b64(WIDE), None, 422, "stroke"),
        ("/no-such-model/1", b64(WIDE), None, 404, "Requested Roboflow resource not found"),
        ("/bad$id/1", b64(WIDE), None, 400, "Invalid Model ID"),
    ],
)
def test_bad_requests_get_a_clear_message_and_the_server_stays_up(
    server: RunningServer, path: str, body: Any, headers: Any, status: int, needle: str
) -> None:
    kw = {} if headers is None else {"headers": headers}
    r = post(server, path, body, **kw)
    assert r.status_code == status, r.text
    assert needle in r.json()["message"]
    assert requests.get(server.url + "/healthz", timeout=5).json() == {"status": "healthy"}


def test_decompression_bombs_and_oversized_bodies(server: RunningServer) -> None:
    buffer = io.BytesIO()
    Image.new("L", (10000, 6000)).save(buffer, format="PNG")  # 60 MP in a few KB
    r = post(server, "/toy-detect/1", b64(buffer.getvalue()))
    assert r.status_code == 400 and "MP" in r.json()["message"]
    huge = "A" * (21 * 1024 * 1024)
    r = post(server, "/toy-detect/1", huge)
    assert r.status_code == 413 and "limit" in r.json()["message"]


def test_keys_from_query_bearer_and_body(keyed_server: RunningServer) -> None:
    url = keyed_server.url
    assert post(keyed_server, "/toy-detect/1", b64(WIDE)).status_code == 401
    wrong = post(keyed_server, "/toy-detect/1?api_key=nope", b64(WIDE))
    assert wrong.status_code == 401 and "check API key" in wrong.json()["message"]
    assert post(keyed_server, "/toy-detect/1?api_key=s3cret-key", b64(WIDE)).status_code == 200
    bearer = {"Content-Type": "text/plain", "Authorization": "Bearer s3cret-key"}
    assert post(keyed_server, "/toy-detect/1", b64(WIDE), headers=bearer).status_code == 200
    body = {
        "model_id": "toy-detect/1",
        "api_key": "s3cret-key",
        "image": {"type": "base64", "value": b64(WIDE)},
    }
    assert requests.post(url + "/infer/object_detection", json=body, timeout=30).status_code == 200
    for public in ("/info", "/healthz", "/readiness", "/docs", "/openapi.json"):
        assert requests.get(url + public, timeout=5).status_code == 200
