"""Servers, a sample image, an image host and a real headless Chromium for the web app tests.

The toy detector is registered as ``shapes-detect/1`` (the id the page picks by default). On a
512 x 256 image it answers, with the defaults, circle 0.9, square 0.7 and star 0.6 (see
``tests/server_runtime/onnx_builders.py``: the 256 x 128 answer, scaled by 2).
"""

from __future__ import annotations

import base64
import functools
import http.server
import re
import shutil
import subprocess
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image, ImageDraw

from rf_notebook.server import RunningServer, serve_in_background
from tests.server_runtime.onnx_builders import write_model_folder

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
API_KEY = "web-s3cret-key"
SAMPLE_SIZE = (512, 256)

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


# ---- Servers and images -------------------------------------------------------------------


@pytest.fixture(scope="session")
def web_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web-models")
    write_model_folder(root, "shapes-detect/1", task="object-detection")
    write_model_folder(root, "toy-classify/1", task="classification")
    return root


@pytest.fixture(scope="session")
def web_server(
    web_models: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """No key; ``image=`` URLs may point at 127.0.0.1 (the test image host)."""
    with serve_in_background(
        models_dirs=(web_models,),
        datasets_dir=tmp_path_factory.mktemp("web-datasets"),
        allow_private_urls=True,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def keyed_web_server(
    web_models: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    with serve_in_background(
        models_dirs=(web_models,),
        datasets_dir=tmp_path_factory.mktemp("web-keyed-datasets"),
        api_key=API_KEY,
    ) as running:
        yield running


def draw_sample(path: Path) -> Path:
    """A 512 x 256 picture of the shapes the toy detector 'finds'."""
    width, height = SAMPLE_SIZE
    image = Image.new("RGB", SAMPLE_SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=(226 - y // 8, 232 - y // 10, 240))
    draw.ellipse([124, 36, 196, 108], fill=(242, 153, 74))
    draw.rectangle([140, 52, 196, 108], outline=(52, 120, 246), width=6)
    star = [(400, 2), (412, 30), (440, 32), (418, 50), (426, 78), (400, 62), (374, 78)]
    draw.polygon([*star, (382, 50), (360, 32), (388, 30)], fill=(250, 204, 21))
    image.save(path, quality=92)
    return path


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``sample.jpg`` and ``notes.txt`` (not an image)."""
    folder = tmp_path_factory.mktemp("web-samples")
    draw_sample(folder / "sample.jpg")
    (folder / "notes.txt").write_text("this is not an image\n")
    return folder


@pytest.fixture(scope="session")
def sample(samples: Path) -> Path:
    return samples / "sample.jpg"


@pytest.fixture(scope="session")
def image_host(samples: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT``, serving the samples folder (for ``image=`` URLs)."""
    handler = functools.partial(_QuietHandler, directory=str(samples))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


# ---- Calls and answers --------------------------------------------------------------------


def page_call(url: str, query: dict[str, str], image: Path | None = None) -> requests.Response:
    """The request app.js makes: base64 text body, form Content-Type (or ``image=`` only)."""
    if image is None:
        return requests.post(url, params=query, timeout=30)
    return requests.post(
        url,
        params=query,
        data=base64.b64encode(image.read_bytes()).decode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )


def boxes(doc: dict[str, Any]) -> list[tuple[str, float, float, float, float, float]]:
    """Predictions without their random ids, rounded, in a stable order."""
    return sorted(
        (
            p["class"],
            round(p["confidence"], 4),
            round(p["x"], 2),
            round(p["y"], 2),
            round(p["width"], 2),
            round(p["height"], 2),
        )
        for p in doc["predictions"]
    )


def run_snippet(
    language: str, code: str, folder: Path, python: str
) -> subprocess.CompletedProcess[str]:
    """Run a cURL, Python or Java snippet in ``folder`` (which holds its image)."""
    if language == "curl":
        command = ["bash", "-c", "set -o pipefail\n" + code]
    elif language in ("python", "python-rf"):
        (folder / "snippet.py").write_text(code)
        command = [python, "snippet.py"]
    elif language == "java":
        (folder / "Inference.java").write_text(code)
        command = [shutil.which("java") or "java", "Inference.java"]
    else:
        raise ValueError(f"no runner for {language}")
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)


# ---- The browser --------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, so the page fixture knows it failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; never a browser Playwright downloads."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with "
            "`apt-get update && apt-get install -y chromium` (.ci/run does this)",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: pip install -e '.[dev]'", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class Console:
    """What the page wrote to its console, and the errors it raised."""

    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def unexpected_errors(self) -> list[str]:
        # Chromium itself logs every 4xx/5xx fetch as "Failed to load resource"; that is
        # the network panel talking, not the page failing.
        return [e for e in self.errors if not e.startswith("Failed to load resource")]


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Any, console: Console, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; a screenshot goes to test-artifacts/web/ when the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 960})
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_console(message: Any) -> None:
        console.messages.append(message.text)
        if message.type == "error":
            console.errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.errors.append(f"pageerror: {error}"))
    yield page
    reports = request.node.stash.get(_REPORTS, {})
    if any(r.failed for r in reports.values()):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
