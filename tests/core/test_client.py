"""The client against a real HTTP server on 127.0.0.1: wire format, both protocols, retries."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest

from rf_notebook import Client, predict
from rf_notebook.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigError,
    ImageError,
)
from rf_notebook.results import ClassificationResult, DetectionResult, MultiLabelResult
from tests.conftest import write_image
from tests.stub_server import BOXES, StubServer


def hosted(stub: StubServer, **kw: object) -> Client:
    return Client(api_key="k-123456", api_url=stub.url, protocol="hosted", backoff=0.01, **kw)  # type: ignore[arg-type]


def boxes(result: object) -> list[tuple[float, float, float, float, float, str]]:
    assert isinstance(result, DetectionResult)
    return [(p.x, p.y, p.width, p.height, p.confidence, p.class_name) for p in result.predictions]


def test_hosted_route_sends_base64_body_and_query_like_the_real_clients(
    stub: StubServer, images: list[Path]
) -> None:
    result = hosted(stub).predict(images[0], "toy-detect/1")
    (call,) = stub.state.calls
    assert (call.method, call.path) == ("POST", "/toy-detect/1")
    assert call.query["api_key"] == ["k-123456"]
    assert call.query["confidence"] == ["0.01"] and call.query["format"] == ["json"]
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert base64.b64decode(call.body) == images[0].read_bytes()  # original bytes, unchanged
    assert [b[-1] for b in boxes(result)] == ["circle", "circle", "square"]  # >= 0.4 default
    assert result.source == str(images[0]) and result.model_id == "toy-detect/1"
    assert result.requested_confidence == 0.01


def test_workspace_prefix_in_the_model_id_is_dropped(stub: StubServer, images: list[Path]) -> None:
    hosted(stub).predict(images[0], "my-workspace/toy-detect/1")
    assert stub.state.calls[0].path == "/toy-detect/1"


@pytest.mark.parametrize("threshold", [0.1, 0.3, 0.45, 0.5, 0.7, 0.99])
@pytest.mark.parametrize(
    "model", ["toy-detect/1", "toy-segment/1", "toy-classify/1", "toy-multilabel/1"]
)
def test_a_floor_result_filtered_at_t_equals_asking_the_server_at_t(
    stub: StubServer, images: list[Path], threshold: float, model: str
) -> None:
    floor_client, exact_client = hosted(stub), hosted(stub, floor=None)
    kept = floor_client.predict(images[1], model).filter(confidence=threshold)
    asked = exact_client.predict(images[1], model, confidence=threshold)
    assert asked.requested_confidence == threshold
    if isinstance(kept, DetectionResult):
        assert boxes(kept) == boxes(asked)
    elif isinstance(kept, ClassificationResult):
        assert isinstance(asked, ClassificationResult)
        assert (kept.top, kept.confidence, kept.predictions) == (
            asked.top,
            asked.confidence,
            asked.predictions,
        )
    else:
        assert isinstance(kept, MultiLabelResult) and isinstance(asked, MultiLabelResult)
        assert kept.predicted_classes == asked.predicted_classes
    strip = lambda d: {k: v for k, v in d.items() if k not in ("inference_id", "predictions")}  # noqa: E731
    assert strip(kept.json()) == strip(asked.json())


def test_percentages_and_fractions_mean_the_same(stub: StubServer, images: list[Path]) -> None:
    c = hosted(stub)
    assert boxes(c.predict(images[0], "toy-detect/1", confidence=60)) == boxes(
        c.predict(images[0], "toy-detect/1", confidence=0.6)
    )
    exact = hosted(stub, floor=None).predict(
        images[0], "toy-detect/1", confidence=60, classes=["square"]
    )
    assert stub.state.calls[-1].query["confidence"] == ["0.6"]
    assert stub.state.calls[-1].query["classes"] == ["square"]
    assert boxes(exact) == []


def test_server_protocol_uses_registry_add_and_batched_infer(
    stub: StubServer, images: list[Path]
) -> None:
    client = Client(api_url=stub.url, batch_size=3)
    batch = client.predict_many(images, "toy-detect/1", progress=False)
    paths = [c.path for c in stub.state.calls]
    assert paths[:2] == ["/model/registry", "/model/add"]
    infer = [c for c in stub.state.calls if c.path == "/infer/object_detection"]
    assert len(infer) == 2
    for call in infer:
        body = json.loads(call.body)
        assert body["model_id"] == "toy-detect/1" and body["confidence"] == 0.01
        assert [i["type"] for i in body["image"]] == ["base64"] * 3
    assert [r.source for r in batch] == [str(p) for p in images]  # input order
    assert all(len(r.predictions) == 3 for r in batch)  # type: ignore[union-attr]


def test_retries_429_honouring_retry_after(stub: StubServer, images: list[Path]) -> None:
    stub.state.fail_next(429, 1, retry_after="1")
    started = time.monotonic()
    hosted(stub).predict(images[0], "toy-detect/1")
    assert time.monotonic() - started >= 0.95
    assert len(stub.state.calls) == 2


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504, 0])
def test_transient_failures_are_retried(stub: StubServer, images: list[Path], status: int) -> None:
    stub.state.fail_next(status, 2)
    result = hosted(stub).predict(images[0], "toy-detect/1")
    assert len(result.predictions) == 3  # type: ignore[union-attr]
    assert len(stub.state.calls) == 3


def test_persistent_failure_raises_after_the_retries(stub: StubServer, images: list[Path]) -> None:
    stub.state.fail_next(503, 10)
    with pytest.raises(APIStatusError) as info:
        hosted(stub, retries=2).predict(images[0], "toy-detect/1")
    assert info.value.status == 503 and len(stub.state.calls) == 3


def test_client_errors_are_not_retried_and_say_what_to_check(
    stub: StubServer, images: list[Path]
) -> None:
    stub.state.api_key = "the-right-key"
    with pytest.raises(APIStatusError, match="Check the API key") as info:
        hosted(stub).predict(images[0], "toy-detect/1")
    assert info.value.status == 401 and len(stub.state.calls) == 1
    stub.state.api_key = None
    with pytest.raises(APIStatusError, match="project/version") as info:
        hosted(stub).predict(images[0], "nope/9")
    assert info.value.status == 404


def test_timeouts_and_refused_connections(stub: StubServer, images: list[Path]) -> None:
    stub.state.delay = 1.0
    with pytest.raises(APITimeoutError, match="within the timeout"):
        hosted(stub, read_timeout=0.2, retries=0).predict(images[0], "toy-detect/1")
    with pytest.raises(APIConnectionError, match="Is the server running"):
        Client(api_key="k", api_url="http://127.0.0.1:9", protocol="hosted", retries=0).predict(
            images[0], "toy-detect/1"
        )


def test_hosted_without_a_key_says_how_to_set_one(images: list[Path]) -> None:
    with pytest.raises(ConfigError, match="ROBOFLOW_API_KEY"):
        Client(api_url="https://detect.roboflow.com").predict(images[0], "p/1", cache=False)


def test_key_comes_from_the_environment(
    stub: StubServer, images: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROBOFLOW_API_KEY", "from-env-777")
    Client(api_url=stub.url, protocol="hosted").predict(images[0], "toy-detect/1")
    assert stub.state.calls[0].query["api_key"] == ["from-env-777"]


def test_downsized_images_come_back_in_original_pixels(stub: StubServer, tmp_path: Path) -> None:
    path = write_image(tmp_path / "big.png", (1001, 333))
    small = hosted(stub).predict(path, "toy-segment/1", max_side=200)
    full = hosted(stub).predict(path, "toy-segment/1")
    assert small.image is not None and (small.image.width, small.image.height) == (1001, 333)
    for a, b in zip(boxes(small), boxes(full), strict=True):
        assert a[:4] == pytest.approx(b[:4], abs=1e-9)
    fx = BOXES[0][0]
    assert small.predictions[0].x == pytest.approx(fx * 1001, abs=1e-9)  # type: ignore[union-attr]
    sent = base64.b64decode(stub.state.calls[0].body)
    assert sent.startswith(b"\xff\xd8")  # resized → encoded once as JPEG


def test_predict_many_records_failures_and_keeps_order(
    stub: StubServer, images: list[Path], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not really a jpeg")
    inputs = [images[0], tmp_path / "missing.png", broken, images[1], images[2]]
    batch = hosted(stub).predict_many(inputs, "toy-detect/1", concurrency=3, progress=False)
    assert [r.source for r in batch] == [str(images[0]), str(images[1]), str(images[2])]
    assert [(f.index, f.error_type) for f in batch.errors] == [(1, "ImageError"), (2, "ImageError")]
    assert "no such file" in batch.errors[0].message
    frame = batch.to_dataframe()
    assert frame["image"].nunique() == 5
    assert frame["error"].notna().sum() == 2


def test_folders_and_globs(stub: StubServer, images: list[Path]) -> None:
    client = hosted(stub)
    folder = client.predict_many(images[0].parent, "toy-detect/1", progress=False)
    assert [r.source for r in folder] == [str(p) for p in sorted(images)]
    pngs = client.predict_many(str(images[0].parent / "*.png"), "toy-detect/1", progress=False)
    assert len(pngs) == 3


def test_module_level_predict_uses_a_default_client(stub: StubServer, images: list[Path]) -> None:
    r = predict(images[0], "toy-classify/1", api_key="k-1", api_url=stub.url + "/")
    assert isinstance(r, ClassificationResult) and r.top == "circle"


def test_bad_arguments_fail_before_any_call(stub: StubServer, images: list[Path]) -> None:
    client = hosted(stub)
    with pytest.raises(ConfigError, match="project/version"):
        client.predict(images[0], "just-a-project")
    with pytest.raises(ConfigError, match="confidence"):
        client.predict(images[0], "toy-detect/1", confidence=-1)
    with pytest.raises(ImageError):
        client.predict(images[0].parent / "nope.jpg", "toy-detect/1")
    with pytest.raises(ConfigError, match="unknown"):
        client.predict_many(images, "toy-detect/1", confidense=0.4)
    assert stub.state.calls == []


def test_one_means_one_hundred_percent_and_is_sent_unambiguously(
    stub: StubServer, images: list[Path]
) -> None:
    exact = hosted(stub, floor=None).predict(images[0], "toy-detect/1", confidence=1)
    assert stub.state.calls[-1].query["confidence"] == ["100"]  # the hosted API reads "1" as 1 %
    assert boxes(exact) == []
    everything = hosted(stub).predict(images[0], "toy-detect/1", confidence=0.01)
    assert everything.filter(confidence=1).predictions == ()


def test_semantic_segmentation_goes_to_its_own_hosted_host() -> None:
    client = Client(api_key="k")
    assert client.settings.url_for("semantic-segmentation") == "https://segment.roboflow.com"
    assert client.settings.url_for("object-detection") == "https://serverless.roboflow.com"
    local = Client(api_url="http://127.0.0.1:9001")
    assert local.settings.url_for("semantic-segmentation") == "http://127.0.0.1:9001"
