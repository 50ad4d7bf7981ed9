"""The cURL, Python and Java snippets run against a live server and answer like the page.

"Like the page" means: the same predictions (ids aside) as the request app.js makes, which
:func:`tests.web.conftest.page_call` repeats byte for byte. The browser test checks the page
itself against the snippets it shows.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image

from rf_notebook.server import RunningServer
from rf_notebook.server.web.snippets import Call, render
from tests.web.conftest import API_KEY, SAMPLE_SIZE, boxes, page_call, run_snippet

EXPECTED_CLASSES = ["circle", "square", "star"]


def make_call(server: RunningServer, image_url: str = "", **changes: object) -> Call:
    values: dict[str, object] = {"image_file": "sample.jpg", "image_url": image_url, **changes}
    return Call(server.url, "shapes-detect", "1", **values)  # type: ignore[arg-type]


def page_answer(call: Call, folder: Path, fmt: str | None = None) -> bytes:
    query = dict(call.params())
    if fmt:
        query["format"] = fmt
    image = None if call.image_url else folder / "sample.jpg"
    response = page_call(call.endpoint, {"api_key": "any", **query}, image)
    assert response.status_code == 200, response.text
    return response.content


@pytest.fixture
def folder(tmp_path: Path, sample: Path) -> Path:
    shutil.copy(sample, tmp_path / "sample.jpg")
    return tmp_path


@pytest.mark.parametrize("language", ["curl", "python", "python-rf"])
@pytest.mark.parametrize("source", ["file", "url"])
def test_json_snippet_returns_the_pages_predictions(
    web_server: RunningServer, image_host: str, folder: Path, language: str, source: str
) -> None:
    # given
    url = f"{image_host}/sample.jpg" if source == "url" else ""
    call = make_call(web_server, url, confidence=30, classes="circle,square,star")
    # when
    done = run_snippet(language, render(call, language), folder, sys.executable)
    # then
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    expected = json.loads(page_answer(call, folder))
    assert boxes(got) == boxes(expected)
    assert sorted({b[0] for b in boxes(got)}) == EXPECTED_CLASSES
    assert got["image"] == {"width": SAMPLE_SIZE[0], "height": SAMPLE_SIZE[1]}


@pytest.mark.parametrize("language", ["curl", "python", "python-rf"])
def test_image_snippet_saves_the_servers_picture(
    web_server: RunningServer, folder: Path, language: str
) -> None:
    call = make_call(web_server, format="image", stroke=3, labels=True)
    done = run_snippet(language, render(call, language), folder, sys.executable)
    assert done.returncode == 0, done.stderr
    saved = (folder / "prediction.jpg").read_bytes()
    picture = Image.open(io.BytesIO(saved))
    assert picture.format == "JPEG" and picture.size == SAMPLE_SIZE
    if language != "python-rf":  # rf_notebook re-encodes before sending; the others send the file
        assert saved == page_answer(call, folder)


@pytest.mark.parametrize("language", ["curl", "python", "python-rf"])
def test_image_and_json_snippet_carries_the_visualization(
    web_server: RunningServer, folder: Path, language: str
) -> None:
    call = make_call(web_server, format="image_and_json")
    done = run_snippet(language, render(call, language), folder, sys.executable)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert boxes(got) == boxes(json.loads(page_answer(call, folder)))
    picture = Image.open(io.BytesIO(base64.b64decode(got["visualization"])))
    assert picture.size == SAMPLE_SIZE


def test_file_names_that_need_quoting_still_run(web_server: RunningServer, folder: Path) -> None:
    name = 'it\'s "odd" $HOME.jpg'
    (folder / "sample.jpg").rename(folder / name)
    call = make_call(web_server, image_file=name)
    for language in ("curl", "python"):
        done = run_snippet(language, render(call, language), folder, sys.executable)
        assert done.returncode == 0, done.stderr
        assert len(json.loads(done.stdout)["predictions"]) == 3


@pytest.mark.parametrize("language", ["curl", "python", "python-rf"])
def test_snippet_with_the_placeholder_is_refused_by_a_keyed_server(
    keyed_web_server: RunningServer, folder: Path, language: str
) -> None:
    code = render(make_call(keyed_web_server), language)
    refused = run_snippet(language, code, folder, sys.executable)
    assert "Unauthorized access" in refused.stdout + refused.stderr
    done = run_snippet(language, code.replace("YOUR_API_KEY", API_KEY), folder, sys.executable)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["predictions"]) == 3


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java 11+ runtime on this machine")
@pytest.mark.parametrize("fmt", ["json", "image"])
def test_java_snippet_runs(web_server: RunningServer, folder: Path, fmt: str) -> None:
    call = make_call(web_server, format=fmt)
    done = run_snippet("java", render(call, "java"), folder, sys.executable)
    assert done.returncode == 0, done.stderr
    if fmt == "json":
        assert boxes(json.loads(done.stdout)) == boxes(json.loads(page_answer(call, folder)))
    else:
        assert (folder / "prediction.jpg").read_bytes() == page_answer(call, folder)
