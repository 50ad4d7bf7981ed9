"""The page, its static files and ``/snippets`` are served offline, beside the API routes."""

from __future__ import annotations

import re

import pytest
import requests

from rf_notebook.server import RunningServer
from rf_notebook.server.web.routes_web import STATIC_DIR
from rf_notebook.server.web.snippets import KEY_PLACEHOLDER, LANGUAGES
from tests.web.conftest import API_KEY


def get(server: RunningServer, path: str, **kw: str) -> requests.Response:
    return requests.get(server.url + path, params=kw, timeout=30)


def test_page_is_served_at_the_root(web_server: RunningServer) -> None:
    r = get(web_server, "/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for element in ('id="model"', 'list="models"', 'id="api-key" type="password"', 'id="file"'):
        assert element in r.text
    for name in ("confidence", "overlap", "classes", "format", "stroke", "labels", "image-url"):
        assert f'id="{name}"' in r.text
    assert "Run Inference" in r.text


@pytest.mark.parametrize(
    ("name", "content_type"), [("app.css", "text/css"), ("app.js", "text/javascript")]
)
def test_static_files_are_served(web_server: RunningServer, name: str, content_type: str) -> None:
    r = get(web_server, f"/static/{name}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(content_type)
    assert r.text == (STATIC_DIR / name).read_text()


@pytest.mark.parametrize("name", ["index.html", "missing.js", "%2e%2e", "..%2F..%2Fapp.py"])
def test_only_the_page_files_are_static(web_server: RunningServer, name: str) -> None:
    r = get(web_server, f"/static/{name}")
    assert r.status_code == 404 and "import" not in r.text


def test_the_page_needs_nothing_from_the_internet() -> None:
    for path in STATIC_DIR.iterdir():
        text = path.read_text()
        assert not re.search(r"(src|href)=\"(https?:)?//", text), path.name
        assert "@import" not in text and "cdn" not in text.lower(), path.name
        assert not re.search(r"fetch\(\s*[\"'`]https?:", text), path.name


def test_the_script_keeps_the_key_out_of_url_storage_and_console() -> None:
    script = (STATIC_DIR / "app.js").read_text()
    assert "localStorage" not in script and "sessionStorage" not in script
    assert "history." not in script and "location." not in script
    assert not re.search(r"console\.\w+\(", script)


def test_the_page_loads_without_a_key_on_a_keyed_server(keyed_web_server: RunningServer) -> None:
    assert get(keyed_web_server, "/").status_code == 200
    assert get(keyed_web_server, "/static/app.js").status_code == 200
    assert get(keyed_web_server, "/snippets", model="shapes-detect").status_code == 200
    assert get(keyed_web_server, "/model/registry").status_code == 401


def test_snippets_come_from_the_form_values(web_server: RunningServer) -> None:
    # given
    form = {"model": "shapes-detect", "version": "1", "image_file": "dog.jpg", "stroke": "2"}
    # when
    r = get(web_server, "/snippets", **form, format="image")
    # then
    assert r.status_code == 200
    answer = r.json()
    endpoint = f"{web_server.url}/shapes-detect/1"
    assert answer["url"] == f"{endpoint}?format=image&stroke=2"  # blanks: server defaults
    assert [a["id"] for a in answer["languages"]] == list(LANGUAGES)
    curl = answer["languages"][0]["code"]
    assert "base64 < dog.jpg" in curl and f"{endpoint}?api_key={KEY_PLACEHOLDER}&" in curl


def test_snippets_never_carry_a_key_sent_to_them(web_server: RunningServer) -> None:
    r = get(web_server, "/snippets", model="shapes-detect", version="1", api_key=API_KEY)
    assert r.status_code == 200 and API_KEY not in r.text and KEY_PLACEHOLDER in r.text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"model": "bad model"}, "project may hold only"),
        ({"confidence": "lots"}, "confidence must be a number"),
        ({"format": "xml"}, "format must be one of"),
        ({"image_url": "file:///etc/passwd"}, "image_url must be an http(s) URL"),
    ],
)
def test_bad_form_values_get_a_message(
    web_server: RunningServer, form: dict[str, str], message: str
) -> None:
    r = get(web_server, "/snippets", **form)
    assert r.status_code == 422 and message in r.json()["message"]


def test_the_legacy_route_still_answers_beside_the_page(web_server: RunningServer) -> None:
    r = requests.post(
        f"{web_server.url}/shapes-detect/1",
        data="",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert r.status_code == 400 and "no image" in r.json()["message"]
