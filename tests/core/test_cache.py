"""The response cache: re-runs make no calls, writes are atomic, opt-outs work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rf_notebook import Client, ResponseCache
from rf_notebook.results import DetectionResult
from tests.stub_server import StubServer


def client(stub: StubServer, **kw: object) -> Client:
    return Client(api_key="k-1", api_url=stub.url, protocol="hosted", **kw)  # type: ignore[arg-type]


def test_a_second_run_makes_no_calls_and_gives_the_same_results(
    stub: StubServer, images: list[Path]
) -> None:
    first = client(stub).predict_many(images, "toy-detect/1", progress=False)
    calls = len(stub.state.calls)
    assert calls == len(images) and first.cached == 0
    second = client(stub).predict_many(images, "toy-detect/1", progress=False)  # a new client too
    assert len(stub.state.calls) == calls
    assert second.cached == len(images)
    assert [r.json() for r in second] == [r.json() for r in first]


def test_thresholds_share_the_cache_but_models_and_params_do_not(
    stub: StubServer, images: list[Path]
) -> None:
    c = client(stub)
    c.predict(images[0], "toy-detect/1", confidence=0.3)
    c.predict(images[0], "toy-detect/1", confidence=0.8)  # same floor request: cached
    assert len(stub.state.calls) == 1
    c.predict(images[0], "toy-segment/1")
    c.predict(images[0], "toy-detect/1", overlap=0.5)
    c.predict(images[0], "toy-detect/1", max_side=32)
    assert len(stub.state.calls) == 4


def test_resuming_a_batch_only_sends_what_is_missing(stub: StubServer, images: list[Path]) -> None:
    client(stub).predict_many(images[:2], "toy-detect/1", progress=False)
    batch = client(stub).predict_many(images, "toy-detect/1", progress=False)
    assert len(stub.state.calls) == len(images)
    assert batch.cached == 2


def test_opting_out_per_call_and_per_client(
    stub: StubServer, images: list[Path], tmp_path: Path
) -> None:
    c = client(stub)
    c.predict(images[0], "toy-detect/1")
    c.predict(images[0], "toy-detect/1", cache=False)
    assert len(stub.state.calls) == 2
    none = client(stub, cache=False)
    assert none.cache is None
    none.predict(images[0], "toy-detect/1")
    assert len(stub.state.calls) == 3
    own = client(stub, cache=tmp_path / "mine")
    own.predict(images[0], "toy-detect/1")
    assert own.cache is not None and own.cache.size().entries == 1


def test_failures_are_not_cached(stub: StubServer, images: list[Path]) -> None:
    stub.state.fail_next(404, 1)
    with pytest.raises(Exception, match="404"):
        client(stub).predict(images[0], "toy-detect/1")
    client(stub).predict(images[0], "toy-detect/1")
    assert len(stub.state.calls) == 2


def test_size_and_clear(stub: StubServer, images: list[Path]) -> None:
    c = client(stub)
    c.predict_many(images, "toy-detect/1", progress=False)
    assert c.cache is not None
    size = c.cache.size()
    assert size.entries == len(images) and size.bytes > 0
    assert "responses" in str(size)
    assert c.cache.clear() == len(images)
    assert c.cache.size().entries == 0


def test_the_key_is_never_written_to_the_cache(stub: StubServer, images: list[Path]) -> None:
    c = Client(api_key="VERY-SECRET-KEY-42", api_url=stub.url, protocol="hosted")
    c.predict(images[0], "toy-detect/1")
    assert c.cache is not None
    for file in c.cache.directory.rglob("*"):
        if file.is_file():
            assert b"VERY-SECRET-KEY-42" not in file.read_bytes()


def test_writes_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ResponseCache(tmp_path)
    key = "ab" + "0" * 62

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        cache.put(key, {"predictions": []})
    monkeypatch.undo()
    assert cache.get(key) is None
    assert list(tmp_path.rglob("*.json")) == []  # no half-written entry, no temp file left
    cache.put(key, {"predictions": []})
    assert cache.get(key) == {"predictions": []}


def test_a_damaged_entry_counts_as_missing(stub: StubServer, images: list[Path]) -> None:
    c = client(stub)
    c.predict(images[0], "toy-detect/1")
    assert c.cache is not None
    (entry,) = c.cache.directory.rglob("*.json")
    entry.write_text('{"predictions": [')
    result = c.predict(images[0], "toy-detect/1")
    assert isinstance(result, DetectionResult) and len(stub.state.calls) == 2
