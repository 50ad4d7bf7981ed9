"""The API key never shows: not in a repr, an error, a failure record, a progress bar or a log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from rf_notebook import Client
from rf_notebook.config import Secret, Settings
from rf_notebook.errors import APIStatusError, redact
from tests.stub_server import StubServer

KEY = "rf_SuperSecretKey_0123456789"


def test_a_batch_with_failures_leaks_the_key_nowhere(
    stub: StubServer,
    images: list[Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    stub.state.fail_next(401, 1, body={"message": f"key {KEY} is not valid"})  # a server echoing it
    stub.state.fail_next(500, 10)
    client = Client(
        api_key=KEY, api_url=stub.url, protocol="hosted", retries=1, backoff=0.01, concurrency=1
    )
    inputs = [images[0], tmp_path / "missing.jpg", images[1], images[2], images[3]]
    batch = client.predict_many(inputs, "toy-detect/1", progress=True)
    assert len(batch.errors) >= 3
    seen = [
        repr(client),
        repr(client.settings),
        str(client.settings),
        repr(batch),
        batch.to_dataframe().to_string(),
        capsys.readouterr().err,
        caplog.text,
    ]
    seen += [repr(f) for f in batch.errors]
    assert any("api_key=***" in text for text in seen)  # the logs did see a (redacted) URL
    for text in seen:
        assert KEY not in text


def test_exceptions_never_carry_the_key(stub: StubServer, images: list[Path]) -> None:
    stub.state.api_key = "something-else"
    client = Client(api_key=KEY, api_url=stub.url, protocol="hosted")
    with pytest.raises(APIStatusError) as info:
        client.predict(images[0], "toy-detect/1")
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    with pytest.raises(Exception) as refused:
        Client(api_key=KEY, api_url="http://127.0.0.1:9", protocol="hosted", retries=0).predict(
            images[0], "toy-detect/1"
        )
    assert KEY not in str(refused.value)


def test_secret_and_settings_reprs() -> None:
    secret = Secret(KEY)
    assert KEY not in f"{secret} {secret!r}" and secret.reveal() == KEY
    assert KEY not in repr(Settings(api_key=secret))


def test_redact_handles_query_json_and_bearer() -> None:
    text = f'GET /p/1?api_key={KEY}&x=1 {{"api_key": "{KEY}"}} Authorization: Bearer {KEY}'
    assert KEY not in redact(text)
    assert redact("plain text", None) == "plain text"
