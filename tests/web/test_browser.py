"""The page in a real headless Chromium: run a model, read the answer, copy working code.

Playwright drives Debian's ``/usr/bin/chromium`` (never a browser of its own) against the
server on 127.0.0.1. A failing test leaves a screenshot in ``test-artifacts/web/``.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_notebook.server import RunningServer
from tests.web.conftest import API_KEY, SAMPLE_SIZE, Console, boxes, run_snippet

pytestmark = pytest.mark.browser

FETCH_BYTES = """async (selector) => {
  const response = await fetch(document.querySelector(selector).src);
  return Array.from(new Uint8Array(await response.arrayBuffer()));
}"""


def open_page(page: Any, server: RunningServer) -> None:
    page.goto(server.url + "/")
    page.wait_for_function("document.querySelectorAll('#models option').length > 0")
    page.wait_for_function("document.querySelectorAll('#languages button').length > 0")


def pick_model(page: Any, model_id: str) -> None:
    page.fill("#model", model_id)
    page.dispatch_event("#model", "change")


def run_and_wait(page: Any) -> None:
    page.click("#run")
    page.wait_for_function("!document.querySelector('#run').disabled")


def page_json(page: Any) -> dict[str, Any]:
    page.wait_for_selector("#result-json", state="visible")
    answer: dict[str, Any] = json.loads(page.inner_text("#result-json"))
    return answer


def shown_picture(page: Any) -> np.ndarray:
    page.wait_for_function(
        "(() => { const img = document.querySelector('#result-image');"
        " return !img.hidden && img.complete && img.naturalWidth > 0; })()"
    )
    data = bytes(page.evaluate(FETCH_BYTES, "#result-image"))
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def snippet(page: Any, label: str) -> str:
    page.wait_for_selector("#snippet[aria-busy=false]", state="attached")  # form changes shown
    page.get_by_role("tab", name=label, exact=True).click()
    return str(page.inner_text("#snippet"))


def changed_fraction(picture: np.ndarray, sample: Path) -> float:
    original = np.asarray(Image.open(sample).convert("RGB"), dtype=np.int16)
    return float((np.abs(picture - original).max(axis=2) > 60).mean())


def test_run_shows_picture_json_and_code_that_answers_the_same(
    page: Any, console: Console, web_server: RunningServer, sample: Path, tmp_path: Path
) -> None:
    # given
    open_page(page, web_server)
    pick_model(page, "shapes-detect/1")
    assert (page.input_value("#model"), page.input_value("#version")) == ("shapes-detect", "1")
    page.set_input_files("#file", str(sample))
    # when
    run_and_wait(page)
    # then: the JSON, the server's picture and the timing are shown
    answer = page_json(page)
    assert [p["class"] for p in answer["predictions"]] == ["circle", "square", "star"]
    assert '\n  "predictions": [\n    {\n' in page.inner_text("#result-json")  # pretty
    picture = shown_picture(page)
    assert picture.shape == (SAMPLE_SIZE[1], SAMPLE_SIZE[0], 3)
    assert changed_fraction(picture, sample) > 0.005  # the boxes are drawn on it
    status = page.inner_text("#status")
    assert "ms round trip" in status and "3 predictions" in status
    # and the code panel shows this very call, which answers the same when run
    curl = snippet(page, "cURL")
    assert "base64 < sample.jpg" in curl
    assert f"{web_server.url}/shapes-detect/1?api_key=YOUR_API_KEY&confidence=40" in curl
    python = snippet(page, "Python (requests)")
    assert "import requests" in python and 'open("sample.jpg", "rb")' in python
    rf_code = snippet(page, "Python (rf_notebook)")
    assert "rf.predict(" in rf_code
    shutil.copy(sample, tmp_path / "sample.jpg")
    for language, code in (("curl", curl), ("python", python), ("python-rf", rf_code)):
        done = run_snippet(language, code, tmp_path, sys.executable)
        assert done.returncode == 0, f"{language}: {done.stderr}"
        assert boxes(json.loads(done.stdout)) == boxes(answer), language
    # and the browser snippet, run in this page on the chosen file, answers the same too
    fetch_code = snippet(page, "JavaScript (fetch)")
    with page.expect_console_message(lambda m: m.type == "log") as logged:
        page.add_script_tag(content=fetch_code)
    assert boxes(logged.value.args[0].json_value()) == boxes(answer)
    assert console.unexpected_errors() == []


@pytest.mark.parametrize("fmt", ["image", "image_and_json"])
def test_every_format_shows_both_picture_and_json(
    page: Any, console: Console, web_server: RunningServer, sample: Path, fmt: str
) -> None:
    open_page(page, web_server)
    page.set_input_files("#file", str(sample))
    page.select_option("#format", fmt)
    page.fill("#stroke", "4")
    page.check("#labels")
    run_and_wait(page)
    answer = page_json(page)
    assert len(answer["predictions"]) == 3
    assert changed_fraction(shown_picture(page), sample) > 0.005
    if fmt == "image_and_json":  # the base64 picture is summarized, not dumped
        assert answer["visualization"].startswith("<base64 JPEG")
    curl = snippet(page, "cURL")
    assert f"format={fmt}&stroke=4&labels=true" in curl
    assert ("-o prediction.jpg" in curl) == (fmt == "image")
    assert console.unexpected_errors() == []


def test_image_url_is_fetched_by_the_server(
    page: Any, console: Console, web_server: RunningServer, image_host: str, sample: Path
) -> None:
    open_page(page, web_server)
    page.set_input_files("#file", str(sample))
    page.fill("#image-url", f"{image_host}/sample.jpg")
    assert page.evaluate("document.querySelector('#file').files.length") == 0
    run_and_wait(page)
    assert [p["class"] for p in page_json(page)["predictions"]] == ["circle", "square", "star"]
    shown_picture(page)
    curl = snippet(page, "cURL")
    assert "base64" not in curl and "image=http%3A%2F%2F127.0.0.1%3A" in curl
    assert console.unexpected_errors() == []


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no image", "HTTP 400: Could not load input image. Cause: no image"),
        ("not an image", "HTTP 400: Could not load input image"),
        ("unreachable URL", "HTTP 400: Could not load input image. Cause: could not download"),
        ("unknown model", "HTTP 404: Requested Roboflow resource not found"),
        ("bad confidence", "HTTP 422: confidence must be between 0 and 1"),
    ],
)
def test_bad_input_shows_the_servers_message(
    page: Any,
    console: Console,
    web_server: RunningServer,
    samples: Path,
    case: str,
    expected: str,
) -> None:
    # given
    open_page(page, web_server)
    if case == "not an image":
        page.set_input_files("#file", str(samples / "notes.txt"))
    elif case == "unreachable URL":
        page.fill("#image-url", "http://127.0.0.1:9/missing.jpg")
    elif case != "no image":
        page.set_input_files("#file", str(samples / "sample.jpg"))
    if case == "unknown model":
        pick_model(page, "no-such-model/1")
    if case == "bad confidence":
        page.fill("#confidence", "250")
    # when
    run_and_wait(page)
    # then
    status = page.locator("#status")
    assert expected in status.inner_text()
    assert "error" in (status.get_attribute("class") or "")
    assert page.locator("#result-json").is_hidden() and page.locator("#result-image").is_hidden()
    assert console.unexpected_errors() == []


def test_wrong_key_shows_the_message_and_the_key_stays_private(
    page: Any, console: Console, keyed_web_server: RunningServer, sample: Path
) -> None:
    # given: a server with a key; the page cannot list the models without it
    page.goto(keyed_web_server.url + "/")
    page.wait_for_function("document.querySelector('#registry').textContent.includes('401')")
    pick_model(page, "shapes-detect/1")
    page.set_input_files("#file", str(sample))
    # when: a wrong key
    page.fill("#api-key", "wrong-key")
    run_and_wait(page)
    # then
    assert "HTTP 401: Unauthorized access to roboflow API" in page.inner_text("#status")
    # when: the right key
    page.fill("#api-key", API_KEY)
    page.dispatch_event("#api-key", "change")
    page.wait_for_function("document.querySelector('#registry').textContent.includes('2 models')")
    run_and_wait(page)
    # then
    assert len(page_json(page)["predictions"]) == 3
    for label in ("cURL", "Python (requests)", "JavaScript (fetch)", "Go"):
        code = snippet(page, label)
        assert "YOUR_API_KEY" in code and API_KEY not in code
    assert API_KEY not in page.url
    stored = page.evaluate("JSON.stringify([{...localStorage}, {...sessionStorage}])")
    assert API_KEY not in stored and "wrong-key" not in stored
    assert not any(API_KEY in m or "wrong-key" in m for m in console.messages)
    assert console.unexpected_errors() == []


@pytest.mark.parametrize("width", [1280, 420])
def test_layout_fits_the_window(
    page: Any, web_server: RunningServer, sample: Path, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, web_server)
    page.set_input_files("#file", str(sample))
    run_and_wait(page)
    page_json(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    form = page.locator("#form").bounding_box()
    result = page.locator("#result-title").bounding_box()
    side_by_side = result["x"] > form["x"] + form["width"]
    assert side_by_side == (width > 820)  # two columns, one on a narrow window
