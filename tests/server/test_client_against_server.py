"""rf-notebook's client against the real local server: both protocols give the same results."""

from __future__ import annotations

from pathlib import Path

import pytest

from rf_notebook import Client
from rf_notebook.results import ClassificationResult, DetectionResult, MultiLabelResult
from rf_notebook.server import RunningServer
from tests.server.conftest import image_bytes


@pytest.fixture
def pictures(tmp_path: Path) -> list[Path]:
    paths = []
    for i, (w, h) in enumerate([(256, 128), (128, 256), (300, 200), (64, 32)]):
        path = tmp_path / f"p{i}.png"
        path.write_bytes(image_bytes(w, h, fmt="PNG", value=40 * i))
        paths.append(path)
    return paths


def summary(result: object) -> object:
    if isinstance(result, DetectionResult):
        return [
            (p.class_name, round(p.confidence, 6), round(p.x, 3), round(p.y, 3))
            for p in result.predictions
        ]
    if isinstance(result, ClassificationResult):
        return (result.top, result.confidence, [c.class_name for c in result.predictions])
    assert isinstance(result, MultiLabelResult)
    return result.predicted_classes


@pytest.mark.parametrize(
    "model", ["toy-detect/1", "toy-segment/1", "toy-classify/1", "toy-multilabel/1"]
)
def test_legacy_and_server_routes_agree(
    server: RunningServer, pictures: list[Path], model: str
) -> None:
    hosted = Client(api_url=server.url, protocol="hosted", api_key="any", cache=False)
    v2 = Client(api_url=server.url, batch_size=3, cache=False)
    a = hosted.predict_many(pictures, model, progress=False)
    b = v2.predict_many(pictures, model, progress=False)
    assert not a.errors and not b.errors
    assert [summary(r) for r in a] == [summary(r) for r in b]
    assert [r.image for r in a] == [r.image for r in b]


@pytest.mark.parametrize("threshold", [0.3, 0.45, 0.65, 0.85])
def test_floor_then_filter_equals_asking_the_real_server(
    server: RunningServer, pictures: list[Path], threshold: float
) -> None:
    floor = Client(api_url=server.url, cache=False).predict(pictures[0], "toy-detect/1")
    exact = Client(api_url=server.url, floor=None, cache=False).predict(
        pictures[0], "toy-detect/1", confidence=threshold
    )
    assert summary(floor.filter(confidence=threshold)) == summary(exact)


def test_downsizing_against_the_real_model_maps_back(server: RunningServer, tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(image_bytes(512, 256, fmt="PNG"))
    client = Client(api_url=server.url, cache=False)
    full = client.predict(path, "toy-detect/1")
    small = client.predict(path, "toy-detect/1", max_side=256)
    assert small.image is not None and (small.image.width, small.image.height) == (512, 256)
    assert summary(full) == summary(small)  # the toy model is scale-invariant by construction


def test_format_image_without_a_key_on_a_local_server(
    server: RunningServer, pictures: list[Path]
) -> None:
    import numpy as np

    client = Client(api_url=server.url, cache=False)  # no key: fine off Roboflow's hosts
    picture = client.predict_image(pictures[0], "toy-detect/1", labels=True)
    assert picture.size == (256, 128)
    assert np.asarray(picture).std() > 1  # boxes drawn on a flat grey image
